import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from '../../src/protocol/channel-endpoint.ts';
import { ChannelMux, createChannelPair } from '../../src/protocol/channel-mux.ts';
import { FramePool, framePool } from '../../src/protocol/frame-pool.ts';
import {
  CHANNEL_KINDS,
  FRAME_HEADER_BYTES,
  FrameError,
  FrameFlag,
  MAX_FRAGMENT_BYTES,
  clampCreditWindow,
  encodeClose,
  encodeCredit,
  encodeData,
  encodeSync,
  readCounter,
  readHeader,
} from '../../src/protocol/channels.ts';

/** A sink that records frames; `deliverTo` forwards them (after a copy, like a socket). */
function recorder() {
  const frames: Uint8Array[] = [];
  let to: Channel | null = null;
  return {
    frames,
    sink: { send: (f: Uint8Array) => (to ? to.handleFrame(readHeader(f), f.slice()) : frames.push(f.slice())) },
    connect(ch: Channel | null) {
      to = ch;
    },
  };
}

describe('channel frames (src/protocol/channels.ts)', () => {
  it('round-trips a DATA header with seq, timestamp and flags, without copying the payload on read', () => {
    const f = encodeData(0xdeadbeef, 7, 123456, FrameFlag.key | FrameFlag.more, new Uint8Array([1, 2, 3]));
    const h = readHeader(f);
    assert.deepEqual(h, { type: 'data', flags: 3, channelId: 0xdeadbeef, seq: 7, timestamp: 123456 });
    assert.equal(f.length, FRAME_HEADER_BYTES + 3);
  });

  it('refuses malformed frames with a FrameError code', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(3), 'frame_too_short'],
      [Uint8Array.from([1, 1, ...new Uint8Array(14)]), 'frame_version'],
      [Uint8Array.from([2, 99, ...new Uint8Array(14)]), 'frame_type'],
      [Uint8Array.from([2, 1, 0xff, 0xff, ...new Uint8Array(12)]), 'frame_flags'],
      [new Uint8Array(FRAME_HEADER_BYTES + 1).fill(0).map((v, i) => (i === 0 ? 2 : i === 1 ? 2 : v)), 'frame_payload'],
      [(() => { const b = new Uint8Array(FRAME_HEADER_BYTES + MAX_FRAGMENT_BYTES + 1); b[0] = 2; b[1] = 1; return b; })(), 'frame_too_large'],
    ];
    for (const [bytes, code] of cases) assert.throws(() => readHeader(bytes), (e: unknown) => e instanceof FrameError && e.code === code, code);
  });

  it('credit counters past 4 GiB survive, and bad counters are refused', () => {
    assert.equal(readCounter(encodeCredit(1, 10 * 2 ** 30, 1024)), 10 * 2 ** 30);
    const bad = encodeSync(1, 0, false);
    new DataView(bad.buffer).setFloat64(FRAME_HEADER_BYTES, -1);
    assert.throws(() => readCounter(bad), FrameError);
    const credit = encodeCredit(1, 0, 2 ** 31);
    clampCreditWindow(credit, 1024);
    assert.equal(readHeader(credit).seq, 1024);
  });
});

