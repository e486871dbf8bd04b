import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_HEADER_BYTES, FrameError, MAX_FRAME_PAYLOAD, ReceiveWindow, SendCredit, decodeFrame, encodeFrame } from '../../src/protocol/frames.ts';

describe('binary frames and credit flow control', () => {
  it('round-trips a data frame with its channel id', () => {
    const payload = new Uint8Array([1, 2, 3, 250]);
    const f = decodeFrame(encodeFrame({ type: 'data', channelId: 0xdeadbeef, flags: 3, payload }));
    assert.equal(f.type, 'data');
    assert.equal(f.channelId, 0xdeadbeef);
    assert.equal(f.flags, 3);
    assert.deepEqual([...f.payload], [1, 2, 3, 250]);
  });

  it('round-trips a credit frame', () => {
    const f = decodeFrame(encodeFrame({ type: 'credit', channelId: 7, value: 65536 }));
    assert.equal(f.type, 'credit');
    assert.equal(f.value, 65536);
  });

  it('refuses malformed frames with a FrameError code, never another exception', () => {
    const good = encodeFrame({ type: 'data', channelId: 1, payload: new Uint8Array(10) });
    const cases: [Uint8Array, string][] = [
      [good.subarray(0, 5), 'frame_too_short'],
      [Uint8Array.from([9, ...good.subarray(1)]), 'frame_version'],
      [Uint8Array.from([1, 77, ...good.subarray(2)]), 'frame_type'],
      [good.subarray(0, FRAME_HEADER_BYTES + 4), 'frame_length'],
      [Uint8Array.from([...encodeFrame({ type: 'credit', channelId: 1, value: 5 }), 1]), 'frame_length'],
      [new Uint8Array(FRAME_HEADER_BYTES + MAX_FRAME_PAYLOAD + 1).fill(1, 0, 2), 'frame_too_large'],
    ];
    for (const [bytes, code] of cases) {
      assert.throws(() => decodeFrame(bytes), (e: unknown) => e instanceof FrameError && e.code === code, code);
    }
    assert.throws(() => encodeFrame({ type: 'data', channelId: 1, payload: new Uint8Array(MAX_FRAME_PAYLOAD + 1) }), FrameError);
  });

  it('a sender may not overrun the credit; the receiver grants in batches as it consumes', () => {
    const send = new SendCredit(1000);
    const recv = new ReceiveWindow(1000);
    assert.ok(send.take(600));
    assert.ok(recv.received(600));
    assert.equal(send.take(500), false, 'over the credit');
    assert.equal(recv.received(500), false, 'an overrun is detected by the receiver too');
    assert.equal(recv.consumed(400), 0, 'no grant before half the window');
    const grant = recv.consumed(200);
    assert.equal(grant, 600);
    send.grant(grant);
    assert.ok(send.take(1000));
    assert.ok(recv.received(1000));
  });
});
