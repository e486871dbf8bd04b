// What the screen tool needs from a platform's capture (X11 today; Windows and macOS later fill
// the same interface): the monitor layout, followed live; damage, so an unchanged screen costs
// nothing; pixels of a region; and the cursor, which travels apart from the pixels.
import type { RawFrame } from '../../codec/types.ts';
import type { CursorImage, ScreenLayout, ScreenRect } from '../../protocol/screen.ts';

export interface CursorState {
  /** Screen coordinates of the pointer. */
  x: number;
  y: number;
  /** Changes whenever the shape changes; the image is only fetched when it does. */
  serial: number;
  image?: CursorImage;
}

export interface ScreenCapture {
  readonly layout: ScreenLayout;
  /** A monitor added, removed or moved, or the screen resized. */
  onLayout(cb: (layout: ScreenLayout) => void): () => void;
  /** Something on the screen changed since the last grab (coalesced; no pixels read yet). */
  onDamage(cb: () => void): () => void;
  /**
   * The pixels of `region` (BGRA) with what changed in it since the previous grab (region
   * coordinates). Null when nothing in the region changed, unless `full` is set. The buffer is
   * reused: consume it before the next grab.
   */
  grab(region: ScreenRect, full?: boolean): Promise<RawFrame | null>;
  cursor(withImage: boolean): Promise<CursorState>;
  /**
   * The pointer moved (X11: XInput2 motion), so the cursor is read at once, and the position poll
   * can be slow. Absent, or null where the platform cannot tell, the tool polls only.
   */
  onCursorMove?(cb: () => void): (() => void) | null;
  /** How the pixels are read ('mit-shm' or 'get-image'), for logs and the bench. */
  readonly method: string;
  close(): void;
}

export function intersect(a: ScreenRect, b: ScreenRect): ScreenRect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const r = Math.min(a.x + a.width, b.x + b.width);
  const btm = Math.min(a.y + a.height, b.y + b.height);
  return r > x && btm > y ? { x, y, width: r - x, height: btm - y } : null;
}

export function boundingBox(rects: ScreenRect[]): ScreenRect | null {
  if (rects.length === 0) return null;
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const r = Math.max(...rects.map((q) => q.x + q.width));
  const b = Math.max(...rects.map((q) => q.y + q.height));
  return { x, y, width: r - x, height: b - y };
}
