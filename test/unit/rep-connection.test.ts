// console-core's rep connection, with a fake socket and a fake clock: states, keepalive,
// reconnect backoff, and what 'terminated' does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RepConnection, type ConnectionState, type Timers, type WebSocketLike } from '../../src/console-core/rep-connection.ts';

class FakeClock implements Timers {
  t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  now(): number {
    return this.t;
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.size;
  }
}

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  // test side
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** Lets pending promise callbacks (the stillAuthenticated check) run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function setup(opts: { authenticated?: () => Promise<boolean> } = {}) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const terminated: string[] = [];
  let authChecks = 0;
  const conn = new RepConnection({
    url: 'wss://site/ws/rep',
    protocols: () => ['passerelle.v1', 'bearer.tok'],
    createWebSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    timers: clock,
    pingIntervalMs: 1000,
    unstableAfterMs: 2500,
    timeoutAfterMs: 5000,
    reconnectBaseMs: 100,
    reconnectMaxMs: 1000,
    stillAuthenticated: () => {
      authChecks += 1;
      return opts.authenticated ? opts.authenticated() : Promise.resolve(true);
    },
  });
  conn.onState.on((s) => states.push(s));
  conn.onTerminated.on((e) => terminated.push(e.reason));
  const last = () => sockets[sockets.length - 1]!;
  return { clock, sockets, states, terminated, conn, last, authChecks: () => authChecks };
}

describe('console-core: rep connection', () => {
  it('goes CONNECTING → OPEN, sends the subprotocols, and remembers the connection id', () => {
    const { conn, last, states } = setup();
    conn.connect();
    assert.deepEqual(last().protocols, ['passerelle.v1', 'bearer.tok']);
    assert.equal(conn.state, 'CONNECTING');
    last().open();
    last().receive({ type: 'hello', connectionId: 'abc', protocol: 1 });
    assert.equal(conn.state, 'OPEN');
    assert.equal(conn.connectionId, 'abc');
    assert.deepEqual(states, ['CONNECTING', 'OPEN']);
  });

  it('pings on an interval, becomes UNSTABLE when nothing is heard, and OPEN again on the next message', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().open();
    clock.advance(1000);
    assert.deepEqual(last().sent, [{ type: 'ping', t: 1000 }]);
    clock.advance(2000);
    assert.equal(conn.state, 'UNSTABLE');
    last().receive({ type: 'pong', t: 1000 });
    assert.equal(conn.state, 'OPEN');
  });

  it('drops a silent socket after the receive timeout and reconnects with backoff', async () => {
    const { conn, last, clock, sockets } = setup();
    conn.connect();
    last().open();
    clock.advance(5000);
    assert.equal(sockets[0]!.closed?.code, 4000);
    await settle();
    assert.equal(conn.state, 'CONNECTING');
    clock.advance(100);
    assert.equal(sockets.length, 2, 'reconnected after the first backoff step');
    // Failures grow the delay: 200 ms next time.
    last().drop();
    await settle();
    clock.advance(199);
    assert.equal(sockets.length, 2);
    clock.advance(1);
    assert.equal(sockets.length, 3);
    last().open();
    assert.equal(conn.state, 'OPEN');
  });

  it('on "terminated" with the login gone: CLOSED, one terminated event with the reason, no reconnect', async () => {
    const { conn, last, clock, sockets, terminated } = setup({ authenticated: async () => false });
    conn.connect();
    last().open();
    last().receive({ type: 'terminated', reason: 'terminated_by_admin' });
    last().drop(4001, 'terminated_by_admin');
    await settle();
    assert.equal(conn.state, 'CLOSED');
    assert.deepEqual(terminated, ['terminated_by_admin']);
    clock.advance(60_000);
    assert.equal(sockets.length, 1);
  });

  it('when the broker closes us but the login is still valid (own password change), it reconnects', async () => {
    const { conn, last, clock, sockets, terminated } = setup({ authenticated: async () => true });
    conn.connect();
    last().open();
    last().receive({ type: 'terminated', reason: 'password_changed' });
    last().drop(4001, 'password_changed');
    await settle();
    assert.deepEqual(terminated, []);
    clock.advance(100);
    assert.equal(sockets.length, 2);
  });

  it('a dropped socket whose login has expired ends with session_ended', async () => {
    const { conn, last, terminated } = setup({ authenticated: async () => false });
    conn.connect();
    last().open();
    last().drop(1006);
    await settle();
    assert.deepEqual(terminated, ['session_ended']);
  });

  it('keeps retrying when the site cannot be reached to check the login', async () => {
    const { conn, last, clock, sockets, terminated } = setup({ authenticated: async () => Promise.reject(new Error('offline')) });
    conn.connect();
    last().open();
    last().drop(1006);
    await settle();
    assert.deepEqual(terminated, []);
    clock.advance(100);
    assert.equal(sockets.length, 2);
  });

  it('disconnect() closes quietly: CLOSED, no event, no timers left', async () => {
    const { conn, last, clock, terminated } = setup();
    conn.connect();
    last().open();
    conn.disconnect();
    assert.equal(conn.state, 'CLOSED');
    assert.equal(last().closed?.code, 1000);
    await settle();
    assert.deepEqual(terminated, []);
    assert.equal(clock.pending, 0);
  });

  it('ignores malformed and unknown messages without leaving OPEN', () => {
    const { conn, last } = setup();
    const seen: string[] = [];
    conn.onMessage.on((m) => seen.push(m.type));
    conn.connect();
    last().open();
    last().onmessage?.({ data: 'not json' });
    last().receive({ type: 'nope' });
    last().receive({ type: 'pong', t: 1 });
    assert.equal(conn.state, 'OPEN');
    assert.deepEqual(seen, ['pong']);
  });
});

describe('console-core: rep connection, login lost elsewhere', () => {
  it('loginMaybeLost closes the socket and a terminated message still gives its reason', async () => {
    const { conn, last, terminated } = setup({ authenticated: async () => false });
    conn.connect();
    last().open();
    assert.equal(conn.loginMaybeLost(), true);
    assert.equal(last().closed?.code, 1000);
    last().receive({ type: 'terminated', reason: 'terminated_by_admin' });
    last().drop(1000, 'login lost');
    await settle();
    assert.deepEqual(terminated, ['terminated_by_admin']);
  });

  it('loginMaybeLost on a connection nobody started returns false', () => {
    const { conn } = setup();
    assert.equal(conn.loginMaybeLost(), false);
  });
});
