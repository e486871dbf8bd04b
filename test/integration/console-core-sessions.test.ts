// console-core's sessions area against a real broker (desktop mode): the queue, a new-session
// notice, accept with the log read from the start, chat both ways, and after the console's own
// connection drops, the log caught up with nothing shown twice (CON-2, CON-3, POR-3).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { createConsoleCore, type ConsoleApi, type FetchLike, type WebSocketLike } from '../../src/console-core/index.ts';
import type { SessionSummary } from '../../src/protocol/index.ts';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerSocket } from '../support/sessions.ts';

function waitFor<T>(subscribe: (l: (v: T) => void) => () => void, pred: (v: T) => boolean, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), 5000);
    const off = subscribe((v) => {
      if (pred(v)) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    });
  });
}

describe('console-core sessions area (CON-2, CON-3, POR-3)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let core: ConsoleApi & { dispose(): void };
  let dispatcher: Agent;
  const sockets: WebSocket[] = [];

  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      core.dispose();
      await dispatcher.close();
    });
    const rep = await createRep(admin, { username: 'coresessions', displayName: 'Core Rep' });
    await rep.api.close();
    dispatcher = new Agent({ connect: { ca: broker.certificate } });
    const pinnedFetch: FetchLike = (url, init) => fetch(url, { method: init.method, headers: init.headers, body: init.body, dispatcher });
    core = createConsoleCore({
      baseUrl: broker.url,
      mode: 'desktop',
      fetch: pinnedFetch,
      createWebSocket: (url, protocols) => {
        const ws = new WebSocket(url, protocols, { ca: broker.certificate });
        sockets.push(ws);
        return ws as unknown as WebSocketLike;
      },
      connection: { reconnectBaseMs: 20 },
    });
    const opened = waitFor<SessionSummary[]>((l) => core.sessions.onQueue(l), () => true, 'first queue');
    await core.auth.login('coresessions', rep.password);
    await opened;
  });

  it('POR-3, CON-2, CON-3: key, new-session notice, accept with the full log, chat both ways; a dropped console catches up once', async () => {
    const key = await core.sessions.createKey();
    assert.match(key.key, /^\d{3} \d{3} \d{3}$/);
    const notice = waitFor<SessionSummary>((l) => core.sessions.onNewSession(l), () => true, 'new session');
    const customer = await CustomerSocket.join(broker, { kind: 'key', key: key.key }, { name: 'Paul' });
    const { lsid } = await customer.welcome();
    assert.equal((await notice).lsid, lsid);
    assert.equal((await core.sessions.queue()).find((s) => s.lsid === lsid)?.state, 'waiting');

    await core.sessions.accept(lsid);
    assert.deepEqual((await core.sessions.events(lsid)).map((e) => e.body.kind), ['session_started', 'rep_joined']);
    await core.sessions.chat(lsid, 'Bonjour Paul');
    await customer.find((m) => m.type === 'event' && m.event.body.text === 'Bonjour Paul', 'rep line');
    const heard = waitFor<{ lsid: string; event: any }>((l) => core.sessions.onEvent(l), (n) => n.event.body.text === 'Bonjour', 'customer line');
    await customer.chat('Bonjour');
    await heard;

    // The console's connection drops; the customer keeps talking; the console comes back and catches up.
    sockets.at(-1)!.terminate();
    await customer.chat('pendant la coupure');
    await waitFor<{ lsid: string; event: any }>((l) => core.sessions.onEvent(l), (n) => n.event.body.text === 'pendant la coupure', 'caught up');
    await core.sessions.chat(lsid, 'de retour');
    await customer.find((m) => m.type === 'event' && m.event.body.text === 'de retour', 'after reconnect');
    const seqs = (await core.sessions.events(lsid)).map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'every event once, in order');
    const gone = waitFor<SessionSummary[]>((l) => core.sessions.onQueue(l), (q) => !q.some((s) => s.lsid === lsid), 'session gone');
    await core.sessions.end(lsid);
    await gone;
  });

  it('USR-14: a refused action rejects with the broker\'s code', async () => {
    await assert.rejects(core.sessions.accept('no-such-session'), (e: any) => e.code === 'session_not_found');
  });
});
