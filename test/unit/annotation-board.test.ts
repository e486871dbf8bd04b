// The console's annotation board and sender (CON-5): the messages each gesture sends, all valid for
// the customer's tool (the protocol schema), in screen coordinates; erasing, clearing, long strokes,
// and coalescing a growing stroke while the channel waits for credit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnnotationBoard, freehandPath, hits } from '../../renderer/src/features/annotation/annotation-model.ts';
import { AnnotationSender } from '../../renderer/src/features/annotation/annotation-sender.ts';
import { AnnotationMessage, MAX_ANNOTATION_MESSAGE_BYTES, MAX_STROKE_POINTS, MAX_STROKES, encodeChannelJson, type AnnotationMessage as Msg } from '../../src/protocol/remote-control.ts';

const valid = (msgs: Msg[]) => {
  for (const m of msgs) {
    assert.ok(AnnotationMessage.safeParse(m).success, JSON.stringify(m).slice(0, 200));
    assert.ok(encodeChannelJson(m).length <= MAX_ANNOTATION_MESSAGE_BYTES);
  }
  return msgs;
};

describe('annotation board (CON-5)', () => {
  it('CON-5: a pen stroke grows by id; arrow and rectangle keep two points; text is placed; all messages are valid', () => {
    const b = new AnnotationBoard();
    const [first] = valid(b.begin('pen', '#e53935', 4, { x: 10.4, y: 20.6 }));
    assert.equal(first!.t, 'stroke');
    const id = first!.t === 'stroke' ? first!.stroke.id : '';
    const grown = valid(b.move('pen', 4, { x: 30, y: 40 }));
    assert.equal(grown[0]!.t === 'stroke' && grown[0]!.stroke.id, id);
    assert.deepEqual(grown[0]!.t === 'stroke' && grown[0]!.stroke.points, [[10, 21], [30, 40]]);
    assert.deepEqual(b.move('pen', 4, { x: 30, y: 40 }), [], 'no message when the pointer did not move a screen pixel');
    b.end();
    assert.match(freehandPath(b.strokes.get(id)!, true), /^M[\d.]+ [\d.]+L.*Z$/);
    valid(b.begin('arrow', '#43a047', 6, { x: 100, y: 100 }));
    const [arrow] = valid(b.move('arrow', 6, { x: 200, y: 150 }));
    assert.deepEqual(arrow!.t === 'stroke' && arrow!.stroke.points, [[100, 100], [200, 150]]);
    b.end();
    valid(b.begin('rectangle', '#1e88e5', 3, { x: 5, y: 5 }));
    valid(b.move('rectangle', 3, { x: 50, y: 60 }));
    b.end();
    valid(b.text('#000000', 6, { x: 300, y: 300 }, '  Cliquez\u0007 ici  '));
    assert.equal([...b.strokes.values()].find((s) => s.tool === 'text')!.text, 'Cliquez  ici');
    assert.deepEqual(b.text('#000000', 6, { x: 1, y: 1 }, '   '), [], 'empty text places nothing');
    assert.equal(b.size, 4);
  });

  it('CON-5: the eraser removes what is under it, clear removes all, reset follows a closed channel', () => {
    const b = new AnnotationBoard();
    b.begin('rectangle', '#e53935', 4, { x: 100, y: 100 });
    b.move('rectangle', 4, { x: 300, y: 200 });
    b.end();
    b.begin('pen', '#e53935', 4, { x: 500, y: 500 });
    b.move('pen', 4, { x: 520, y: 500 });
    b.end();
    assert.deepEqual(b.begin('eraser', '#000000', 4, { x: 200, y: 150 }), [], 'inside the rectangle is not on it');
    const [erase] = valid(b.begin('eraser', '#000000', 4, { x: 101, y: 150 }));
    assert.equal(erase!.t, 'erase');
    assert.equal(b.size, 1);
    assert.ok(hits([...b.strokes.values()][0]!, { x: 510, y: 502 }, 2));
    assert.deepEqual(valid(b.clear()), [{ t: 'clear' }]);
    assert.equal(b.size, 0);
    b.begin('pen', '#e53935', 4, { x: 1, y: 1 });
    b.reset();
    assert.equal(b.size, 0);
    assert.equal(b.drawing, null);
  });

  it('bad input: a stroke longer than the protocol allows goes on as a new stroke; widths are clamped; no more than MAX_STROKES', () => {
    const b = new AnnotationBoard();
    valid(b.begin('pen', '#e53935', 999, { x: 0, y: 0 }));
    assert.equal(b.drawing!.width, 64);
    let msgs: Msg[] = [];
    for (let i = 1; i <= MAX_STROKE_POINTS + 5; i++) msgs = valid(b.move('pen', 999, { x: i, y: i % 7 }));
    assert.equal(b.size, 2, 'split in two strokes');
    for (const s of b.strokes.values()) assert.ok(s.points.length <= MAX_STROKE_POINTS);
    assert.ok(msgs.length >= 1);
    const c = new AnnotationBoard();
    for (let i = 0; i < MAX_STROKES + 3; i++) {
      c.begin('pen', '#e53935', 2, { x: i, y: 0 });
      c.end();
    }
    assert.equal(c.size, MAX_STROKES);
    assert.deepEqual(c.begin('pen', '#e53935', 2, { x: 0, y: 0 }), []);
  });

  it('CON-5: while a write waits, a growing stroke is sent once with its newest points; a clear drops what was queued', async () => {
    const written: Msg[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = new AnnotationSender(async (m) => {
      written.push(m);
      if (written.length === 1) await gate;
    });
    const b = new AnnotationBoard();
    s.push(b.begin('pen', '#e53935', 4, { x: 0, y: 0 }));
    for (let i = 1; i < 50; i++) s.push(b.move('pen', 4, { x: i, y: 0 }));
    assert.equal(s.queued, 1, 'forty-nine moves became one pending message');
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(written.length, 2);
    assert.equal(written[1]!.t === 'stroke' && written[1]!.stroke.points.length, 50);
    s.push(b.begin('pen', '#e53935', 4, { x: 0, y: 9 }));
    s.push(b.clear());
    await new Promise((r) => setImmediate(r));
    assert.equal(written[written.length - 1]!.t, 'clear');
  });
});

describe('clipboard text on the rep side (CON-4)', () => {
  it('bad input: a 100 MB clipboard is refused with clipboard_too_large before anything is sent; 1 MiB of ASCII passes, 1 MiB of accents does not', async () => {
    const { checkClipboardText } = await import('../../renderer/src/features/annotation/clipboard-text.ts');
    const { MAX_CLIPBOARD_BYTES } = await import('../../src/protocol/remote-control.ts');
    const huge = checkClipboardText('x'.repeat(100 * 1024 * 1024));
    assert.equal(huge.ok, false);
    assert.equal(!huge.ok && huge.code, 'clipboard_too_large');
    assert.deepEqual(checkClipboardText('a'.repeat(MAX_CLIPBOARD_BYTES)), { ok: true, bytes: MAX_CLIPBOARD_BYTES });
    const accents = checkClipboardText('é'.repeat(MAX_CLIPBOARD_BYTES / 2 + 1));
    assert.equal(!accents.ok && accents.code, 'clipboard_too_large');
    assert.deepEqual(checkClipboardText('😀é'), { ok: true, bytes: 6 });
    assert.deepEqual(checkClipboardText(''), { ok: false, code: 'empty' });
  });
});
