// Remote control on X11 (CON-4): mouse and keyboard injected with XTEST. Keys arrive as keysyms;
// each is typed with the Shift/AltGr state it needs on the customer's layout (held modifiers are
// released and pressed again around it), or through a spare keycode bound for the session when the
// layout lacks it. The rep's modifiers stay held between their keydown and keyup, so Ctrl+C and
// Shift+click work; everything held is let go on releaseAll() and close().
import type { XError } from 'x11';
import { isKnownKeysym, isModifierKeysym, MODIFIER_KEYSYMS } from '../../../protocol/keysyms.ts';
import keysymTable from 'x11/lib/keysyms.js';
import { KeyboardMap, legacyUnicodeAliases } from './keysyms.ts';
import { XConnection, type XLogger } from './x11-connection.ts';

interface XTest {
  KeyPress: number;
  KeyRelease: number;
  ButtonPress: number;
  ButtonRelease: number;
  MotionNotify: number;
  FakeInput(type: number, detail: number, time: number, window: number, x: number, y: number): void;
}

export type KeyResult = 'ok' | 'unknown_keysym' | 'not_on_keyboard';

let aliases: Map<number, number> | undefined;
const SHIFTS = [MODIFIER_KEYSYMS.Shift_L, MODIFIER_KEYSYMS.Shift_R];
const LEVEL3S = [MODIFIER_KEYSYMS.ISO_Level3_Shift, MODIFIER_KEYSYMS.Mode_switch];

export class X11Input {
  /** Modifier keysyms the rep holds, with the keycode we pressed for each. */
  private readonly heldKeys = new Map<number, number>();
  private readonly heldButtons = new Set<number>();
  private lastPointer = { x: -1, y: -1 };
  private root: { width: number; height: number };
  private rootCheckedAt = Date.now();

  private constructor(
    private readonly x: XConnection,
    private readonly xtest: XTest,
    private readonly keyboard: KeyboardMap,
    private readonly log: XLogger,
  ) {
    const s = x.display.screen[0]!;
    this.root = { width: s.pixel_width, height: s.pixel_height };
  }

  static async open(display: string, log: XLogger): Promise<X11Input> {
    const x = await XConnection.open(display, log);
    try {
      const xtest = await x.ext<XTest>('xtest');
      const { min_keycode: min, max_keycode: max } = x.display;
      const rows = await x.call<number[][]>('GetKeyboardMapping', min, max - min + 1);
      aliases ??= legacyUnicodeAliases(keysymTable);
      const table = aliases;
      return new X11Input(x, xtest, new KeyboardMap(min, rows, (ks) => table.get(ks)), log);
    } catch (err) {
      x.close();
      throw err;
    }
  }

  /** The root window's size: coordinates are clamped inside it (re-read now and then: RandR may change it). */
  get rootSize(): { width: number; height: number } {
    if (Date.now() - this.rootCheckedAt > 2000) {
      this.rootCheckedAt = Date.now();
      this.x
        .call<{ width: number; height: number }>('GetGeometry', this.x.root)
        .then((g) => (this.root = { width: g.width, height: g.height }))
        .catch((err: XError) => this.log.warn({ err: err.message }, 'X input: reading the screen size failed'));
    }
    return this.root;
  }

  private clamp(x: number, y: number): { x: number; y: number } {
    const { width, height } = this.rootSize;
    return { x: Math.min(width - 1, Math.max(0, Math.round(x))), y: Math.min(height - 1, Math.max(0, Math.round(y))) };
  }

  private fake(type: number, detail: number, x = 0, y = 0): void {
    this.xtest.FakeInput(type, detail, 0, type === this.xtest.MotionNotify ? this.x.root : 0, x, y);
  }

  move(x: number, y: number): void {
    const p = this.clamp(x, y);
    if (p.x === this.lastPointer.x && p.y === this.lastPointer.y) return;
    this.lastPointer = p;
    this.fake(this.xtest.MotionNotify, 0, p.x, p.y);
  }

  button(button: number, down: boolean, x: number, y: number): void {
    this.move(x, y);
    if (down === this.heldButtons.has(button)) return;
    if (down) this.heldButtons.add(button);
    else this.heldButtons.delete(button);
    this.fake(down ? this.xtest.ButtonPress : this.xtest.ButtonRelease, button);
  }

  /** Wheel notches: positive dy scrolls down (button 5), positive dx right (button 7). */
  wheel(x: number, y: number, dx: number, dy: number): void {
    this.move(x, y);
    const click = (b: number, n: number) => {
      for (let i = 0; i < n; i++) {
        this.fake(this.xtest.ButtonPress, b);
        this.fake(this.xtest.ButtonRelease, b);
      }
    };
    click(dy < 0 ? 4 : 5, Math.abs(dy));
    click(dx < 0 ? 6 : 7, Math.abs(dx));
  }

