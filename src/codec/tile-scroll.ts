// Vertical scroll detection for the tile codec: row hashes of the old and new picture inside the
// changed area; the shift that lines most rows up becomes one copy rect.
import type { ScreenRect } from '../protocol/screen.ts';

/** 32-bit words over a buffer (a copy only when it is not 4-byte aligned). */
export function words(buf: Buffer): Uint32Array {
  if (buf.byteOffset % 4 === 0) return new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  const c = new Uint8Array(buf.length & ~3);
  c.set(buf.subarray(0, c.length));
  return new Uint32Array(c.buffer);
}

/** FNV-1a over a row's pixels, a word at a time (offset and length in bytes, multiples of 4). */
function rowHash(w: Uint32Array, offset: number, length: number): number {
  let h = 2166136261;
  for (let i = offset >>> 2, end = (offset + length) >>> 2; i < end; i++) h = Math.imul(h ^ w[i]!, 16777619);
  return h >>> 0;
}

export function detectVerticalScroll(prev: Buffer, cur: Buffer, stride: number, area: ScreenRect): { src: ScreenRect; dst: ScreenRect } | null {
  if (area.height < 32) return null;
  const len = area.width * 4;
  const pw = words(prev);
  const cw = words(cur);
  const ph: number[] = [];
  const ch: number[] = [];
  for (let y = area.y; y < area.y + area.height; y++) {
    ph.push(rowHash(pw, y * stride + area.x * 4, len));
    ch.push(rowHash(cw, y * stride + area.x * 4, len));
  }
  const where = new Map<number, number[]>();
  ph.forEach((h, i) => {
    const l = where.get(h);
    if (l) {
      if (l.length < 8) l.push(i);
    } else where.set(h, [i]);
  });
  // Vote on shifts using distinctive rows of the new picture (blank rows match everywhere).
  const votes = new Map<number, number>();
  for (let i = 0; i < ch.length; i += 3) {
    const l = where.get(ch[i]!);
    if (!l || l.length > 4) continue;
    for (const j of l) if (j !== i) votes.set(j - i, (votes.get(j - i) ?? 0) + 1);
  }
  let best = 0;
  let bestVotes = 0;
  for (const [d, v] of votes) if (v > bestVotes) [best, bestVotes] = [d, v];
  if (best === 0 || bestVotes < 4) return null;
  // Longest run of rows matching under the shift: new row i == old row i+best.
  let runStart = -1;
  let bestStart = 0;
  let bestLen = 0;
  for (let i = 0; i <= ch.length; i++) {
    const j = i + best;
    const ok = i < ch.length && j >= 0 && j < ph.length && ch[i] === ph[j];
    if (ok && runStart < 0) runStart = i;
    if (!ok && runStart >= 0) {
      if (i - runStart > bestLen) [bestStart, bestLen] = [runStart, i - runStart];
      runStart = -1;
    }
  }
  if (bestLen < Math.max(16, area.height / 4)) return null;
  return {
    src: { x: area.x, y: area.y + bestStart + best, width: area.width, height: bestLen },
    dst: { x: area.x, y: area.y + bestStart, width: area.width, height: bestLen },
  };
}

/** Copies a rect inside one RGBA buffer, overlap-safe. */
export function copyRect(buf: Buffer, stride: number, src: ScreenRect, dst: ScreenRect): void {
  const len = src.width * 4;
  const rows = src.height;
  const order = dst.y > src.y ? [...Array(rows).keys()].reverse() : [...Array(rows).keys()];
  for (const i of order) buf.copy(buf, (dst.y + i) * stride + dst.x * 4, (src.y + i) * stride + src.x * 4, (src.y + i) * stride + src.x * 4 + len);
}
