// Pixel checks for the screen tests: an independent capture of an X display (xwd), and
// comparisons between RGBA pictures.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface RgbaPicture {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** The root window of `display` as RGBA, read with `xwd` (not through our capture code). */
export async function xwdCapture(display: string): Promise<RgbaPicture> {
  const { stdout } = await execFileP('xwd', ['-root', '-silent', '-display', display], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const buf = stdout as Buffer;
  const u32 = (i: number) => buf.readUInt32BE(i * 4);
  const headerSize = u32(0);
  const width = u32(4);
  const height = u32(5);
  const byteOrder = u32(7);
  const bpp = u32(11);
  const bytesPerLine = u32(12);
  const ncolors = u32(19);
  if (bpp !== 32) throw new Error(`xwd: ${bpp} bits per pixel`);
  const start = headerSize + ncolors * 12;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = start + y * bytesPerLine + x * 4;
      const o = (y * width + x) * 4;
      if (byteOrder === 0) {
        rgba[o] = buf[p + 2]!;
        rgba[o + 1] = buf[p + 1]!;
        rgba[o + 2] = buf[p]!;
      } else {
        rgba[o] = buf[p + 1]!;
        rgba[o + 1] = buf[p + 2]!;
        rgba[o + 2] = buf[p + 3]!;
      }
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}

/** Crops an RGBA picture. */
export function crop(p: RgbaPicture, x: number, y: number, width: number, height: number): RgbaPicture {
  const rgba = new Uint8Array(width * height * 4);
  for (let r = 0; r < height; r++) rgba.set(p.rgba.subarray(((y + r) * p.width + x) * 4, ((y + r) * p.width + x + width) * 4), r * width * 4);
  return { width, height, rgba };
}

/** Mean absolute difference per channel (0 = identical, 255 = opposite), RGB only. */
export function meanAbsDiff(a: RgbaPicture, b: RgbaPicture): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let sum = 0;
  for (let i = 0; i < a.rgba.length; i += 4) sum += Math.abs(a.rgba[i]! - b.rgba[i]!) + Math.abs(a.rgba[i + 1]! - b.rgba[i + 1]!) + Math.abs(a.rgba[i + 2]! - b.rgba[i + 2]!);
  return sum / (a.rgba.length / 4) / 3;
}
