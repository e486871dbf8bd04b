// The broker's newest-wins fan-out (src/broker/channels/fanout.ts) on its own, with in-memory
// targets: the producer is paced by the roomiest viewer, a viewer that stops reading or whose
// socket is full is stepped over (it skips to a key frame), and a CREDIT costs the same with
// one viewer or five hundred. End to end through a real broker: integration channels and
// presentations (CON-4, CON-9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONSUMER_HIGH_WATER_BYTES, LatestFanout, type FrameTarget } from '../../src/broker/channels/fanout.ts';
import { CHANNEL_KINDS, FrameFlag, encodeData, readCounter, readHeader } from '../../src/protocol/channels.ts';

const rule = CHANNEL_KINDS.screen;

/** A socket stand-in: records frames, reports a buffered amount we set, counts how often it is asked. */
function target(): FrameTarget & { frames: Uint8Array[]; buffered: number; asked: number } {
  const t = {
    frames: [] as Uint8Array[],
    buffered: 0,
    asked: 0,
    send: (f: Uint8Array) => void t.frames.push(f),
    bufferedAmount: () => (t.asked++, t.buffered),
  };
  return t;
}

/** What the producer was last allowed: consumed so far + window, from its last CREDIT. */
function allowance(producer: ReturnType<typeof target>): number {
  const credits = producer.frames.filter((f) => readHeader(f).type === 'credit');
  const last = credits.at(-1)!;
  return readCounter(last) + readHeader(last).seq;
}

function produce(f: LatestFanout, seq: number, key: boolean): void {
  const frame = encodeData(1, seq, 0, key ? FrameFlag.key : 0, new Uint8Array(100));
  assert.equal(f.fromProducer(readHeader(frame), frame), null);
}

const dataSeqs = (t: ReturnType<typeof target>) => t.frames.filter((x) => readHeader(x).type === 'data').map((x) => readHeader(x).seq);

describe('latest fan-out (src/broker/channels/fanout.ts)', () => {
  it('CON-4: the producer is paced by the roomiest viewer; a viewer that stops reading skips to the next key frame', () => {
    const f = new LatestFanout(1, rule);
    const producer = target();
    const fast = target();
    const stalled = target();
    f.addConsumer('fast', fast);
    f.addConsumer('stalled', stalled);
    f.attachProducer(producer);
    assert.equal(allowance(producer), rule.initialWindow);
    let seq = 1;
    for (let i = 0; i < 30; i++) {
      produce(f, seq, seq % 10 === 1);
      // The fast viewer decodes every frame it gets at once; the stalled one never does.
      assert.equal(f.fromConsumer('fast', dataSeqs(fast).length, rule.initialWindow), null);
      assert.ok(seq < allowance(producer), `the producer may go on after message ${seq}`);
      seq++;
    }
    assert.equal(dataSeqs(fast).length, 30, 'the fast viewer got every frame');
    assert.deepEqual(dataSeqs(stalled), [1, 2, 3], 'the stalled viewer got its window, then nothing');
    // It reads again: it resumes at a key frame, never with the backlog.
    assert.equal(f.fromConsumer('stalled', 3, rule.initialWindow), null);
    for (let i = 0; i < 10; i++) {
      produce(f, seq, seq % 10 === 1);
      f.fromConsumer('fast', dataSeqs(fast).length, rule.initialWindow);
      seq++;
    }
    assert.deepEqual(dataSeqs(stalled).slice(3), [31, 32, 33], 'from key frame 31 on');
  });

  it('a viewer whose socket is over its high-water mark does not count; the grant waits, then goes out once it drains', () => {
    const f = new LatestFanout(1, rule);
    const producer = target();
    const v = target();
    f.addConsumer('v', v);
    f.attachProducer(producer);
    for (let seq = 1; seq <= 3; seq++) produce(f, seq, seq === 1);
    v.buffered = CONSUMER_HIGH_WATER_BYTES;
    f.fromConsumer('v', 3, rule.initialWindow);
    assert.equal(allowance(producer), rule.initialWindow, 'no new grant while its socket is full');
    v.buffered = 0;
    f.poke();
    assert.equal(allowance(producer), 3 + rule.initialWindow);
  });

  it('granting the producer costs the same with 500 viewers as with one: it does not scan them', () => {
    const asks = (viewers: number) => {
      const f = new LatestFanout(1, rule);
      const producer = target();
      const ts = Array.from({ length: viewers }, (_, i) => {
        const t = target();
        f.addConsumer(i, t);
        return t;
      });
      f.attachProducer(producer);
      let seq = 1;
      produce(f, seq++, true);
      for (let i = 0; i < viewers; i++) f.fromConsumer(i, 1, rule.initialWindow);
      for (let n = 0; n < 5; n++) {
        produce(f, seq++, false);
        for (let i = 0; i < viewers; i++) f.fromConsumer(i, dataSeqs(ts[i]!).length, rule.initialWindow);
      }
      // Socket checks besides the one per viewer and frame that deciding who gets it needs:
      // what granting the producer costs, per frame.
      const extra = ts.reduce((n, t) => n + t.asked, 0) - viewers * 6;
      return { perFrame: extra / 6, allowed: allowance(producer) };
    };
    const one = asks(1);
    const many = asks(500);
    assert.equal(many.allowed, one.allowed, 'same pacing');
    assert.ok(many.perFrame <= one.perFrame + 2, `socket checks per frame for the grant: ${one.perFrame} with one viewer, ${many.perFrame} with 500`);
  });

  it('taps take every frame and do not pace the producer; removing the last viewer paces it by the kind window', () => {
    const f = new LatestFanout(1, rule);
    const producer = target();
    const tap = target();
    const v = target();
    f.addConsumer('tap', tap, { tap: true });
    f.addConsumer('v', v);
    f.attachProducer(producer);
    for (let seq = 1; seq <= 3; seq++) produce(f, seq, seq === 1);
    assert.equal(f.consumerCount, 1);
    assert.equal(dataSeqs(tap).length, 3);
    f.removeConsumer('v');
    assert.equal(f.consumerCount, 0);
    assert.equal(allowance(producer), 3 + rule.initialWindow, 'nobody watching: the kind window');
    for (let seq = 4; seq <= 6; seq++) produce(f, seq, false);
    assert.equal(dataSeqs(tap).length, 6, 'the tap still gets everything');
  });
});