describe('channel endpoints', () => {
  it('ordered: a 10 MiB message arrives whole and in order, fragmented and paced by credit', async () => {
    const [a, b] = createChannelPair('file');
    const big = new Uint8Array(10 * 1024 * 1024).map((_, i) => i % 251);
    const small = new Uint8Array([9, 9, 9]);
    const w = Promise.all([a.write(big.subarray(0, 4 * 1024 * 1024)), a.write(big.subarray(4 * 1024 * 1024, 8 * 1024 * 1024)), a.write(small)]);
    const it = b[Symbol.asyncIterator]();
    const m1 = (await it.next()).value!;
    const m2 = (await it.next()).value!;
    const m3 = (await it.next()).value!;
    await w;
    assert.equal(m1.payload.length, 4 * 1024 * 1024);
    assert.deepEqual(m1.payload.subarray(0, 5), big.subarray(0, 5));
    assert.deepEqual(m2.payload.subarray(-5), big.subarray(8 * 1024 * 1024 - 5, 8 * 1024 * 1024));
    assert.deepEqual([...m3.payload], [9, 9, 9]);
    assert.ok(m1.seq < m2.seq && m2.seq < m3.seq);
  });

  it('ordered: a writer waits while the reader does not read (back-pressure), and never exceeds the window', async () => {
    const [a, b] = createChannelPair('shell');
    let done = 0;
    for (let i = 0; i < 40; i++) void a.write(new Uint8Array(64 * 1024)).then(() => done++);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(a.inFlight <= CHANNEL_KINDS.shell.initialWindow, `in flight ${a.inFlight}`);
    assert.ok(done < 40, 'writes wait for credit');
    let got = 0;
    for await (const m of b) {
      got += m.payload.length;
      if (got === 40 * 64 * 1024) break;
    }
    assert.equal(got, 40 * 64 * 1024);
  });

  it('ordered: a receiver that stops reading a stream of fragmented messages holds no more than its window', async () => {
    // 1.5 MiB messages go out as a 1 MiB and a 0.5 MiB fragment. The reader takes one, then stops.
    const [a, b] = createChannelPair('file');
    const size = 1.5 * 1024 * 1024;
    const count = 24;
    let written = 0;
    for (let i = 0; i < count; i++) void a.write(new Uint8Array(size).fill(i)).then(() => written++);
    const it = b[Symbol.asyncIterator]();
    assert.equal((await it.next()).value!.payload[0], 0);
    let taken = size;
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    const held = b.stats.bytesReceived - taken;
    assert.ok(held <= b.currentWindow, `holds ${held} bytes with a window of ${b.currentWindow}`);
    assert.ok(written < count, 'the writer waits for the reader');
    // Reading again, it gets every message, in order.
    for (let i = 1; i < count; i++) {
      const m = (await it.next()).value!;
      assert.equal(m.payload.length, size);
      assert.equal(m.payload[size - 1], i);
      taken += size;
    }
    assert.equal(taken, count * size);
  });

  it('ordered: a message larger than the window completes when the reader comes back to it (no deadlock)', async () => {
    // clipboard: 1 MiB window, messages up to 4 MiB; the reader starts late.
    const [a, b] = createChannelPair('clipboard');
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 253);
    const w = Promise.all([a.write(big), a.write(big), a.write(new Uint8Array([1]))]);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(b.stats.bytesReceived <= b.currentWindow, `holds ${b.stats.bytesReceived} before reading`);
    const got: number[] = [];
    b.onMessage((m) => void got.push(m.payload.length));
    await w;
    for (let i = 0; i < 20 && got.length < 3; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [big.length, big.length, 1]);
  });

  it('ordered: the window grows when the sender is credit-limited and the reader keeps up (auto-tuning)', async () => {
    // A link with 5 ms of delay each way: the starting window is below its bandwidth-delay product.
    const a = new Channel({ id: 1, kind: 'file' });
    const b = new Channel({ id: 1, kind: 'file' });
    const link = (to: Channel) => ({ send: (f: Uint8Array) => { const c = f.slice(); setTimeout(() => to.handleFrame(readHeader(c), c), 5); } });
    a.attach(link(b), { resync: false });
    b.attach(link(a), { resync: false });
    const start = b.currentWindow;
    const total = 64 * 1024 * 1024;
    const writer = (async () => {
      for (let off = 0; off < total; off += 1024 * 1024) await a.write(new Uint8Array(1024 * 1024));
    })();
    let got = 0;
    for await (const m of b) {
      got += m.payload.length;
      if (got === total) break;
    }
    await writer;
    assert.ok(b.currentWindow > start, `window ${start} → ${b.currentWindow}`);
    assert.ok(b.currentWindow <= CHANNEL_KINDS.file.maxWindow);
  });

  it('ordered: a payload from allocPayload goes out in its own buffer, the header written in front of it (no copy)', async () => {
    const a = new Channel({ id: 4, kind: 'file' });
    const sent: Uint8Array[] = [];
    a.attach({ send: (f) => sent.push(f) }, { resync: false });
    const p = a.allocPayload(256 * 1024);
    p.fill(7);
    await a.write(p);
    assert.equal(sent.length, 1);
    const f = sent[0]!;
    assert.equal(f.buffer, p.buffer, 'the frame is the payload buffer');
    assert.equal(f.byteOffset + FRAME_HEADER_BYTES, p.byteOffset);
    assert.deepEqual(readHeader(f), { type: 'data', flags: 0, channelId: 4, seq: 1, timestamp: readHeader(f).timestamp });
    assert.equal(f.length, FRAME_HEADER_BYTES + 256 * 1024);
    // The same view written again is copied (it is the channel's now; a second write must not rewrite the first frame's header).
    await a.write(p);
    assert.notEqual(sent[1]!.buffer, p.buffer);
  });

  it('ordered: frame buffers are reused only once the peer acknowledged their bytes, so what is in flight is never overwritten', async () => {
    // A link that holds frames without copying them and delivers them later, like a socket's queue:
    // a buffer reused too early would change bytes still on their way.
    // A shell channel: its window (at most 16 MiB) keeps fewer than half of the frames in flight at once.
    const a = new Channel({ id: 6, kind: 'shell' });
    const b = new Channel({ id: 6, kind: 'shell' });
    const link = (to: Channel) => ({ send: (f: Uint8Array) => void setImmediate(() => to.handleFrame(readHeader(f), f)) });
    a.attach(link(b), { resync: false });
    b.attach(link(a), { resync: false });
    const reused0 = framePool.stats.reused;
    const count = 400;
    const size = 200 * 1024;
    const source = new Uint8Array(size);
    const writer = (async () => {
      for (let i = 0; i < count; i++) {
        if (i % 2 === 0) {
          source.fill(i & 0xff);
          await a.write(source);
        } else {
          const p = a.allocPayload(size);
          p.fill(i & 0xff);
          await a.write(p);
        }
      }
    })();
    let i = 0;
    for await (const m of b) {
      assert.equal(m.payload.length, size);
      assert.equal(m.payload[0], i & 0xff, `message ${i} starts right`);
      assert.equal(m.payload[size - 1], i & 0xff, `message ${i} ends right`);
      if (++i === count) break;
    }
    await writer;
    assert.ok(framePool.stats.reused - reused0 > count / 2, `reused ${framePool.stats.reused - reused0} buffers for ${count} frames`);
  });

  it('the frame pool hands out buffers by size class, holds no more than its bound, and makes room for the size in use', () => {
    const pool = new FramePool(4 * 1024 * 1024);
    assert.equal(pool.take(64 * 1024).length, FRAME_HEADER_BYTES + 64 * 1024);
    assert.equal(pool.take(65 * 1024).length, FRAME_HEADER_BYTES + 128 * 1024);
    assert.equal(pool.take(MAX_FRAGMENT_BYTES).length, FRAME_HEADER_BYTES + MAX_FRAGMENT_BYTES);
    assert.throws(() => pool.take(MAX_FRAGMENT_BYTES + 1), RangeError);
    const big = Array.from({ length: 6 }, () => pool.take(MAX_FRAGMENT_BYTES));
    for (const b of big) pool.give(b);
    assert.equal(pool.freeCount, 3, 'three megabytes and their headers fit in 4 MiB');
    pool.give(new Uint8Array(1000));
    pool.give(new Uint8Array(FRAME_HEADER_BYTES + MAX_FRAGMENT_BYTES + 8).subarray(8));
    assert.equal(pool.freeCount, 3, 'buffers the pool did not make are left alone');
    const small = Array.from({ length: 8 }, () => pool.take(256 * 1024));
    for (const b of small) pool.give(b);
    // The 256 KiB buffers pushed megabytes out; the bound still holds.
    assert.equal(pool.take(256 * 1024).length, FRAME_HEADER_BYTES + 256 * 1024);
    assert.ok(pool.stats.reused >= 1);
    assert.ok(pool.freeCount >= 7 && pool.freeCount <= 15, `free ${pool.freeCount}`);
  });

  it('ordered: after a lost connection, SYNC resumes exactly at the byte the receiver got', async () => {
    const ra = recorder();
    const rb = recorder();
    const a = new Channel({ id: 5, kind: 'file' });
    const b = new Channel({ id: 5, kind: 'file' });
    a.attach(ra.sink, { resync: false });
    b.attach(rb.sink, { resync: false });
    ra.connect(b);
    rb.connect(a);
    const msgs = [1, 2, 3, 4].map((n) => new Uint8Array(300 * 1024).fill(n));
    await a.write(msgs[0]!);
    // The link drops: a's next two messages are lost in flight.
    ra.connect(null);
    await a.write(msgs[1]!);
    await a.write(msgs[2]!);
    // Reconnect: b says what it got; a resends from there, then sends the rest.
    ra.connect(b);
    b.attach(rb.sink, { resync: true });
    await a.write(msgs[3]!);
    const got: number[] = [];
    for await (const m of b) {
      got.push(m.payload[0]!, m.payload.length);
      if (got.length === 8) break;
    }
    assert.deepEqual(got, [1, 300 * 1024, 2, 300 * 1024, 3, 300 * 1024, 4, 300 * 1024]);
    assert.ok(a.stats.resent >= 600 * 1024);
  });

  it('ordered: what the sender sends while the SYNC of the reconnected side is on its way arrives once, in order (both directions)', async () => {
    const ra = recorder();
    const a = new Channel({ id: 6, kind: 'file' });
    const b = new Channel({ id: 6, kind: 'file' });
    // b → a goes through a queue the test flushes: b's SYNC is "on its way" as long as it wants.
    const held: Uint8Array[] = [];
    let holding = false;
    const bSink = { send: (f: Uint8Array) => (holding ? held.push(f.slice()) : a.handleFrame(readHeader(f), f.slice())) };
    a.attach(ra.sink, { resync: false });
    b.attach(bSink, { resync: false });
    ra.connect(b);
    const msg = (n: number) => new Uint8Array(200 * 1024).fill(n);
    await a.write(msg(1));
    ra.connect(null); // the link drops: msg 2 is lost in flight
    await a.write(msg(2));
    ra.connect(b);
    holding = true;
    b.attach(bSink, { resync: true });
    const bWrote = b.write(msg(9)); // b must hold this until a has answered
    await a.write(msg(3)); // reaches b before a has seen b's SYNC: b drops it, a resends it
    assert.equal(held.filter((f) => readHeader(f).type === 'data').length, 0, 'b sends no DATA before the answer');
    holding = false;
    for (const f of held.splice(0)) a.handleFrame(readHeader(f), f);
    await bWrote;
    await a.write(msg(4));
    const got: number[] = [];
    for await (const m of b) {
      got.push(m.payload[0]!);
      if (got.length === 4) break;
    }
    assert.deepEqual(got, [1, 2, 3, 4], 'each message once, in order');
    const fromB: number[] = [];
    for await (const m of a) {
      fromB.push(m.payload[0]!, m.payload.length);
      break;
    }
    assert.deepEqual(fromB, [9, 200 * 1024]);
  });

  it('ordered: a peer sending beyond its credit closes the channel with flow_control_violation', async () => {
    const errors: string[] = [];
    const b = new Channel({ id: 1, kind: 'input', onProtocolError: (_c, code) => errors.push(code) });
    const out = recorder();
    b.attach(out.sink, { resync: false });
    const flood = encodeData(1, 1, 0, 0, new Uint8Array(4096));
    for (let i = 0; i < 40; i++) b.handleFrame(readHeader(flood), flood);
    assert.equal(await b.closed, 'flow_control_violation');
    assert.deepEqual(errors, ['flow_control']);
  });

  it('ordered: a message over the kind limit, fragment by fragment, is refused', async () => {
    const b = new Channel({ id: 1, kind: 'clipboard' });
    b.attach(recorder().sink, { resync: false });
    const frag = encodeData(1, 1, 0, FrameFlag.more, new Uint8Array(MAX_FRAGMENT_BYTES));
    for (let i = 0; i < 5 && !b.isClosed; i++) {
      b.handleFrame(readHeader(frag), frag);
      b.onMessage(() => undefined);
    }
    assert.equal(await b.closed, 'message_too_large');
  });

  it('latest: the newest frame wins while there is no credit, and the producer is asked for a key frame', async () => {
    const out = recorder();
    const a = new Channel({ id: 3, kind: 'screen' });
    a.attach(out.sink, { resync: false });
    let keyRequests = 0;
    a.onKeyFrameRequest(() => keyRequests++);
    for (let i = 0; i < 3; i++) assert.equal(a.writeLatest(new Uint8Array([i]), { key: i === 0 }), true);
    assert.equal(a.writable, false);
    assert.equal(a.writeLatest(new Uint8Array([3])), true, 'kept as pending');
    assert.equal(a.writeLatest(new Uint8Array([4])), false, 'replaced the pending one');
    assert.equal(keyRequests, 1);
    assert.equal(out.frames.length, 3);
    a.handleFrame(readHeader(encodeCredit(3, 1, 3)), encodeCredit(3, 1, 3));
    assert.equal(out.frames.length, 4);
    assert.equal(out.frames[3]![FRAME_HEADER_BYTES], 4, 'the newest frame went out, not the stale one');
  });

  it('latest: a large key frame is fragmented and reassembled; an abandoned fragment is dropped', async () => {
    const [a, b] = createChannelPair('screen');
    const key = new Uint8Array(3 * MAX_FRAGMENT_BYTES + 17).fill(5);
    a.writeLatest(key, { key: true });
    const m = (await b[Symbol.asyncIterator]().next()).value!;
    assert.equal(m.payload.length, key.length);
    assert.equal(m.key, true);
    const c = new Channel({ id: 9, kind: 'screen' });
    c.attach(recorder().sink, { resync: false });
    const f1 = encodeData(9, 1, 0, FrameFlag.more, new Uint8Array(10));
    const f2 = encodeData(9, 2, 0, 0, new Uint8Array([42]));
    c.handleFrame(readHeader(f1), f1);
    c.handleFrame(readHeader(f2), f2);
    const got = (await c[Symbol.asyncIterator]().next()).value!;
    assert.equal(got.payload[0], 42);
    assert.equal(c.stats.messagesDropped, 1);
  });

  it('close is in-band: the reader gets every message before the end, writers after it are refused', async () => {
    const [a, b] = createChannelPair('shell');
    void a.write(new Uint8Array([1]));
    void a.write(new Uint8Array([2]));
    a.close('done');
    const got: number[] = [];
    for await (const m of b) got.push(m.payload[0]!);
    assert.deepEqual(got, [1, 2]);
    assert.equal(await b.closed, 'done');
    await assert.rejects(a.write(new Uint8Array([3])), /closed/);
  });

  it('the mux drops frames for unknown channels and reports malformed ones, never throwing', () => {
    const errors: string[] = [];
    const mux = new ChannelMux((code) => errors.push(code));
    mux.handle(new Uint8Array(2));
    mux.handle(encodeClose(77, 'x'));
    assert.deepEqual(errors, ['frame_too_short']);
    assert.equal(mux.unknownFrames, 1);
  });
});
