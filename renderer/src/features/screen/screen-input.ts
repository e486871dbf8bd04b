// The rep's mouse and keyboard on the screen picture → the input channel (CON-4). Listeners are
// attached imperatively (no React state per event). Keys go by KeyboardEvent.key/code as keysyms
// (an AZERTY "é" arrives as eacute); text an input method or a dead key composes arrives through
// the hidden text box's input events and is typed character by character. Only events aimed at
// the picture itself or its keyboard box are taken, so an overlay (annotations) keeps its own.
import { keyMessage, textMessages, xButton, canvasToScreen, WheelAccumulator, type Shown } from '../../../../src/console-core/remote-control/input-events.ts';
import type { RemoteInput } from '../../../../src/console-core/remote-control/remote-input.ts';

export interface InputBindingOptions {
  /** The element pointer events are taken on (the picture), and its shown size is read from. */
  surface: HTMLElement;
  /** The focusable hidden text box keys are taken on. */
  keyboard: HTMLTextAreaElement;
  input: () => RemoteInput | null;
  info: () => Shown | null;
  /** False while another layer (annotations) has the pointer. */
  enabled: () => boolean;
  /** Ctrl+Alt+Home: the rep takes the keyboard back. */
  onRelease: () => void;
}

/** Attaches the listeners; returns the way to detach them. */
export function bindRemoteInput(o: InputBindingOptions): () => void {
  const wheel = new WheelAccumulator();
  let composing = false;
  const point = (e: MouseEvent) => {
    const info = o.info();
    if (!info) return null;
    const r = o.surface.getBoundingClientRect();
    return canvasToScreen(info, r.width, r.height, e.clientX - r.left, e.clientY - r.top);
  };
  const send = (m: Parameters<RemoteInput['send']>[0]) => o.input()?.send(m);
  const live = () => o.enabled() && o.input() !== null;

  const onMove = (e: PointerEvent) => {
    if (!live()) return;
    const p = point(e);
    if (p) send({ t: 'move', ...p });
  };
  const onButton = (e: PointerEvent) => {
    if (!live() || e.target !== o.surface) return;
    const b = xButton(e.button);
    const p = point(e);
    if (b === null || !p) return;
    e.preventDefault();
    if (e.type === 'pointerdown') {
      o.surface.setPointerCapture(e.pointerId);
      o.keyboard.focus({ preventScroll: true });
    }
    send({ t: 'button', button: b, down: e.type === 'pointerdown', ...p });
  };
  const onWheel = (e: WheelEvent) => {
    if (!live()) return;
    e.preventDefault();
    const steps = wheel.add(e.deltaX, e.deltaY, e.deltaMode);
    const p = point(e);
    if (steps && p) send({ t: 'wheel', ...p, ...steps });
  };
  const onContextMenu = (e: Event) => {
    if (live()) e.preventDefault();
  };
  const onKey = (e: KeyboardEvent) => {
    if (!live() || e.target !== o.keyboard) return;
    if (e.type === 'keydown' && e.ctrlKey && e.altKey && e.key === 'Home') {
      e.preventDefault();
      send({ t: 'release_all' });
      o.onRelease();
      return;
    }
    if (composing || e.isComposing) return;
    const m = keyMessage({ type: e.type as 'keydown' | 'keyup', key: e.key, code: e.code, isComposing: e.isComposing });
    // A dead key sends nothing: its composed character comes through the text box's input event.
    if (!m) return;
    e.preventDefault();
    send(m);
  };
  const onInput = (e: Event) => {
    const ie = e as InputEvent;
    if (composing || ie.isComposing) return;
    if (live() && o.keyboard.value) for (const m of textMessages(o.keyboard.value)) send(m);
    o.keyboard.value = '';
  };
  const onCompositionStart = () => (composing = true);
  const onCompositionEnd = (e: CompositionEvent) => {
    composing = false;
    if (live() && e.data) for (const m of textMessages(e.data)) send(m);
    o.keyboard.value = '';
  };
  const onBlur = () => send({ t: 'release_all' });

  const s = o.surface;
  const k = o.keyboard;
  s.addEventListener('pointermove', onMove);
  s.addEventListener('pointerdown', onButton);
  s.addEventListener('pointerup', onButton);
  s.addEventListener('wheel', onWheel, { passive: false });
  s.addEventListener('contextmenu', onContextMenu);
  k.addEventListener('keydown', onKey);
  k.addEventListener('keyup', onKey);
  k.addEventListener('input', onInput);
  k.addEventListener('compositionstart', onCompositionStart);
  k.addEventListener('compositionend', onCompositionEnd);
  k.addEventListener('blur', onBlur);
  return () => {
    s.removeEventListener('pointermove', onMove);
    s.removeEventListener('pointerdown', onButton);
    s.removeEventListener('pointerup', onButton);
    s.removeEventListener('wheel', onWheel);
    s.removeEventListener('contextmenu', onContextMenu);
    k.removeEventListener('keydown', onKey);
    k.removeEventListener('keyup', onKey);
    k.removeEventListener('input', onInput);
    k.removeEventListener('compositionstart', onCompositionStart);
    k.removeEventListener('compositionend', onCompositionEnd);
    k.removeEventListener('blur', onBlur);
  };
}
