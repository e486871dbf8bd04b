// src/customer-core's CustomerSession, the one customer-side session core used by the customer
// client and the portal's web chat (POR-3, POR-5): numbering, outbox and resend on resume,
// de-duplication of events, the resume window, final close codes, bad input. In-memory sockets and
// manual timers: every step waits for nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomerSession, SOCKET_OPEN, type CustomerSocket, type Timers } from '../../src/customer-core/index.ts';
import type { CustomerServerMessage, CustomerWelcome, SessionEvent } from '../../src/protocol/sessions.ts';

class FakeSocket implements CustomerSocket {
  readyState = 0;
  onopen: CustomerSocket['onopen'] = null;
  onmessage: CustomerSocket['onmessage'] = null;
  onclose: CustomerSocket['onclose'] = null;
  onerror: CustomerSocket['onerror'] = null;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;

  constructor(readonly url: string) {}

  send(data: string | Uint8Array): void {
    assert.equal(this.readyState, SOCKET_OPEN, 'nothing is sent on a socket that is not open');
    this.sent.push(JSON.parse(String(data)) as Record<string, unknown>);
  }
  close(): void {
    this.closed = true;
  }
  // the broker's side
  open(): void {
    this.readyState = SOCKET_OPEN;
    this.onopen?.({});
  }
  deliver(m: CustomerServerMessage | string): void {
    this.onmessage?.({ data: typeof m === 'string' ? m : JSON.stringify(m) });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** Messages of a type sent on this socket. */
  of(type: string): Record<string, unknown>[] {
    return this.sent.filter((m) => m.type === type);
  }
}

class ManualTimers implements Timers {
  t = 1_000_000;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  now(): number {
    return this.t;
  }
  /** Runs the next timer, moving the clock to it. */
  next(): number {
    this.queue.sort((a, b) => a.at - b.at);
    const q = this.queue.shift();
    assert.ok(q, 'a timer is pending');
    const waited = q.at - this.t;
    this.t = q.at;
    q.fn();
    return waited;
  }
  get pending(): number {
    return this.queue.length;
  }
}

function welcome(over: Partial<CustomerWelcome> = {}): CustomerWelcome {
  return { type: 'welcome', protocol: 1, lsid: 'L1', sequenceNumber: 42, resumeToken: 'tok', resumeWithinSeconds: 60, autoApproveAllowed: false, lastCid: 0, resumed: false, ...over };
}

function chatEvent(seq: number, text: string): CustomerServerMessage {
  const event: SessionEvent = { seq, at: '2026-12-01T22:00:00.000Z', actor: { kind: 'rep', id: 1, name: 'Ana' }, body: { kind: 'chat', text } } as SessionEvent;
  return { type: 'event', lsid: 'L1', event };
}

function setup(join: ConstructorParameters<typeof CustomerSession>[0]['join'] = { kind: 'connect' }) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const session = new CustomerSession({
    brokerUrl: 'https://support.example.test/',
    join,
    customer: { name: 'Paul' },
    client: 'web_chat',
    createWebSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
  });
  const seen: { events: SessionEvent[]; errors: { code: string }[]; ended: string[]; reconnecting: number[] } = { events: [], errors: [], ended: [], reconnecting: [] };
  session.on('event', (e) => seen.events.push(e));
  session.on('error', (e) => seen.errors.push(e));
  session.on('ended', (e) => seen.ended.push(e.reason));
  session.on('reconnecting', (e) => seen.reconnecting.push(e.attempt));
  return { session, sockets, timers, seen, last: () => sockets[sockets.length - 1]! };
}

