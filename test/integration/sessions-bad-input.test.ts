import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { CustomerSocket, type RepSocket, brokerWithRepConsole, type RepConsoleSetup } from '../support/sessions.ts';
import { encodeData } from '../../src/protocol/channels.ts';

/** A clock the test moves forward, to expire keys without waiting. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

describe('support sessions: bad input (POR-3, USR-14)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: RepConsoleSetup['rep'];
  let repWs: RepSocket;

  brokerWithRepConsole((s) => ({ broker, admin, rep, repWs } = s), { broker: { clock, sessions: { keyAttemptsPerMinute: 6 } } });

  async function refusedWith(join: object): Promise<string> {
    const c = await CustomerSocket.join(broker, join);
    const w = await c.welcome();
    if (w.type === 'welcome') await c.action({ type: 'end' });
    await c.closed;
    return w.type === 'error' ? w.code : 'welcomed';
  }

  it('POR-3: wrong, malformed, expired and reused keys get the same answer; guessing is rate limited per address', async () => {
    const used = (await rep.api.post('/api/v1/session-keys', {})).body.key;
    const c = await CustomerSocket.join(broker, { kind: 'key', key: used });
    assert.equal((await c.welcome()).type, 'welcome');
    await c.action({ type: 'end' });

    const expiring = (await rep.api.post('/api/v1/session-keys', { validMinutes: 1 })).body.key;
    offset.ms = 2 * 60_000;
    try {
      assert.equal(await refusedWith({ kind: 'key', key: expiring }), 'invalid_session_key', 'expired');
    } finally {
      offset.ms = 0;
    }
    assert.equal(await refusedWith({ kind: 'key', key: used }), 'invalid_session_key', 'reused');
    assert.equal(await refusedWith({ kind: 'key', key: '000 000 000' }), 'invalid_session_key', 'wrong');
    assert.equal(await refusedWith({ kind: 'key', key: 'abc' }), 'invalid_session_key', 'malformed');
    assert.equal(await refusedWith({ kind: 'key', key: '999-999-999' }), 'invalid_session_key', 'guessed');
    // Through the portal as well, with the same answer.
    const portal = await admin.post('/api/v1/portal/start', { method: 'session_key', key: '111111111' });
    assert.equal(portal.status, 404);
    assert.equal(portal.body.error.code, 'invalid_session_key');
    // 6 failures in the window: now even a good key is refused from this address.
    const good = (await rep.api.post('/api/v1/session-keys', {})).body.key;
    assert.equal(await refusedWith({ kind: 'key', key: good }), 'rate_limited');
    offset.ms = 61_000;
    try {
      assert.equal(await refusedWith({ kind: 'key', key: good }), 'welcomed', 'the limit lifts after the window');
    } finally {
      offset.ms = 0;
    }
  });

  it('refuses a customer client speaking an older protocol version, clearly', async () => {
    const c = new CustomerSocket(broker);
    await c.opened;
    c.send({ type: 'hello', protocol: 0, client: 'customer_client', join: { kind: 'connect' }, customer: {} });
    const err = await c.welcome();
    assert.equal(err.code, 'protocol_version');
    assert.match(err.message, /Download the client again/);
    assert.equal((await c.closed).code, 4002);
  });

  it('answers malformed, oversized, invalid, out-of-order and replayed messages with typed errors, and keeps the session', async () => {
    const c = new CustomerSocket(broker);
    await c.opened;
    c.send({ type: 'chat', cid: 1, text: 'before hello' });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'out_of_order');
    c.send({ type: 'hello', protocol: 1, client: 'customer_client', join: { kind: 'connect' }, customer: {} });
    const { lsid } = await c.next((m) => m.type === 'welcome', 'welcome');
    c.send('{not json');
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'bad_request');
    c.send(JSON.stringify({ type: 'chat', cid: 2, text: 'x'.repeat(20_000) }));
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'body_too_large');
    c.send({ type: 'chat', cid: 2, text: 'x'.repeat(4001) });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'validation_failed');
    c.send({ type: 'chat', cid: 2, text: 'bell\u0007' });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'validation_failed');
    c.send({ type: 'shout', cid: 2 });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'validation_failed');
    c.send({ type: 'hello', protocol: 1, client: 'customer_client', join: { kind: 'connect' }, customer: {} });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'out_of_order');
    c.send({ type: 'consent', cid: 3, requestId: 'nope', granted: true });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'out_of_order');
    c.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'bad_request');
    c.ws.send(encodeData(9, 1, 0, 0, Uint8Array.of(42)));
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'permission_not_granted');

    c.cid = 9;
    const first = await c.chat('hello');
    assert.equal(first.type, 'ack');
    // A resend of the same message number is acknowledged with the original event, not logged twice.
    c.send({ type: 'chat', cid: 10, text: 'hello' });
    const dup = await c.next((m) => m.type === 'ack' && m.duplicate === true, 'duplicate ack');
    assert.equal(dup.seq, first.seq);
    c.send({ type: 'chat', cid: 4, text: 'old number never used' });
    assert.equal((await c.next((m) => m.type === 'error', 'error')).code, 'replayed');
    const log = await admin.get(`/api/v1/sessions/${lsid}/events`);
    assert.deepEqual(log.body.events.map((e: any) => e.body.kind), ['session_started', 'chat']);
    await c.action({ type: 'end' });
  });

  it('USR-14: the rep socket refuses what the rep may not do and what is malformed', async () => {
    const c = await CustomerSocket.join(broker, { kind: 'connect' });
    const { lsid } = await c.welcome();
    assert.equal((await repWs.chat(lsid, 'not accepted yet')).code, 'forbidden');
    assert.equal((await repWs.call({ type: 'session.accept', lsid: 'no-such-session' })).code, 'session_not_found');
    assert.equal((await repWs.call({ type: 'session.end', lsid })).code, 'forbidden');
    repWs.send('{"type":"session.accept"');
    assert.equal((await repWs.next((m) => m.type === 'error' && !m.ref, 'error')).code, 'bad_request');
    repWs.send({ type: 'session.accept', ref: 'x', lsid, extra: true });
    // An invalid request still gets its ref back, so the caller's promise settles.
    assert.equal((await repWs.next((m) => m.type === 'error' && m.ref === 'x', 'error')).code, 'validation_failed');
    await c.action({ type: 'end' });
  });

  it('a flooding customer is slowed down with rate_limited errors; the session survives', async () => {
    const c = await CustomerSocket.join(broker, { kind: 'connect' });
    await c.welcome();
    for (let i = 0; i < 100; i++) c.send({ type: 'typing', typing: i % 2 === 0 });
    assert.equal((await c.next((m) => m.type === 'error', 'flood error')).code, 'rate_limited');
    // The broker's flood limiter runs on the injected clock: a second later, it has refilled.
    offset.ms += 1000;
    assert.equal((await c.chat('still here')).type, 'ack');
    await c.action({ type: 'end' });
  });

  it('limits how many sessions one address starts per minute', async () => {
    const small = await startTestBroker({ sessions: { startsPerMinute: 2 } });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const c = await CustomerSocket.join(small, { kind: 'connect' });
        const w = await c.welcome();
        codes.push(w.type === 'welcome' ? 'ok' : w.code);
        c.ws.terminate();
      }
      assert.deepEqual(codes, ['ok', 'ok', 'rate_limited']);
    } finally {
      await small.stop();
    }
  });

  it('USR-14: refuses a console connection without a login', async () => {
    const ws = new WebSocket(`${broker.url.replace('https', 'wss')}/ws/rep`, { ca: broker.certificate });
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 401);
  });
});
