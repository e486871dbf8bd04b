// Test clients for support sessions: a rep console socket and a customer socket over real
// WebSockets to a test broker, each keeping every message so a test can wait for the one it needs.
import WebSocket from 'ws';
import { ClientTool, SESSION_PROTOCOL_VERSION } from '../../src/protocol/sessions.ts';
import type { BrokerConfig } from '../../src/broker/broker.ts';
import { brokerWithAdmin, createRep, type ApiClient, type TestBroker } from './broker.ts';

type Msg = Record<string, any>;

export class MessageSocket {
  readonly messages: Msg[] = [];
  /** Binary frames received, in order. */
  readonly frames: Buffer[] = [];
  private frameWaiters: ((f: Buffer) => void)[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;

  constructor(readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const f = data as Buffer;
        this.frames.push(f);
        for (const w of [...this.frameWaiters]) w(f);
        return;
      }
      const m = JSON.parse(data.toString()) as Msg;
      this.messages.push(m);
      for (const w of [...this.waiters]) {
        if (w.pred(m)) {
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
  }

  /** Resolves once `count` binary frames have arrived. */
  async framesReceived(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    // Woken by each frame as it arrives (no polling), with one deadline for the whole wait.
    if (this.frames.length < count) {
      await new Promise<void>((resolve, reject) => {
        const drop = (): void => void this.frameWaiters.splice(this.frameWaiters.indexOf(check) >>> 0, 1);
        const timer = setTimeout(() => {
          drop();
          reject(new Error(`only ${this.frames.length} of ${count} frames arrived`));
        }, timeoutMs);
        const check = (): void => {
          if (this.frames.length < count) return;
          clearTimeout(timer);
          drop();
          resolve();
        };
        this.frameWaiters.push(check);
      });
    }
    return this.frames.slice(0, count);
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next message (after those already taken by `next`) matching `pred`, waiting for it if needed. */
  next(pred: (m: Msg) => boolean, what = 'message', timeoutMs = 5000): Promise<Msg> {
    for (let i = this.cursor; i < this.messages.length; i++) {
      const m = this.messages[i]!;
      if (pred(m)) {
        this.cursor = i + 1;
        return Promise.resolve(m);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push({
        pred,
        resolve: (m) => {
          this.cursor = this.messages.indexOf(m) + 1;
          resolve(m);
        },
        reject,
        timer,
      });
    });
  }

  /** Any message so far (or to come) matching `pred`, regardless of the cursor. */
  find(pred: (m: Msg) => boolean, what = 'message', timeoutMs = 5000): Promise<Msg> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve, reject, timer });
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

let refs = 0;

/** A rep console connected to `/ws/rep` with a desktop bearer token. */
export class RepSocket extends MessageSocket {
  private cid = 0;
  constructor(broker: Pick<TestBroker, 'url' | 'certificate'>, token: string) {
    super(new WebSocket(`${broker.url.replace('https', 'wss')}/ws/rep`, { ca: broker.certificate, headers: { authorization: `Bearer ${token}` } }));
  }

  static async connect(broker: Pick<TestBroker, 'url' | 'certificate'>, token: string): Promise<RepSocket> {
    const s = new RepSocket(broker, token);
    await s.opened;
    await s.next((m) => m.type === 'queue.snapshot', 'queue snapshot');
    return s;
  }

  /** Sends a session message and waits for its reply or error. */
  async call(msg: Msg): Promise<Msg> {
    const ref = `r${++refs}`;
    this.send({ ...msg, ref });
    return this.find((m) => m.ref === ref && (m.type === 'reply' || m.type === 'error' || m.type === 'session.events' || m.type === 'queue.snapshot'), `reply to ${msg.type}`);
  }

  chat(lsid: string, text: string): Promise<Msg> {
    return this.call({ type: 'session.chat', lsid, cid: ++this.cid, text });
  }
}

/** A customer on `/ws/customer` speaking the protocol directly (the web chat and the client use the same). */
export class CustomerSocket extends MessageSocket {
  cid = 0;
  constructor(broker: Pick<TestBroker, 'url' | 'certificate'>) {
    super(new WebSocket(`${broker.url.replace('https', 'wss')}/ws/customer`, { ca: broker.certificate }));
  }

  /** Joins as a client with every tool unless `capabilities` says otherwise (the web chat has none anyway). */
  static async join(
    broker: Pick<TestBroker, 'url' | 'certificate'>,
    join: Msg,
    customer: Msg = {},
    client = 'customer_client',
    capabilities: string[] = [...ClientTool.options],
  ): Promise<CustomerSocket> {
    const s = new CustomerSocket(broker);
    await s.opened;
    s.send({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client, join, customer, capabilities });
    return s;
  }

  welcome(): Promise<Msg> {
    return this.find((m) => m.type === 'welcome' || m.type === 'error', 'welcome');
  }

  chat(text: string): Promise<Msg> {
    const cid = ++this.cid;
    this.send({ type: 'chat', cid, text });
    return this.find((m) => (m.type === 'ack' || m.type === 'error') && m.cid === cid, `ack of chat ${cid}`);
  }

  action(msg: Msg): Promise<Msg> {
    const cid = ++this.cid;
    this.send({ ...msg, cid });
    return this.find((m) => (m.type === 'ack' || m.type === 'error') && m.cid === cid, `ack of ${msg.type}`);
  }

  event(kind: string, timeoutMs = 5000): Promise<Msg> {
    return this.find((m) => m.type === 'event' && m.event.body.kind === kind, `event ${kind}`, timeoutMs);
  }
}

/** Logs a rep in as the desktop console (bearer token) and opens their console socket. */
export async function repConsole(broker: TestBroker, rep: { username: string; password: string; api: ApiClient }): Promise<RepSocket> {
  const { ApiClient } = await import('./broker.ts');
  const desktop = new ApiClient(broker);
  const res = await desktop.login(rep.username, rep.password, 'desktop');
  if (res.status !== 200) throw new Error(`desktop login failed: ${JSON.stringify(res.body)}`);
  const socket = await RepSocket.connect(broker, res.body.token as string);
  socket.closed.then(() => desktop.close()).catch(() => undefined);
  return socket;
}

export function repEvent(rep: MessageSocket, lsid: string, kind: string): Promise<Msg> {
  return rep.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.kind === kind, `rep sees ${kind}`);
}

export interface RepConsoleSetup {
  broker: TestBroker;
  admin: ApiClient;
  rep: Awaited<ReturnType<typeof createRep>>;
  repWs: RepSocket;
}

/**
 * The set-up most session tests share: `brokerWithAdmin`, one rep (with `repFields`) and that rep's
 * console socket, closed after the suite. `use` receives them in `before`.
 */
export function brokerWithRepConsole(use: (s: RepConsoleSetup) => unknown, o: { broker?: Partial<BrokerConfig>; repFields?: Record<string, unknown> } = {}): void {
  brokerWithAdmin(async (broker, admin, defer) => {
    const rep = await createRep(admin, o.repFields);
    defer(() => rep.api.close());
    const repWs = await repConsole(broker, rep);
    defer(() => repWs.close());
    await use({ broker, admin, rep, repWs });
  }, o.broker);
}
