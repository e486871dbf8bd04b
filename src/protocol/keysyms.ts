// X keysyms, the one name for a key both ends of the input channel use: the console turns a
// browser KeyboardEvent into a keysym (layout-independent: what the rep's key *produced*), the
// agent finds or binds a keycode for it on the customer's keyboard map. Pure; no X here.

/** Keysyms of keys that produce no character, by the browser's `KeyboardEvent.key` name. */
export const NAMED_KEYSYMS = {
  Backspace: 0xff08,
  Tab: 0xff09,
  Enter: 0xff0d,
  Pause: 0xff13,
  ScrollLock: 0xff14,
  Escape: 0xff1b,
  Home: 0xff50,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  PageUp: 0xff55,
  PageDown: 0xff56,
  End: 0xff57,
  PrintScreen: 0xff61,
  Insert: 0xff63,
  ContextMenu: 0xff67,
  Help: 0xff6a,
  NumLock: 0xff7f,
  Delete: 0xffff,
  CapsLock: 0xffe5,
  AltGraph: 0xfe03,
  // Side-specific modifiers are chosen from `code` (see keysymForKeyboardEvent).
  Shift: 0xffe1,
  Control: 0xffe3,
  Alt: 0xffe9,
  Meta: 0xffeb,
  OS: 0xffeb,
  Super: 0xffeb,
} as const;
const namedByKey: Readonly<Record<string, number | undefined>> = NAMED_KEYSYMS;

/** Modifier keysyms: held between keydown and keyup; every other key is a tap. */
export const MODIFIER_KEYSYMS = {
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Meta_L: 0xffe7,
  Meta_R: 0xffe8,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  ISO_Level3_Shift: 0xfe03,
  Mode_switch: 0xff7e,
} as const;

const modifierSet = new Set<number>(Object.values(MODIFIER_KEYSYMS));
export function isModifierKeysym(keysym: number): boolean {
  return modifierSet.has(keysym);
}

const F1 = 0xffbe;
const KP_0 = 0xffb0;
const namedValues = new Set<number>(Object.values(NAMED_KEYSYMS));

/**
 * Whether a number names a key X knows: Latin-1 printable characters, Unicode keysyms
 * (0x01000000 + code point), function keys F1–F35, the keypad, and the named keys above.
 * Anything else is refused by the agent as `unknown_keysym`.
 */
export function isKnownKeysym(keysym: number): boolean {
  if (!Number.isInteger(keysym) || keysym < 0) return false;
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return true;
  if (keysym >= 0x01000100 && keysym <= 0x0110ffff) {
    const cp = keysym - 0x01000000;
    return !(cp >= 0xd800 && cp <= 0xdfff);
  }
  if (keysym >= F1 && keysym < F1 + 35) return true;
  if (keysym >= KP_0 && keysym <= KP_0 + 9) return true;
  if (keysym >= 0xff80 && keysym <= 0xffbd) return true; // keypad operators and KP_Enter …
  return namedValues.has(keysym) || modifierSet.has(keysym);
}

/** The keysym that types one character (a Unicode code point), or null for control characters. */
export function keysymForChar(ch: string): number | null {
  const cp = ch.codePointAt(0);
  if (cp === undefined || [...ch].length !== 1) return null;
  if (cp === 0x0a || cp === 0x0d) return NAMED_KEYSYMS.Enter;
  if (cp === 0x09) return NAMED_KEYSYMS.Tab;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp < 0x100) return null;
  if (cp >= 0xd800 && cp <= 0xdfff) return null;
  return 0x01000000 + cp;
}

/** The character a keysym types, if it types one (the inverse of keysymForChar). */
export function charForKeysym(keysym: number): string | null {
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return String.fromCodePoint(keysym);
  if (keysym >= 0x01000100 && keysym <= 0x0110ffff) return String.fromCodePoint(keysym - 0x01000000);
  return null;
}

/**
 * A browser key event → keysym, or null when there is nothing to send (a dead key waiting for its
 * next key — the composed character comes with that one — or an unidentified key).
 * `key` is what the rep's layout produced, so an AZERTY "é" is sent as eacute whatever layout the
 * customer has; `code` only picks left/right modifiers and keypad keys.
 */
export function keysymForKeyboardEvent(e: { key: string; code: string }): number | null {
  const { key, code } = e;
  if (key === 'Dead' || key === 'Unidentified' || key === 'Process' || key === '') return null;
  const right = code.endsWith('Right');
  switch (key) {
    case 'Shift':
      return right ? MODIFIER_KEYSYMS.Shift_R : MODIFIER_KEYSYMS.Shift_L;
    case 'Control':
      return right ? MODIFIER_KEYSYMS.Control_R : MODIFIER_KEYSYMS.Control_L;
    case 'Alt':
      return right ? MODIFIER_KEYSYMS.Alt_R : MODIFIER_KEYSYMS.Alt_L;
    case 'Meta':
    case 'OS':
    case 'Super':
      return right ? MODIFIER_KEYSYMS.Super_R : MODIFIER_KEYSYMS.Super_L;
  }
  const fn = /^F([1-9]|[12][0-9]|3[0-5])$/.exec(key);
  if (fn) return F1 + Number(fn[1]) - 1;
  if (code === 'NumpadEnter') return 0xff8d;
  const named = namedByKey[key];
  if (named !== undefined) return named;
  return keysymForChar(key);
}

/** The key combinations a rep can send from the menu (keys the rep's own system would catch). */
export const KEY_COMBINATIONS = {
  ctrl_alt_del: [MODIFIER_KEYSYMS.Control_L, MODIFIER_KEYSYMS.Alt_L, NAMED_KEYSYMS.Delete],
  ctrl_alt_backspace: [MODIFIER_KEYSYMS.Control_L, MODIFIER_KEYSYMS.Alt_L, NAMED_KEYSYMS.Backspace],
  alt_tab: [MODIFIER_KEYSYMS.Alt_L, NAMED_KEYSYMS.Tab],
  alt_f4: [MODIFIER_KEYSYMS.Alt_L, F1 + 3],
  ctrl_esc: [MODIFIER_KEYSYMS.Control_L, NAMED_KEYSYMS.Escape],
  super: [MODIFIER_KEYSYMS.Super_L],
  super_l: [MODIFIER_KEYSYMS.Super_L, 0x6c],
  print_screen: [NAMED_KEYSYMS.PrintScreen],
  ctrl_alt_t: [MODIFIER_KEYSYMS.Control_L, MODIFIER_KEYSYMS.Alt_L, 0x74],
} as const satisfies Record<string, readonly number[]>;
export type KeyCombination = keyof typeof KEY_COMBINATIONS;
