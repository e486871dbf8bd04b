// The customer's keyboard map as X has it, and how to type a keysym on it: which keycode, with
// Shift and/or AltGr (ISO_Level3_Shift), or — for a character the layout lacks (an "é" on a US
// keyboard, an "ê" that AZERTY only makes with a dead key) — a spare keycode bound to it for the
// session and unbound at the end. Pure apart from the map it is given, so it is unit-tested.
import { MODIFIER_KEYSYMS } from '../../../protocol/keysyms.ts';

/** How to produce a keysym: press `keycode` with exactly these levels held. */
export interface KeyStroke {
  keycode: number;
  shift: boolean;
  level3: boolean;
  /** The keycode was bound for this keysym in every column: any modifier state gives it. */
  anyLevel: boolean;
}

/** Core keyboard map columns (X11 protocol §5, XKB's core mapping): group 1 level 1, level 2, group 2 …, level 3, level 4. */
const COLUMNS: { col: number; shift: boolean; level3: boolean }[] = [
  { col: 0, shift: false, level3: false },
  { col: 1, shift: true, level3: false },
  { col: 4, shift: false, level3: true },
  { col: 5, shift: true, level3: true },
];

export class KeyboardMap {
  /** keysym → every way to type it, best first. */
  private readonly byKeysym = new Map<number, KeyStroke[]>();
  private readonly spare: number[] = [];
  /** Spare keycodes bound by us, oldest first (reused when none is left). */
  readonly bound = new Map<number, number>();

  constructor(
    readonly minKeycode: number,
    /** One row per keycode from minKeycode, as GetKeyboardMapping returns it. */
    readonly rows: number[][],
    /** A legacy keysym's Unicode keysym (EuroSign 0x20ac → U+20AC), so both spellings find the key. */
    unicodeAlias: (keysym: number) => number | undefined = () => undefined,
  ) {
    rows.forEach((row, i) => {
      const keycode = minKeycode + i;
      if (row.every((ks) => ks === 0)) {
        this.spare.push(keycode);
        return;
      }
      for (const c of COLUMNS) {
        const ks = row[c.col];
        if (!ks) continue;
        // A one-level key (Return, Escape, a keypad key) lists its keysym in column 0 only.
        for (const k of [ks, unicodeAlias(ks)]) {
          if (k === undefined) continue;
          const list = this.byKeysym.get(k) ?? [];
          list.push({ keycode, shift: c.shift, level3: c.level3, anyLevel: false });
          this.byKeysym.set(k, list);
        }
      }
    });
  }

  get keysymsPerKeycode(): number {
    return this.rows[0]?.length ?? 2;
  }

  /** The keycode that produces a keysym with no modifier (used for modifiers themselves). */
  keycodeOf(keysym: number): number | undefined {
    return this.byKeysym.get(keysym)?.find((s) => !s.shift && !s.level3)?.keycode ?? this.byKeysym.get(keysym)?.[0]?.keycode;
  }

  get level3Keycode(): number | undefined {
    return this.keycodeOf(MODIFIER_KEYSYMS.ISO_Level3_Shift) ?? this.keycodeOf(MODIFIER_KEYSYMS.Mode_switch);
  }

  get shiftKeycode(): number | undefined {
    return this.keycodeOf(MODIFIER_KEYSYMS.Shift_L) ?? this.keycodeOf(MODIFIER_KEYSYMS.Shift_R);
  }

  /**
   * The way to type `keysym` that changes the fewest held modifiers; null when the layout lacks it
   * (bind a spare keycode then). Level-3 ways are skipped when no key gives Level 3.
   */
  strokeFor(keysym: number, held: { shift: boolean; level3: boolean }): KeyStroke | null {
    const ways = (this.byKeysym.get(keysym) ?? []).filter((s) => !s.level3 || this.level3Keycode !== undefined);
    if (ways.length === 0) return null;
    const cost = (s: KeyStroke) => (s.anyLevel ? 0 : Number(s.shift !== held.shift) + Number(s.level3 !== held.level3) * 2);
    return [...ways].sort((a, b) => cost(a) - cost(b))[0]!;
  }

  /**
   * Picks a keycode to bind `keysym` to: a spare one, or the oldest we bound. Returns the keycode
   * and the row to write (the keysym in every column), and records it.
   */
  bindSpare(keysym: number): { keycode: number; row: number[] } | null {
    let keycode = this.spare.shift();
    if (keycode === undefined) {
      const oldest = this.bound.entries().next().value;
      if (!oldest) return null;
      const [oldKeycode, oldKeysym] = oldest;
      this.bound.delete(oldKeycode);
      this.byKeysym.delete(oldKeysym);
      keycode = oldKeycode;
    }
    this.bound.set(keycode, keysym);
    const row = new Array<number>(this.keysymsPerKeycode).fill(keysym);
    this.rows[keycode - this.minKeycode] = row;
    this.byKeysym.set(keysym, [{ keycode, shift: false, level3: false, anyLevel: true }]);
    return { keycode, row };
  }
}

/** Legacy keysym → Unicode keysym, from X.Org's keysymdef.h as npm `x11` ships it. */
export function legacyUnicodeAliases(table: Record<string, { code: number; description: string | null }>): Map<number, number> {
  const out = new Map<number, number>();
  for (const { code, description } of Object.values(table)) {
    if (code < 0x100 || code >= 0x01000000 || !description) continue;
    const m = /^\((.)\)/u.exec(description);
    const cp = m?.[1]?.codePointAt(0);
    if (cp !== undefined && cp >= 0x100) out.set(code, 0x01000000 + cp);
  }
  return out;
}
