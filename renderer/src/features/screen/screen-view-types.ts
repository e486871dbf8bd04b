// What the screen viewer hands to layers drawn over it (h13a's annotations): the displayed remote
// area, its size on the page and the mappings between page and screen coordinates.
import type { ReactNode } from 'react';
import type { ScreenInfo } from '../../../../src/protocol/screen.ts';

export interface ScreenViewport {
  info: ScreenInfo;
  /** The picture's displayed size in CSS pixels (fit to window or 1:1). */
  cssWidth: number;
  cssHeight: number;
  /** CSS pixels per screen pixel. */
  scale: number;
  /** Overlay-local CSS pixels → X root coordinates. */
  toScreen(cssX: number, cssY: number): { x: number; y: number };
  /** X root coordinates → overlay-local CSS pixels. */
  toCss(x: number, y: number): { x: number; y: number };
}

export type ScreenOverlay = (view: ScreenViewport) => ReactNode;

export function viewportOf(info: ScreenInfo, cssWidth: number, cssHeight: number): ScreenViewport {
  const r = info.region;
  const scale = cssWidth / r.width;
  return {
    info,
    cssWidth,
    cssHeight,
    scale,
    toScreen: (cx, cy) => ({
      x: Math.min(r.x + r.width - 1, Math.max(r.x, r.x + Math.floor((cx * r.width) / Math.max(1, cssWidth)))),
      y: Math.min(r.y + r.height - 1, Math.max(r.y, r.y + Math.floor((cy * r.height) / Math.max(1, cssHeight)))),
    }),
    toCss: (x, y) => ({ x: ((x - r.x) * cssWidth) / r.width, y: ((y - r.y) * cssHeight) / r.height }),
  };
}
