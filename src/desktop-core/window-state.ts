// The console window's size and position, remembered between runs and kept on a visible screen.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect { x: number; y: number; width: number; height: number }
export interface WindowState { bounds: Rect; maximized: boolean }

export const defaultWindowSize = { width: 1280, height: 800 };
const MIN = { width: 640, height: 480 };

function isRect(v: unknown): v is Rect {
  const r = v as Rect;
  return !!r && [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Reads the saved state; a missing or corrupt file gives null (first run), never a crash. */
export function loadWindowState(file: string): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const s = raw as WindowState;
  if (!s || !isRect(s.bounds)) return null;
  return { bounds: s.bounds, maximized: s.maximized === true };
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file); // atomic: a crash mid-write leaves the old state
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where to open the window: the saved bounds if enough of them is on one of today's screens
 * (a monitor may have been unplugged), shrunk to fit that screen; else centred on the primary.
 */
export function placeWindow(saved: WindowState | null, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...defaultWindowSize };
  const centred = (): Rect => {
    const width = Math.min(defaultWindowSize.width, primary.width);
    const height = Math.min(defaultWindowSize.height, primary.height);
    return { x: primary.x + Math.round((primary.width - width) / 2), y: primary.y + Math.round((primary.height - height) / 2), width, height };
  };
  if (!saved) return { bounds: centred(), maximized: false };
  const b = saved.bounds;
  const best = workAreas.map((area) => ({ area, seen: overlap(b, area) })).sort((p, q) => q.seen - p.seen)[0];
  // Less than a title bar's worth visible: treat as off-screen.
  if (!best || best.seen < Math.min(b.width, 200) * 40) return { bounds: centred(), maximized: saved.maximized };
  const a = best.area;
  const width = Math.max(MIN.width, Math.min(b.width, a.width));
  const height = Math.max(MIN.height, Math.min(b.height, a.height));
  const x = Math.min(Math.max(b.x, a.x), a.x + a.width - width);
  const y = Math.min(Math.max(b.y, a.y), a.y + a.height - height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized };
}
