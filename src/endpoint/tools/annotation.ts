// The 'annotation' channel on the customer's machine (CON-5): the rep's strokes drawn on the real
// screen by the overlay, while the customer grants annotations. Everything drawn disappears when
// the rep clears it, and when the channel ends (revoke, rep leaving, session end).
import {
  AnnotationMessage,
  ChannelMessageError,
  decodeChannelJson,
  MAX_ANNOTATION_MESSAGE_BYTES,
  MAX_STROKES,
} from '../../protocol/remote-control.ts';
import { X11Overlay } from '../platform/linux-x11/overlay.ts';
import { RefusalLog, TokenBucket } from './rate-limit.ts';
import type { ToolHandler } from './tool-context.ts';

const STROKE_UPDATES_PER_SECOND = 240;

export const annotationHandler: ToolHandler = async (ch, ctx) => {
  const log = ctx.log ?? (() => {});
  const display = ctx.display ?? process.env.DISPLAY;
  let overlay: X11Overlay;
  try {
    if (!display) throw new Error('no X display');
    overlay = await X11Overlay.open(display, { warn: (o, m) => log('warn', o, m) });
  } catch (err) {
    log('warn', { err: String(err) }, 'annotations: cannot open the X display');
    ch.close('no_display');
    return;
  }
  const bucket = new TokenBucket(STROKE_UPDATES_PER_SECOND, STROKE_UPDATES_PER_SECOND * 2);
  const refusals = new RefusalLog((counts) => log('warn', { refused: counts }, 'annotations: messages refused'));
  const ids = new Set<string>();
  // The session log says when drawings appear on a clean screen and when the screen is clean again.
  let shown = false;
  const cleared = (reason: string) => {
    if (!shown) return;
    shown = false;
    ctx.report({ kind: 'annotations_cleared', reason });
  };
  try {
    for await (const m of ch) {
      if (ctx.granted && !ctx.granted('annotations')) {
        if (ids.size) overlay.clear();
        ids.clear();
        cleared('permission_revoked');
        refusals.add('annotations_not_granted');
        continue;
      }
      let msg: AnnotationMessage;
      try {
        msg = decodeChannelJson(AnnotationMessage, m.payload, MAX_ANNOTATION_MESSAGE_BYTES);
      } catch (err) {
        refusals.add(err instanceof ChannelMessageError ? err.code : 'bad_message');
        continue;
      }
      // A clear always goes through: it only removes.
      if (msg.t !== 'clear' && !bucket.take()) {
        refusals.add('flood');
        continue;
      }
      if (msg.t === 'stroke') {
        if (!ids.has(msg.stroke.id) && ids.size >= MAX_STROKES) {
          refusals.add('too_many_strokes');
          continue;
        }
        ids.add(msg.stroke.id);
        await overlay.draw(msg.stroke);
        if (!shown) {
          shown = true;
          ctx.report({ kind: 'annotations_shown' });
        }
      } else if (msg.t === 'erase') {
        for (const id of msg.ids) ids.delete(id);
        overlay.erase(msg.ids);
        if (!ids.size) cleared('erased');
      } else {
        ids.clear();
        overlay.clear();
        cleared('cleared');
      }
    }
  } finally {
    refusals.flush();
    // Whatever ended the channel (revoke, the rep leaving, the session's end), nothing stays drawn.
    await overlay.close();
    const reason = await Promise.race([ch.closed, Promise.resolve('closed')]);
    cleared(reason);
  }
};
