// Parties of live-channel tests and benches: a rep's console-core under Node (desktop mode, real
// sockets) and the real customer-client session, both against a real broker.
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { createConsoleCore, type FetchLike, type WebSocketLike } from '../../src/console-core/index.ts';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import type { SessionSummary } from '../../src/protocol/index.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';

export type Core = ReturnType<typeof createConsoleCore>;

/** A rep console (console-core) logged in; `close()` ends it. */
export async function repCore(broker: { url: string; certificate: string }, username: string, password: string): Promise<{ core: Core; close(): Promise<void> }> {
  const dispatcher = new Agent({ connect: { ca: broker.certificate } });
  const pinnedFetch: FetchLike = (url, init) => fetch(url, { method: init.method, headers: init.headers, body: init.body, dispatcher });
  const core = createConsoleCore({
    baseUrl: broker.url,
    mode: 'desktop',
    fetch: pinnedFetch,
    createWebSocket: (url, protocols) =>
      new WebSocket(url, protocols, { ca: broker.certificate, perMessageDeflate: false, generateMask: (m) => m.fill(0) }) as unknown as WebSocketLike,
    connection: { reconnectBaseMs: 20 },
  });
  const queued = new Promise<void>((resolve) => {
    const off = core.sessions.onQueue(() => (off(), resolve()));
  });
  await core.auth.login(username, password);
  await queued;
  return {
    core,
    async close() {
      core.dispose();
      await dispatcher.close();
    },
  };
}

export function waitForQueue(core: Core, pred: (s: SessionSummary[]) => boolean, what: string, timeoutMs = 10_000): Promise<SessionSummary[]> {
  return new Promise((resolve, reject) => {
    const now = core.sessions.queue().then((q) => pred(q) && done(q));
    void now;
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
    const off = core.sessions.onQueue((q) => pred(q) && done(q));
    function done(q: SessionSummary[]) {
      clearTimeout(timer);
      off();
      resolve(q);
      return true;
    }
  });
}

/** A customer-client session joined to a rep's personal queue, with its next channel as a promise. */
export function customerSession(brokerUrl: string, pin: string, repId: number): { session: CustomerSession; nextChannel(): Promise<Channel>; welcomed: Promise<string> } {
  const session = new CustomerSession({ brokerUrl, pin, join: { kind: 'rep', rep: String(repId) }, customer: { name: 'Camille', computerName: 'pc-camille' },
    // The test plays every tool itself.
    capabilities: ['screen', 'input', 'clipboard', 'annotation', 'file', 'shell'],
  });
  const waiting: ((c: Channel) => void)[] = [];
  const ready: Channel[] = [];
  session.onChannel((c) => {
    const w = waiting.shift();
    if (w) w(c);
    else ready.push(c);
  });
  const welcomed = new Promise<string>((resolve, reject) => {
    session.once('welcome', (w) => resolve(w.lsid));
    session.once('ended', ({ reason }) => reject(new Error(`customer ended: ${reason}`)));
  });
  session.start();
  return {
    session,
    welcomed,
    nextChannel: () => {
      const c = ready.shift();
      return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Reads `total` bytes from a channel, returning them hashed (and counted). */
export async function drain(ch: Channel, total: number, onMessage?: (n: number) => void): Promise<{ bytes: number; sha256: string }> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  let bytes = 0;
  for await (const m of ch) {
    h.update(m.payload);
    bytes += m.payload.length;
    onMessage?.(bytes);
    if (bytes >= total) break;
  }
  return { bytes, sha256: h.digest('hex') };
}
