// The 'clipboard' channel on the customer's machine (CON-4): text the rep copied becomes the
// customer's clipboard (acknowledged, so the rep's paste can follow), and what the customer copies
// goes to the rep. Only while control is granted; more than MAX_CLIPBOARD_BYTES is refused either way.
import {
  ChannelMessageError,
  ClipboardMessage,
  decodeChannelJson,
  encodeChannelJson,
  MAX_CLIPBOARD_BYTES,
  utf8Length,
} from '../../protocol/remote-control.ts';
import { X11Clipboard } from '../platform/linux-x11/clipboard.ts';
import type { ToolHandler } from './tool-context.ts';

/** What one clipboard message may weigh on the wire: the text, JSON-escaped (up to 6 bytes a character), and its frame. */
const MAX_CLIPBOARD_MESSAGE_BYTES = 6 * MAX_CLIPBOARD_BYTES + 1024;

export const clipboardHandler: ToolHandler = async (ch, ctx) => {
  const log = ctx.log ?? (() => {});
  const display = ctx.display ?? process.env.DISPLAY;
  const granted = () => (ctx.granted ? ctx.granted('screen_control') : true);
  let clip: X11Clipboard;
  try {
    if (!display) throw new Error('no X display');
    clip = await X11Clipboard.open(display, { warn: (o, m) => log('warn', o, m) }, MAX_CLIPBOARD_BYTES);
  } catch (err) {
    log('warn', { err: String(err) }, 'clipboard: cannot open the X display');
    ch.close('no_display');
    return;
  }
  const send = (m: ClipboardMessage) =>
    ch.write(encodeChannelJson(m)).catch((err: unknown) => log('info', { err: String(err) }, 'clipboard: channel closed while sending'));
  const offCopied = clip.onCopied((copied) => {
    if (!granted()) return;
    if (copied.ok) void send({ t: 'text', text: copied.text });
    else {
      log('warn', { bytes: copied.bytes }, 'clipboard: the customer copied more than the limit; not sent');
      void send({ t: 'error', code: 'clipboard_too_large', message: `The customer's clipboard holds more than ${MAX_CLIPBOARD_BYTES} bytes; not sent.` });
    }
  });
  let received = 0;
  try {
    for await (const m of ch) {
      let msg: ClipboardMessage;
      try {
        msg = decodeChannelJson(ClipboardMessage, m.payload, MAX_CLIPBOARD_MESSAGE_BYTES);
      } catch (err) {
        const code = err instanceof ChannelMessageError && err.code === 'message_too_large' ? 'clipboard_too_large' : 'bad_message';
        log('warn', { code, bytes: m.payload.length }, 'clipboard: message refused');
        await send({ t: 'error', code, message: code === 'clipboard_too_large' ? `At most ${MAX_CLIPBOARD_BYTES} bytes of text.` : 'Not a clipboard message.' });
        continue;
      }
      if (msg.t !== 'text') continue;
      if (!granted()) {
        log('warn', {}, 'clipboard: text refused, control is not granted');
        continue;
      }
      if (utf8Length(msg.text) > MAX_CLIPBOARD_BYTES) {
        log('warn', { chars: msg.text.length }, 'clipboard: text over the limit refused');
        await send({ t: 'error', code: 'clipboard_too_large', message: `At most ${MAX_CLIPBOARD_BYTES} bytes of text.` });
        continue;
      }
      await clip.set(msg.text);
      await send({ t: 'ack', n: ++received });
    }
  } finally {
    offCopied();
    clip.close();
  }
};
