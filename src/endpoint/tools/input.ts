// The 'input' channel on the customer's machine (CON-4): the rep's mouse and keyboard, injected
// into the X display. Nothing is injected unless the customer grants control right now (checked
// per event, so taking control back stops it at once); bad messages, unknown keysyms and floods
// are refused and logged, and whatever the rep held is let go when the channel ends.
import { KEY_COMBINATIONS, keysymForChar } from '../../protocol/keysyms.ts';
import { decodeChannelJson, INPUT_EVENTS_PER_SECOND, InputMessage, MAX_INPUT_MESSAGE_BYTES, ChannelMessageError } from '../../protocol/remote-control.ts';
import { X11Input } from '../platform/linux-x11/input.ts';
import { RefusalLog, TokenBucket } from './rate-limit.ts';
import type { ToolHandler } from './tool-context.ts';

/** Events dropped within one second after which the channel is closed as a flood. */
const FLOOD_CLOSE_AFTER = INPUT_EVENTS_PER_SECOND * 4;

export const inputHandler: ToolHandler = async (ch, ctx) => {
  const log = ctx.log ?? (() => {});
  const display = ctx.display ?? process.env.DISPLAY;
  if (!display) {
    log('warn', {}, 'input: no X display');
    ch.close('no_display');
    return;
  }
  let input: X11Input;
  try {
    input = await X11Input.open(display, { warn: (o, m) => log('warn', o, m) });
  } catch (err) {
    log('warn', { err: String(err) }, 'input: cannot open the X display');
    ch.close('no_display');
    return;
  }
  const bucket = new TokenBucket(INPUT_EVENTS_PER_SECOND, INPUT_EVENTS_PER_SECOND * 2);
  const refusals = new RefusalLog((counts) => log('warn', { refused: counts }, 'input: events refused'));
  let dropped = 0;
  let droppedSince = Date.now();
  let wasAllowed = true;
  let stopReason = '';
  ctx.report({ kind: 'control_started' });
  try {
    for await (const m of ch) {
      const allowed = ctx.granted ? ctx.granted('screen_control') : true;
      if (!allowed) {
        // Taken back: let go of anything held once, then refuse every event until the channel closes.
        if (wasAllowed) input.releaseAll();
        wasAllowed = false;
        refusals.add('control_not_granted');
        continue;
      }
      wasAllowed = true;
      if (!bucket.take()) {
        refusals.add('flood');
        if (Date.now() - droppedSince > 1000) {
          dropped = 0;
          droppedSince = Date.now();
        }
        if (++dropped >= FLOOD_CLOSE_AFTER) {
          log('warn', { dropped }, 'input: flood, closing the channel');
          stopReason = 'flood';
          ch.close('flood');
          break;
        }
        continue;
      }
      let msg: InputMessage;
      try {
        msg = decodeChannelJson(InputMessage, m.payload, MAX_INPUT_MESSAGE_BYTES);
      } catch (err) {
        refusals.add(err instanceof ChannelMessageError ? err.code : 'bad_message');
        continue;
      }
      const result = await apply(input, msg);
      if (result !== 'ok') refusals.add(result);
    }
  } finally {
    refusals.flush();
    await input.close();
    const reason = stopReason || (await Promise.race([ch.closed, Promise.resolve('ended')]));
    ctx.report({ kind: 'control_stopped', reason: reason.slice(0, 64) });
  }
};

async function apply(input: X11Input, msg: InputMessage): Promise<string> {
  switch (msg.t) {
    case 'move':
      input.move(msg.x, msg.y);
      return 'ok';
    case 'button':
      input.button(msg.button, msg.down, msg.x, msg.y);
      return 'ok';
    case 'wheel':
      input.wheel(msg.x, msg.y, msg.dx, msg.dy);
      return 'ok';
    case 'key':
      return input.key(msg.keysym, msg.down);
    case 'text':
      return input.text(msg.text, keysymForChar);
    case 'combo':
      return input.combo(KEY_COMBINATIONS[msg.combo]);
    case 'release_all':
      input.releaseAll();
      return 'ok';
  }
}