  /** A key: modifiers go down and up with the rep's; any other key is typed when it goes down. */
  async key(keysym: number, down: boolean): Promise<KeyResult> {
    if (!isKnownKeysym(keysym)) return 'unknown_keysym';
    if (isModifierKeysym(keysym)) {
      if (down === this.heldKeys.has(keysym)) return 'ok';
      const keycode = down ? this.keyboard.keycodeOf(keysym) : this.heldKeys.get(keysym);
      if (keycode === undefined) return 'not_on_keyboard';
      if (down) this.heldKeys.set(keysym, keycode);
      else this.heldKeys.delete(keysym);
      this.fake(down ? this.xtest.KeyPress : this.xtest.KeyRelease, keycode);
      return 'ok';
    }
    if (!down) return 'ok';
    return this.type(keysym);
  }

  /** Presses a combination's keys in order and releases them in reverse (Ctrl+Alt+Del …). */
  async combo(keysyms: readonly number[]): Promise<KeyResult> {
    const pressed: number[] = [];
    let result: KeyResult = 'ok';
    for (const ks of keysyms) {
      let keycode = this.keyboard.keycodeOf(ks);
      if (keycode === undefined && !isModifierKeysym(ks)) keycode = (await this.bind(ks)) ?? undefined;
      if (keycode === undefined) {
        result = 'not_on_keyboard';
        continue;
      }
      this.fake(this.xtest.KeyPress, keycode);
      pressed.push(keycode);
    }
    for (const keycode of pressed.reverse()) this.fake(this.xtest.KeyRelease, keycode);
    return result;
  }

  private held(list: readonly number[]): [number, number][] {
    return list.flatMap((ks) => {
      const kc = this.heldKeys.get(ks);
      return kc === undefined ? [] : [[ks, kc] as [number, number]];
    });
  }

  /** Types one non-modifier keysym with the levels it needs, whatever the rep holds. */
  private async type(keysym: number): Promise<KeyResult> {
    const heldShift = this.held(SHIFTS);
    const heldLevel3 = this.held(LEVEL3S);
    let stroke = this.keyboard.strokeFor(keysym, { shift: heldShift.length > 0, level3: heldLevel3.length > 0 });
    if (!stroke) {
      const keycode = await this.bind(keysym);
      if (keycode === null) return 'not_on_keyboard';
      stroke = { keycode, shift: false, level3: false, anyLevel: true };
    }
    const undo: (() => void)[] = [];
    const want = (needed: boolean, holding: [number, number][], pressKeycode: number | undefined) => {
      if (stroke!.anyLevel) return;
      if (needed && holding.length === 0 && pressKeycode !== undefined) {
        this.fake(this.xtest.KeyPress, pressKeycode);
        undo.push(() => this.fake(this.xtest.KeyRelease, pressKeycode));
      } else if (!needed && holding.length > 0) {
        for (const [, kc] of holding) this.fake(this.xtest.KeyRelease, kc);
        undo.push(() => holding.forEach(([, kc]) => this.fake(this.xtest.KeyPress, kc)));
      }
    };
    want(stroke.shift, heldShift, this.keyboard.shiftKeycode);
    want(stroke.level3, heldLevel3, this.keyboard.level3Keycode);
    this.fake(this.xtest.KeyPress, stroke.keycode);
    this.fake(this.xtest.KeyRelease, stroke.keycode);
    for (const u of undo.reverse()) u();
    return 'ok';
  }

  /** Binds a keysym the layout lacks to a spare keycode (X tells every client with MappingNotify). */
  private async bind(keysym: number): Promise<number | null> {
    const b = this.keyboard.bindSpare(keysym);
    if (!b) return null;
    this.x.send('ChangeKeyboardMapping', b.keycode, b.row.length, b.row);
    // The mapping must be in place before the key press is processed: ordered on this connection,
    // and clients get MappingNotify before the key event.
    await this.x.sync();
    return b.keycode;
  }

  /** Types text character by character (what an input method or a short paste produced). */
  async text(text: string, keysymOf: (ch: string) => number | null): Promise<KeyResult> {
    let result: KeyResult = 'ok';
    for (const ch of text) {
      const ks = keysymOf(ch);
      if (ks === null) continue;
      const r = await this.type(ks);
      if (r !== 'ok') result = r;
    }
    return result;
  }

  /** Lets go of every key and button held for the rep. */
  releaseAll(): void {
    for (const [, keycode] of this.heldKeys) this.fake(this.xtest.KeyRelease, keycode);
    this.heldKeys.clear();
    for (const b of this.heldButtons) this.fake(this.xtest.ButtonRelease, b);
    this.heldButtons.clear();
  }

  /** Waits until the X server processed everything sent so far (tests, and before closing). */
  flush(): Promise<void> {
    return this.x.sync();
  }

  /** Releases what is held, unbinds the spare keycodes, closes the connection. */
  async close(): Promise<void> {
    if (this.x.isClosed) return;
    this.releaseAll();
    const per = this.keyboard.keysymsPerKeycode;
    for (const keycode of this.keyboard.bound.keys()) this.x.send('ChangeKeyboardMapping', keycode, per, new Array<number>(per).fill(0));
    this.keyboard.bound.clear();
    try {
      await this.x.sync();
    } catch (err) {
      this.log.warn({ err: (err as XError).message }, 'X input: the server did not confirm the last requests');
    }
    this.x.close();
  }
}
