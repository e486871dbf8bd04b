// The rep's keyboard and mouse on the screen view → input channel messages (CON-4). Keys are sent
// as the keysym of what the rep's layout produced (an AZERTY "é" is eacute, whatever the
// customer's layout); a dead key sends nothing and the composed character comes with the next
// key. Pointer positions are mapped from the picture shown to the customer's screen coordinates.
import { keysymForChar, keysymForKeyboardEvent } from '../../protocol/keysyms.ts';
import { MAX_INPUT_TEXT_CHARS, MAX_WHEEL_STEPS, type InputMessage } from '../../protocol/remote-control.ts';
import { streamToScreen, type ScreenInfo } from '../../protocol/screen.ts';

export interface KeyEventLike {
  type: 'keydown' | 'keyup';
  key: string;
  code: string;
  isComposing?: boolean;
}

/** A key event → the message to send, or null (a dead key, an input method composing). */
export function keyMessage(e: KeyEventLike): InputMessage | null {
  if (e.isComposing) return null;
  const keysym = keysymForKeyboardEvent(e);
  if (keysym === null) return null;
  return { t: 'key', keysym, down: e.type === 'keydown' };
}

/** Text an input method (or the browser) inserted without key events: typed character by character. */
export function textMessages(text: string): InputMessage[] {
  const chars = [...text].filter((c) => keysymForChar(c) !== null);
  const out: InputMessage[] = [];
  for (let i = 0; i < chars.length; i += MAX_INPUT_TEXT_CHARS) out.push({ t: 'text', text: chars.slice(i, i + MAX_INPUT_TEXT_CHARS).join('') });
  return out;
}

/** DOM mouse button (0 left, 1 middle, 2 right, 3 back, 4 forward) → X button. */
export function xButton(domButton: number): 1 | 2 | 3 | 8 | 9 | null {
  return ([1, 2, 3, 8, 9] as const)[domButton] ?? null;
}

export type Shown = Pick<ScreenInfo, 'region' | 'streamWidth' | 'streamHeight'>;

/** A point on the displayed canvas (CSS pixels, canvas shown `cssWidth`×`cssHeight`) → screen coordinates. */
export function canvasToScreen(info: Shown, cssWidth: number, cssHeight: number, cx: number, cy: number): { x: number; y: number } {
  return streamToScreen(info, (cx * info.streamWidth) / Math.max(1, cssWidth), (cy * info.streamHeight) / Math.max(1, cssHeight));
}

/** Accumulates wheel deltas (pixels or lines) into whole notches, clamped. */
export class WheelAccumulator {
  private x = 0;
  private y = 0;

  add(deltaX: number, deltaY: number, deltaMode: number): { dx: number; dy: number } | null {
    const per = deltaMode === 1 ? 3 : deltaMode === 2 ? 0.1 : 100;
    this.x += deltaX / per;
    this.y += deltaY / per;
    const dx = Math.trunc(this.x);
    const dy = Math.trunc(this.y);
    if (dx === 0 && dy === 0) return null;
    this.x -= dx;
    this.y -= dy;
    const clamp = (v: number) => Math.max(-MAX_WHEEL_STEPS, Math.min(MAX_WHEEL_STEPS, v));
    return { dx: clamp(dx), dy: clamp(dy) };
  }
}
