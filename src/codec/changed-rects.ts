// What a video picture changed, in stream pixels, from the capture's damage: the viewer draws only
// these areas of the decoded picture (so what the sharpening pass made lossless stays so), and the
// sharpening pass refreshes exactly them. Aligned outward to 16-pixel blocks, the codecs' macroblock
// (and 4:2:0 chroma) grain, so a viewer never draws half of a block the encoder changed.
import { MAX_VIDEO_RECTS, type ScreenRect } from '../protocol/screen.ts';

const BLOCK = 16;
/** Beyond this many damage rects, their bounding box is cheaper than merging them one by one. */
const MERGE_LIMIT = 256;

function touches(a: ScreenRect, b: ScreenRect): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

function union(a: ScreenRect, b: ScreenRect): ScreenRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function boundingBox(rects: ScreenRect[]): ScreenRect {
  return rects.reduce(union);
}

/**
 * Maps `damage` (source pixels of a srcWidth×srcHeight capture) onto a width×height stream and
 * aligns it to blocks; touching rects are merged. Undefined means the whole picture (no damage
 * known, or the changes cover it). An empty list means nothing changed.
 */
export function changedRects(damage: ScreenRect[] | undefined, srcWidth: number, srcHeight: number, width: number, height: number): ScreenRect[] | undefined {
  if (!damage) return undefined;
  const sx = width / srcWidth;
  const sy = height / srcHeight;
  // A scaled picture's bilinear filter reaches one source pixel further on each side.
  const pad = sx === 1 && sy === 1 ? 0 : 1;
  let rects: ScreenRect[] = [];
  for (const d of damage) {
    const x0 = Math.max(0, Math.floor((Math.floor((d.x - pad) * sx)) / BLOCK) * BLOCK);
    const y0 = Math.max(0, Math.floor((Math.floor((d.y - pad) * sy)) / BLOCK) * BLOCK);
    const x1 = Math.min(width, Math.ceil(Math.ceil((d.x + d.width + pad) * sx) / BLOCK) * BLOCK);
    const y1 = Math.min(height, Math.ceil(Math.ceil((d.y + d.height + pad) * sy) / BLOCK) * BLOCK);
    if (x1 > x0 && y1 > y0) rects.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  if (rects.length > MERGE_LIMIT) rects = [boundingBox(rects)];
  // Merge touching rects until none touch (the lists are short: a few damaged areas per picture).
  for (let merged = true; merged && rects.length > 1; ) {
    merged = false;
    for (let i = 0; i < rects.length && !merged; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        if (touches(rects[i]!, rects[j]!)) {
          rects[i] = union(rects[i]!, rects[j]!);
          rects.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  if (rects.length > MAX_VIDEO_RECTS) rects = [boundingBox(rects)];
  if (rects.length === 1 && rects[0]!.width === width && rects[0]!.height === height) return undefined;
  return rects;
}
