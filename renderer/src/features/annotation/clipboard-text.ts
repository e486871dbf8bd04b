// The rep's clipboard text before it goes on the clipboard channel: at most MAX_CLIPBOARD_BYTES
// of UTF-8 (the customer's tool refuses more with the same code), measured without encoding a
// huge text whole.
import { MAX_CLIPBOARD_BYTES } from '../../../../src/protocol/remote-control.ts';

export type ClipboardCheck = { ok: true; bytes: number } | { ok: false; code: 'clipboard_too_large'; bytes: number; max: number } | { ok: false; code: 'empty' };

/** UTF-8 length, stopping once past `limit` (a 100 MB paste is not encoded to learn it is too big). */
function utf8LengthUpTo(text: string, limit: number): number {
  if (text.length > limit) return text.length; // at least one byte a UTF-16 unit
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
    if (n > limit) return n;
  }
  return n;
}

export function checkClipboardText(text: string, max = MAX_CLIPBOARD_BYTES): ClipboardCheck {
  if (text.length === 0) return { ok: false, code: 'empty' };
  const bytes = utf8LengthUpTo(text, max);
  return bytes > max ? { ok: false, code: 'clipboard_too_large', bytes, max } : { ok: true, bytes };
}
