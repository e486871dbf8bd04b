// The tile codec: a 64² grid diffed against the previous picture, vertical scrolls sent as one
// copy rect, flat tiles as a fill, few-colour tiles (text, UI) as lossless WebP, photo-like ones
// as JPEG — all through sharp. Used where video is unavailable, or when the rep picks "sharpest".
import sharp from 'sharp';
import type { ScreenQuality, ScreenRect, Tile, TileFrameMessage } from '../protocol/screen.ts';
import { RgbaScaler } from './rgba-scaler.ts';
import { CodecError, checkRawFrame, type EncodeOptions, type EncoderSettings, type RawFrame, type ScreenEncoder } from './types.ts';
import { copyRect, detectVerticalScroll, words } from './tile-scroll.ts';

export const TILE = 64;
const jpegQuality: Record<ScreenQuality, number> = { best: 90, balanced: 75, fastest: 50, grayscale: 70 };

/** Number of distinct colours in a region, stopping at limit+1 (a run of one colour is one lookup). */
function countColours(w: Uint32Array, stride: number, r: ScreenRect, limit: number): number {
  const seen = new Set<number>();
  let last = -1;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let i = (y * stride + r.x * 4) >>> 2, end = i + r.width; i < end; i++) {
      const v = w[i]!;
      if (v === last) continue;
      last = v;
      seen.add(v);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}

function extract(rgba: Buffer, stride: number, r: ScreenRect): Buffer {
  const out = Buffer.allocUnsafe(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) rgba.copy(out, y * r.width * 4, (r.y + y) * stride + r.x * 4, (r.y + y) * stride + (r.x + r.width) * 4);
  return out;
}

function tileDiffers(a: Buffer, b: Buffer, stride: number, r: ScreenRect): boolean {
  for (let y = r.y; y < r.y + r.height; y++) {
    const s = y * stride + r.x * 4;
    if (a.compare(b, s, s + r.width * 4, s, s + r.width * 4) !== 0) return true;
  }
  return false;
}

export class TileEncoder implements ScreenEncoder {
  readonly codec = 'tile' as const;
  private readonly scaler = new RgbaScaler();
  private prev: Buffer | null = null;
  private closed = false;

  constructor(private readonly settings: EncoderSettings) {}

  async encode(frame: RawFrame, options: EncodeOptions = {}): Promise<TileFrameMessage | null> {
    if (this.closed) throw new CodecError('codec_encode', 'encoder closed');
    checkRawFrame(frame);
    const { width: W, height: H, quality } = this.settings;
    const cur = Buffer.from(this.scaler.convert(frame.data, frame.width, frame.height, W, H));
    if (quality === 'grayscale') {
      for (let p = 0; p < cur.length; p += 4) {
        const l = (cur[p]! * 77 + cur[p + 1]! * 150 + cur[p + 2]! * 29) >> 8;
        cur[p] = cur[p + 1] = cur[p + 2] = l;
      }
    }
    const stride = W * 4;
    const key = options.key === true || this.prev === null;
    const tiles: Tile[] = [];
    let area: ScreenRect = { x: 0, y: 0, width: W, height: H };
    if (!key && frame.damage) {
      if (frame.damage.length === 0) return null;
      const sx = W / frame.width;
      const sy = H / frame.height;
      const x0 = Math.max(0, Math.floor(Math.min(...frame.damage.map((d) => d.x)) * sx) - 1);
      const y0 = Math.max(0, Math.floor(Math.min(...frame.damage.map((d) => d.y)) * sy) - 1);
      const x1 = Math.min(W, Math.ceil(Math.max(...frame.damage.map((d) => d.x + d.width)) * sx) + 1);
      const y1 = Math.min(H, Math.ceil(Math.max(...frame.damage.map((d) => d.y + d.height)) * sy) + 1);
      if (x1 <= x0 || y1 <= y0) return null;
      area = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    }
    const prev = this.prev;
    if (!key && prev && !options.refresh) {
      const scroll = detectVerticalScroll(prev, cur, stride, area);
      if (scroll) {
        tiles.push({ kind: 'copy', ...scroll.dst, srcX: scroll.src.x, srcY: scroll.src.y });
        copyRect(prev, stride, scroll.src, scroll.dst);
      }
    }
    // Changed grid cells, merged into horizontal runs so sharp is called once per run.
    const runs: ScreenRect[] = [];
    const gx0 = Math.floor(area.x / TILE);
    const gx1 = Math.ceil((area.x + area.width) / TILE);
    for (let gy = Math.floor(area.y / TILE); gy < Math.ceil((area.y + area.height) / TILE); gy++) {
      let run: ScreenRect | null = null;
      for (let gx = gx0; gx < gx1; gx++) {
        const r = { x: gx * TILE, y: gy * TILE, width: Math.min(TILE, W - gx * TILE), height: Math.min(TILE, H - gy * TILE) };
        const changed = key || options.refresh === true || !prev || tileDiffers(prev, cur, stride, r);
        if (changed && run) run.width += r.width;
        else if (changed) run = { ...r };
        else if (run) {
          runs.push(run);
          run = null;
        }
      }
      if (run) runs.push(run);
    }
    const curWords = words(cur);
    const encoded = await Promise.all(runs.map((r) => this.encodeRect(cur, curWords, stride, r, quality)));
    tiles.push(...encoded);
    this.prev = cur;
    if (tiles.length === 0) return null;
    return { type: 'tiles', key, width: W, height: H, captureTime: frame.captureTime, tiles };
  }

  private async encodeRect(rgba: Buffer, rgbaWords: Uint32Array, stride: number, r: ScreenRect, quality: ScreenQuality): Promise<Tile> {
    const colours = countColours(rgbaWords, stride, r, 256);
    if (colours === 1) {
      const p = r.y * stride + r.x * 4;
      return { kind: 'fill', ...r, rgba: ((rgba[p]! << 24) | (rgba[p + 1]! << 16) | (rgba[p + 2]! << 8) | 255) >>> 0 };
    }
    const img = sharp(extract(rgba, stride, r), { raw: { width: r.width, height: r.height, channels: 4 } });
    const lossless = quality === 'best' || (quality !== 'fastest' && colours <= 256);
    if (lossless) {
      const data = await img.removeAlpha().webp({ lossless: true, effort: 0 }).toBuffer();
      return { kind: 'webp', ...r, data };
    }
    const data = await img.removeAlpha().jpeg({ quality: jpegQuality[quality], chromaSubsampling: '4:2:0' }).toBuffer();
    return { kind: 'jpeg', ...r, data };
  }

  close(): void {
    this.closed = true;
    this.scaler.close();
    this.prev = null;
  }
}