describe('customer-core CustomerSession (the customer client and the web chat share it)', () => {
  it('POR-5: says hello with its join and client kind on /ws/customer, then numbers what it sends 1, 2, 3', () => {
    const { session, last } = setup({ kind: 'ticket', ticket: 'T' });
    session.start();
    assert.equal(last().url, 'wss://support.example.test/ws/customer');
    last().open();
    assert.deepEqual(last().sent[0], { type: 'hello', protocol: 1, client: 'web_chat', join: { kind: 'ticket', ticket: 'T' }, customer: { name: 'Paul' }, capabilities: [] });
    last().deliver(welcome());
    session.chat('bonjour');
    session.consent('r1', true);
    session.end();
    assert.deepEqual(last().sent.slice(1).map((m) => [m.type, m.cid]), [['chat', 1], ['consent', 2], ['end', 3]]);
    assert.equal(session.unacknowledged, 3);
    last().deliver({ type: 'ack', cid: 1, seq: 5 });
    last().deliver({ type: 'ack', cid: 2, seq: 6 });
    assert.equal(session.unacknowledged, 1);
  });

  it('POR-3: what is written before the welcome waits for it, and is numbered after what the broker already took (a takeover)', () => {
    const { session, last } = setup({ kind: 'resume', lsid: 'L1', resumeToken: 'tok', lastSeq: 0 });
    session.start();
    session.chat('avant la connexion');
    last().open();
    session.chat('avant le welcome');
    assert.deepEqual(last().of('chat'), [], 'nothing numbered goes out before the welcome');
    // The web chat already sent cids 1..4 in this session: the client takes over from 5.
    last().deliver(welcome({ lastCid: 4, resumed: true }));
    assert.deepEqual(last().of('chat').map((m) => [m.cid, m.text]), [[5, 'avant la connexion'], [6, 'avant le welcome']]);
  });

  it('POR-3: after a drop it resumes with lastSeq, resends only what the broker did not take, and shows no event twice', () => {
    const { session, sockets, timers, seen, last } = setup();
    session.start();
    last().open();
    last().deliver(welcome());
    last().deliver(chatEvent(1, 'un'));
    last().deliver(chatEvent(2, 'deux'));
    session.chat('a');
    session.chat('b');
    session.chat('c');
    last().deliver({ type: 'ack', cid: 1, seq: 3 });
    last().drop();
    assert.deepEqual(seen.reconnecting, [1]);
    session.chat('pendant la coupure');
    assert.equal(timers.next(), 250);
    assert.equal(sockets.length, 2);
    last().open();
    assert.deepEqual(last().sent[0]!.join, { kind: 'resume', lsid: 'L1', resumeToken: 'tok', lastSeq: 2 });
    // The broker had taken cid 2 before the drop (its ack was lost): only 3 and 4 are resent.
    last().deliver(welcome({ lastCid: 2, resumed: true }));
    assert.deepEqual(last().of('chat').map((m) => [m.cid, m.text]), [[3, 'c'], [4, 'pendant la coupure']]);
    // The broker replays from lastSeq; an event already seen is not shown again.
    last().deliver(chatEvent(2, 'deux'));
    last().deliver(chatEvent(3, 'trois'));
    assert.deepEqual(seen.events.map((e) => e.seq), [1, 2, 3]);
    assert.equal(session.lastSeq, 3);
  });

  it('retries with growing delays and ends with connection_lost once the resume window is over', () => {
    const { session, timers, seen, last } = setup();
    session.start();
    last().open();
    last().deliver(welcome({ resumeWithinSeconds: 10 }));
    last().drop();
    const delays: number[] = [];
    while (!session.ended) {
      delays.push(timers.next());
      last().drop();
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 5000]);
    assert.deepEqual(seen.ended, ['connection_lost']);
    assert.equal(timers.pending, 0);
  });

  it('a close code of the broker that ends the session (ended, refused, protocol, superseded) is final: no resume', () => {
    for (const [code, reason] of [[4000, 'ended'], [4003, 'refused'], [4002, ''], [4009, 'superseded']] as const) {
      const { session, timers, seen, last } = setup();
      session.start();
      last().open();
      last().deliver(welcome());
      last().drop(code, reason);
      assert.equal(session.ended, true, `close ${code} ends it`);
      assert.deepEqual(seen.ended, [reason || 'closed']);
      assert.equal(timers.pending, 0, `no reconnect after ${code}`);
    }
  });

  it('a connection that fails before any welcome ends with could_not_join and says why', () => {
    const { session, seen, last } = setup();
    session.start();
    last().onerror?.({ message: 'connect ECONNREFUSED' });
    last().drop();
    assert.deepEqual(seen.errors, [{ code: 'connection_failed', message: 'connect ECONNREFUSED' }]);
    assert.deepEqual(seen.ended, ['could_not_join']);
  });

  it('a transport that refuses the site (certificate mismatch) reports its own code, even during a resume', () => {
    const { session, timers, seen, last } = setup();
    session.start();
    last().open();
    last().deliver(welcome());
    last().drop();
    timers.next();
    last().onerror?.({ code: 'certificate_mismatch', message: 'does not match' });
    last().drop(4003, 'certificate_mismatch');
    assert.deepEqual(seen.errors.map((e) => e.code), ['certificate_mismatch']);
    assert.deepEqual(seen.ended, ['certificate_mismatch']);
  });

  it('session_ended ends it and closes the socket; a later close is not a second end', () => {
    const { session, seen, last } = setup();
    session.start();
    last().open();
    last().deliver(welcome());
    const ended = { ...chatEvent(1, ''), event: { ...(chatEvent(1, '') as { event: SessionEvent }).event, body: { kind: 'session_ended', reason: 'ended_by_rep' } } } as CustomerServerMessage;
    last().deliver(ended);
    assert.deepEqual(seen.ended, ['ended_by_rep']);
    assert.equal(last().closed, true);
    last().drop(4000, 'ended');
    assert.deepEqual(seen.ended, ['ended_by_rep']);
  });

  it('bad input from the site: malformed JSON or an unknown message is a typed error, never a throw; a malformed channel frame is a typed error too', () => {
    const { session, seen, last } = setup();
    session.start();
    last().open();
    last().deliver('{not json');
    last().deliver(JSON.stringify({ type: 'welcome', lsid: 5 }));
    last().onmessage?.({ data: new Uint8Array([1, 2, 3]).buffer });
    assert.deepEqual(seen.errors.map((e) => e.code), ['bad_message', 'bad_message', 'frame_too_short']);
    assert.equal(session.welcomeInfo, null);
  });

  it('an error about one message takes it out of the outbox (not resent on resume); typing is never queued', () => {
    const { session, timers, last } = setup();
    session.start();
    session.typing(true);
    last().open();
    last().deliver(welcome());
    session.typing(true);
    session.chat('x'.repeat(10));
    last().deliver({ type: 'error', code: 'validation_failed', message: 'bad', cid: 1 });
    assert.equal(session.unacknowledged, 0);
    last().drop();
    session.typing(false);
    timers.next();
    last().open();
    last().deliver(welcome({ resumed: true }));
    assert.deepEqual(last().sent.map((m) => m.type), ['hello']);
  });

  it('close() leaves the session resumable: no end message, no reconnect', () => {
    const { session, timers, seen, last } = setup();
    session.start();
    last().open();
    last().deliver(welcome());
    last().drop();
    session.close();
    assert.equal(timers.pending, 0);
    assert.deepEqual(seen.ended, []);
  });
});
