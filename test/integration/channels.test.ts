// Live channels through a real broker (docs/sessions.md "Live channels"): console-core on the rep's
// side, the customer client's session on the other, real TLS sockets and SQLite. Both directions,
// newest-wins fan-out to several viewers, resume after a cut connection, and every bad input the
// data path must survive (CON-4, CON-6, CON-7 ride on these channels; USR-13 gates them).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  FrameFlag,
  encodeClose,
  encodeCredit,
  encodeData,
  encodeSync,
  readHeader,
} from '../../src/protocol/channels.ts';
import { Channel } from '../../src/protocol/channel-endpoint.ts';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { customerSession, drain, repCore, waitForQueue, type Core } from '../support/channels.ts';
import { TcpProxy } from '../support/customer-client.ts';
import { CustomerSocket, repConsole, type RepSocket } from '../support/sessions.ts';

const grantAll = { promptAttended: 'never', screenSharing: true, fileTransfer: true, annotations: true, shell: true };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('live channels through the broker (issue 7)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    // A flood limit of 1,000 frames/s (burst 2,000) instead of 10,000: the flood test then floods
    // however slowly a loaded machine lets the broker read; bulk tests stay far below it.
  });
  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const c of cleanups.reverse()) await c();
    });
  }, { sessions: { framesPerSecond: 1_000 } });

  async function rep() {
    const r = await createRep(admin, { permissions: grantAll });
    const c = await repCore(broker, r.username, r.password);
    cleanups.push(() => c.close(), () => r.api.close());
    return { ...r, core: c.core };
  }

  /** A customer in the rep's queue, accepted, with every permission granted by the rep's policy. */
  async function session(core: Core, repId: number, brokerUrl = broker.url) {
    const cust = customerSession(brokerUrl, broker.fingerprint, repId);
    cleanups.push(() => {
      if (!cust.session.ended) cust.session.send({ type: 'end' });
    });
    const lsid = await cust.welcomed;
    await waitForQueue(core, (q) => q.some((s) => s.lsid === lsid), 'the session in the queue');
    await core.sessions.accept(lsid);
    for (const p of ['screen_view', 'screen_control', 'file_transfer', 'shell'] as const) await core.sessions.requestPermission(lsid, p);
    await waitForQueue(core, (q) => (q.find((s) => s.lsid === lsid)?.grants.length ?? 0) >= 4, 'grants');
    return { ...cust, lsid };
  }

  it('CON-6: an ordered channel carries bytes exactly both ways, past its starting window', async () => {
    const r = await rep();
    const s = await session(r.core, r.id);
    const ch = await r.core.channels.open(s.lsid, 'file', { op: 'test' });
    const agent = await s.nextChannel();
    assert.equal(agent.kind, 'file');
    assert.deepEqual(agent.meta, { op: 'test' });
    const up = new Uint8Array(24 * 1024 * 1024).map((_, i) => (i * 7) % 256);
    const writer = (async () => {
      for (let o = 0; o < up.length; o += 1024 * 1024) await ch.write(up.subarray(o, o + 1024 * 1024));
    })();
    const got = await drain(agent, up.length);
    await writer;
    assert.equal(got.sha256, sha(up), 'rep → customer exact');
    const down = up.slice(0, 5 * 1024 * 1024 + 3).reverse();
    void agent.write(down.subarray(0, 4 * 1024 * 1024)).then(() => agent.write(down.subarray(4 * 1024 * 1024)));
    const back = await drain(ch, down.length);
    assert.equal(back.sha256, sha(down), 'customer → rep exact');
    const views = (await r.core.sessions.queue()).find((x) => x.lsid === s.lsid)!.channels;
    assert.deepEqual(views.map((v) => v.kind), ['file'], 'the session summary lists the open channel');
    ch.close('done');
    assert.equal(await agent.closed, 'done');
  });

  it('CON-4: a screen stream goes up once and fans out; a viewer that stops reading does not slow the other', async () => {
    const a = await rep();
    const b = await rep();
    const s = await session(a.core, a.id);
    await a.core.sessions.invite(s.lsid, b.id);
    await waitForQueue(b.core, (q) => q.some((x) => x.lsid === s.lsid), 'invitation');
    await b.core.sessions.join(s.lsid);
    const viewA = await a.core.channels.open(s.lsid, 'screen', { monitor: 0 });
    const producer = await s.nextChannel();
    const viewB = await b.core.channels.open(s.lsid, 'screen', { monitor: 0 });
    assert.equal(viewB.id, viewA.id, 'the second viewer joins the same upstream');
    let keyRequests = 0;
    producer.onKeyFrameRequest(() => keyRequests++);
    // B reads its first frames, then stops reading altogether; A keeps reading.
    let bGot = 0;
    viewB.onMessage(() => {
      bGot++;
      return bGot >= 2 ? new Promise(() => undefined) : undefined;
    });
    let aGot = 0;
    viewA.onMessage(() => void aGot++);
    const frame = new Uint8Array(64 * 1024).fill(1);
    let produced = 0;
    while (aGot < 200) {
      await producer.whenWritable();
      producer.writeLatest(frame, { key: produced % 10 === 0 || keyRequests > 0 });
      keyRequests = 0;
      produced++;
    }
    assert.ok(bGot <= 2 + 8, `the stalled viewer got ${bGot} frames, no backlog`);
    assert.ok(produced < aGot + 10, `the customer sent each frame once (${produced} produced for ${aGot} delivered)`);
    assert.equal(producer.stats.bytesSent, produced * frame.length);
  });

  const resumeCases = [
    { id: 'CON-6', kind: 'file', from: 'customer' },
    { id: 'CON-6', kind: 'file', from: 'rep' },
    { id: 'CON-7', kind: 'shell', from: 'customer' },
  ] as const;
  for (const { id, kind, from } of resumeCases) {
    it(`${id}: a resumed ${kind} channel continues at the byte the receiver acknowledged after the connection is cut (${from} sending)`, async () => {
      const r = await rep();
      const proxy = await TcpProxy.start(new URL(broker.url).port ? Number(new URL(broker.url).port) : 443);
      cleanups.push(() => proxy.close());
      const s = await session(r.core, r.id, `https://127.0.0.1:${proxy.port}`);
      const repEnd = await r.core.channels.open(s.lsid, kind);
      const customerEnd = await s.nextChannel();
      const [sender, receiver] = from === 'customer' ? [customerEnd, repEnd] : [repEnd, customerEnd];
      const total = 32 * 1024 * 1024;
      const data = new Uint8Array(total).map((_, i) => (i * 13) % 251);
      const writer = (async () => {
        for (let o = 0; o < total; o += 256 * 1024) await sender.write(data.subarray(o, o + 256 * 1024));
      })();
      let cut = false;
      const got = await drain(receiver, total, (n) => {
        if (!cut && n >= 8 * 1024 * 1024) {
          cut = true;
          proxy.cut();
        }
      });
      await writer;
      assert.ok(cut);
      assert.equal(got.bytes, total);
      assert.equal(got.sha256, sha(data), 'no byte lost or doubled across the reconnect');
      assert.ok(sender.stats.resent <= sender.stats.bytesSent - 8 * 1024 * 1024, 'only what was not acknowledged is sent again');
      repEnd.close('done');
    });
  }

  describe('bad input on the data path', () => {
    let raw: RepSocket;
    let other: RepSocket;
    let c: CustomerSocket;
    let lsid: string;
    let otherLsid: string;
    let screenId: number;
    let fileId: number;
    let rawRepId: number;

    before(async () => {
      const r = await createRep(admin, { permissions: grantAll });
      const o = await createRep(admin, { permissions: grantAll });
      cleanups.push(() => r.api.close(), () => o.api.close());
      rawRepId = r.id;
      raw = await repConsole(broker, r);
      other = await repConsole(broker, o);
      cleanups.push(async () => void (await raw.close()), async () => void (await other.close()));
      c = await CustomerSocket.join(broker, { kind: 'rep', rep: String(r.id) }, { name: 'Eve' });
      lsid = (await c.welcome()).lsid;
      await raw.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'queued');
      await raw.call({ type: 'session.accept', lsid });
      for (const p of ['screen_view', 'screen_control', 'file_transfer']) await raw.call({ type: 'session.request_permission', lsid, permission: p });
      const c2 = await CustomerSocket.join(broker, { kind: 'rep', rep: String(o.id) }, { name: 'Other' });
      otherLsid = (await c2.welcome()).lsid;
      await other.find((m) => m.type === 'session.updated' && m.session.lsid === otherLsid, 'queued');
      await other.call({ type: 'session.accept', lsid: otherLsid });
      await other.call({ type: 'session.request_permission', lsid: otherLsid, permission: 'file_transfer' });
      cleanups.push(async () => void (await c2.close()), async () => void (await c.close()));
      screenId = (await raw.call({ type: 'session.open_channel', lsid, kind: 'screen', meta: {} })).channelId;
      fileId = (await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: {} })).channelId;
      await c.find((m) => m.type === 'channel.opened' && m.channelId === fileId, 'file channel opened');
    });

    /** The reason of the CLOSE frame for `channelId` received at or after frame `from`, waiting for it. */
    async function closeFrame(s: RepSocket | CustomerSocket, channelId: number, from: number): Promise<string> {
      for (let n = from + 1; ; n++) {
        const f = (await s.framesReceived(n))[n - 1]!;
        const h = readHeader(f);
        if (h.type === 'close' && h.channelId === channelId) return Buffer.from(f.subarray(16)).toString();
      }
    }

    /** The next error about a frame (replies to calls carry a ref and are not it). */
    const nextError = (s: { next: CustomerSocket['next'] }, what: string) => s.next((m) => m.type === 'error' && m.ref === undefined, what);

    it('USR-13: a channel of a kind the customer did not grant is refused; meta is validated', async () => {
      assert.equal((await raw.call({ type: 'session.open_channel', lsid, kind: 'shell', meta: {} })).code, 'permission_not_granted');
      assert.equal((await raw.call({ type: 'session.open_channel', lsid, kind: 'nope', meta: {} })).code, 'validation_failed');
      assert.equal((await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: { x: { deep: 1 } } })).code, 'validation_failed');
    });

    it('frames on a channel of another session, or of no channel, are refused with a typed error', async () => {
      const otherCh = (await other.call({ type: 'session.open_channel', lsid: otherLsid, kind: 'file', meta: {} })).channelId;
      c.ws.send(encodeData(otherCh, 1, 0, 0, new Uint8Array(10)));
      assert.equal((await nextError(c, 'other session')).code, 'permission_not_granted');
      raw.ws.send(encodeData(otherCh, 1, 0, 0, new Uint8Array(10)));
      assert.equal((await nextError(raw, 'not this console')).code, 'permission_not_granted');
      c.ws.send(Buffer.from([2, 1, 0]));
      assert.equal((await nextError(c, 'malformed')).code, 'bad_request');
    });

    it('CON-4: a frame in the wrong direction is refused and closes the channel (a view-only screen takes nothing from the console)', async () => {
      const before = raw.frames.length;
      raw.ws.send(encodeData(screenId, 1, 0, 0, new Uint8Array(10)));
      const e1 = await nextError(raw, 'console data on screen');
      assert.equal(e1.code, 'bad_request', JSON.stringify(e1));
      const screenClose = await closeFrame(raw, screenId, before);
      assert.equal(screenClose, 'flow_control_violation', 'the console is told its screen channel closed, with the reason');
      assert.equal(await closeFrame(c, screenId, 0), 'flow_control_violation', 'the customer is told too, and stops producing for it');
      screenId = (await raw.call({ type: 'session.open_channel', lsid, kind: 'screen', meta: {} })).channelId;
      assert.ok(screenId > 0, 'a new screen channel opens');
      const mark = raw.frames.length;
      const input = (await raw.call({ type: 'session.open_channel', lsid, kind: 'input', meta: {} })).channelId;
      c.ws.send(encodeData(input, 1, 0, 0, new Uint8Array(4)));
      assert.equal((await nextError(c, 'customer data on input')).code, 'bad_request');
      assert.equal(await closeFrame(raw, input, mark), 'flow_control_violation', 'the input channel closed for both sides');
    });

    it('CON-4: a customer sending anything but DATA and CLOSE on a screen channel gets an error and the channel closes', async () => {
      // Its own customer: each connection is answered at most 5 frame errors a second.
      const c3 = await CustomerSocket.join(broker, { kind: 'rep', rep: String(rawRepId) }, { name: 'Mallory' });
      cleanups.push(async () => void (await c3.close()));
      const lsid3 = (await c3.welcome()).lsid;
      await raw.find((m) => m.type === 'session.updated' && m.session.lsid === lsid3, 'queued');
      await raw.call({ type: 'session.accept', lsid: lsid3 });
      await raw.call({ type: 'session.request_permission', lsid: lsid3, permission: 'screen_view' });
      const screen = (await raw.call({ type: 'session.open_channel', lsid: lsid3, kind: 'screen', meta: {} })).channelId;
      await c3.find((m) => m.type === 'channel.opened' && m.channelId === screen, 'screen opened');
      const mark = raw.frames.length;
      c3.ws.send(encodeCredit(screen, 0, 3));
      assert.equal((await nextError(c3, 'customer credit on screen')).code, 'bad_request');
      assert.equal(await closeFrame(raw, screen, mark), 'flow_control_violation', 'the viewer is told its screen closed');
      const again = await raw.call({ type: 'session.open_channel', lsid: lsid3, kind: 'screen', meta: {} });
      assert.equal(again.type, 'reply', 'the session lives on: a new screen channel opens');
    });

    it('credit that overflows, or that comes from a second console, is refused', async () => {
      other.ws.send(encodeCredit(fileId, 0, 1024));
      assert.equal((await nextError(other, 'second console')).code, 'permission_not_granted');
      raw.ws.send(encodeCredit(fileId, 2 ** 40, 1024));
      const e = await nextError(raw, 'overflowing credit');
      assert.equal(e.code, 'bad_request', JSON.stringify(e));
      fileId = (await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: {} })).channelId;
      const bad = encodeCredit(fileId, 0, 1024);
      new DataView(bad.buffer).setFloat64(16, Number.NaN);
      raw.ws.send(bad);
      assert.equal((await nextError(raw, 'NaN credit')).code, 'bad_request');
    });

    it('a sender overrunning the credit, or a SYNC beyond what was sent, is stopped', async () => {
      const ch = (await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: {} })).channelId;
      await c.find((m) => m.type === 'channel.opened' && m.channelId === ch, 'opened');
      const chunk = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 5; i++) c.ws.send(encodeData(ch, i + 1, 0, 0, chunk));
      assert.equal((await nextError(c, 'overrun')).code, 'rate_limited');
      const ch2 = (await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: {} })).channelId;
      raw.ws.send(encodeSync(ch2, 999, false));
      assert.equal((await nextError(raw, 'sync beyond')).code, 'bad_request');
    });

    it('a screen frame that never completes, and one over the size limit, do not wedge the stream', async () => {
      const frag = encodeData(screenId, 50, 0, FrameFlag.more, new Uint8Array(1024 * 1024));
      for (let i = 0; i < 17; i++) c.ws.send(frag);
      assert.equal((await nextError(c, 'too large')).code, 'body_too_large');
      // The session lives on: a new screen channel works.
      const again = await raw.call({ type: 'session.open_channel', lsid, kind: 'screen', meta: { monitor: 1 } });
      assert.equal(again.type, 'reply');
    });

    it('a flood of tiny frames is dropped with rate_limited, and other sessions are unaffected', async () => {
      const ch = (await raw.call({ type: 'session.open_channel', lsid, kind: 'screen', meta: { flood: true } })).channelId;
      const tiny = encodeClose(ch + 1000, '');
      // 80,000 masked binary WebSocket frames written to the socket at once: they reach the broker
      // as one burst however loaded the machine is (ws.send() one by one may trickle below the limit).
      const frame = Buffer.concat([Buffer.from([0x82, 0x80 | tiny.length, 0, 0, 0, 0]), Buffer.from(tiny)]);
      (c.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.concat(new Array<Buffer>(80_000).fill(frame)));
      assert.equal((await c.next((m) => m.type === 'error' && m.code === 'rate_limited', 'flood')).code, 'rate_limited');
      const ok = await other.call({ type: 'session.open_channel', lsid: otherLsid, kind: 'file', meta: {} });
      assert.equal(ok.type, 'reply', 'another session still works');
    });

    it('revoking a permission closes its channels with CLOSE frames to both sides', async () => {
      await raw.call({ type: 'session.open_channel', lsid, kind: 'file', meta: { last: true } });
      const before = raw.frames.length;
      assert.equal((await c.action({ type: 'revoke', permission: 'file_transfer' })).type, 'ack');
      await raw.framesReceived(before + 1);
      const closes = raw.frames.slice(before).map((f) => ({ h: readHeader(f), reason: Buffer.from(f.subarray(16)).toString() })).filter((x) => x.h.type === 'close');
      assert.ok(closes.some((x) => x.reason === 'permission_revoked'), JSON.stringify(closes));
    });
  });

  it('the endpoint refuses bytes beyond its window from a peer that ignores flow control', () => {
    const ch = new Channel({ id: 1, kind: 'shell' });
    ch.attach({ send: () => undefined }, { resync: false });
    for (let i = 0; i < 3 && !ch.isClosed; i++) {
      const f = encodeData(1, i + 1, 0, 0, new Uint8Array(1024 * 1024));
      ch.handleFrame(readHeader(f), f);
    }
    assert.equal(ch.isClosed, true);
  });
});
