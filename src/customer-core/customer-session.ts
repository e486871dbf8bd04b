// The customer's side of a support session, once for both faces (the customer client and the
// portal's web chat): joins, numbers what it sends (cid), and after a dropped connection resumes the
// same session within the broker's window, resending only what the broker did not take and
// skipping events it already saw. Isomorphic: the socket and the timers are handed in.
import {
  CustomerClose,
  CustomerServerMessage,
  SESSION_PROTOCOL_VERSION,
  type ElevationError,
  type ElevationMethod,
  type ElevationResult,
  type ClientTool,
  type CustomerClientKind,
  type CustomerClientMessage,
  type CustomerInfo,
  type CustomerWelcome,
  type JoinRequest,
  type SessionEvent,
  type SessionPermission,
  type ToolEventBody,
} from '../protocol/sessions.ts';
import { Channel, type FrameSink } from '../protocol/channel-endpoint.ts';
import { ChannelMux } from '../protocol/channel-mux.ts';
import { ChannelCloseReason } from '../protocol/channels.ts';
import { Events } from './emitter.ts';
import { SOCKET_OPEN, customerSocketUrl, defaultTimers, type CustomerSocket, type CustomerSocketFactory, type Timers } from './socket.ts';

type Outgoing = Extract<CustomerClientMessage, { cid: number }>;
export type OutgoingBody = Outgoing extends infer M ? (M extends Outgoing ? Omit<M, 'cid'> : never) : never;

export interface CustomerSessionOptions {
  /** The site, e.g. `https://support.example.com` (the web chat passes `location.origin`). */
  brokerUrl: string;
  join: JoinRequest;
  customer: CustomerInfo;
  client?: CustomerClientKind;
  /** The tools this client has handlers for, advertised in its hello (the web chat: none). */
  capabilities?: ClientTool[];
  createWebSocket: CustomerSocketFactory;
  timers?: Timers;
}

export interface CustomerSessionEvents extends Record<string, unknown> {
  welcome: CustomerWelcome;
  event: SessionEvent;
  typing: { name: string; typing: boolean };
  error: { code: string; message: string };
  reconnecting: { attempt: number };
  ended: { reason: string };
  /** A rep opened a live channel (screen, input, files, shell …): the tool for its kind serves it. */
  channel: Channel;
  /** JMP-10: a rep asks this computer to install a Jump Client (the full client only can). */
  jump_attach: { keyInfo: string; jumpGroup: string };
}

/** Long paths are cut in the log (a message is at most 16 KiB); the transfer itself uses the whole path. */
export function clampToolEvent(body: ToolEventBody): ToolEventBody {
  const cut = (v: string) => (v.length > 1024 ? `${v.slice(0, 1021)}…` : v);
  const out: Record<string, unknown> = { ...body };
  for (const k of ['path', 'to', 'name']) if (typeof out[k] === 'string') out[k] = cut(out[k] as string);
  return out as ToolEventBody;
}

/** Close codes after which the session is over: no resume is attempted. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CustomerClose.ended, CustomerClose.protocol, CustomerClose.refused, CustomerClose.superseded]);
const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 5_000;

export class CustomerSession extends Events<CustomerSessionEvents> {
  /** The highest event number seen: events at or below it are not shown again. */
  lastSeq = 0;
  welcomeInfo: CustomerWelcome | null = null;
  ended = false;
  private cid = 0;
  /** Numbered messages the broker has not acknowledged yet, in order. */
  private readonly outbox = new Map<number, Outgoing>();
  /** Messages written before the first welcome: numbered once we know what the broker already took. */
  private unnumbered: OutgoingBody[] = [];
  private lostAt = 0;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private readonly t: Timers;
  /** Live channels the reps opened; they survive a reconnect and resume. */
  readonly channels = new ChannelMux((code, message) => this.emit('error', { code, message }));

  // ---- the transport: the only place that touches the socket ----
  private socket: CustomerSocket | null = null;
  /** Whether the current socket got its welcome: numbered messages go out only then. */
  private joined = false;

  constructor(private readonly o: CustomerSessionOptions) {
    super();
    this.t = o.timers ?? defaultTimers;
    this.on('ended', () => this.channels.finishAll(ChannelCloseReason.ended));
  }

  /** Calls `cb` for each channel a rep opens (the tools of src/endpoint/tools serve them). */
  onChannel(cb: (ch: Channel) => void): void {
    this.on('channel', cb);
  }

  start(): void {
    this.connect(this.o.join);
  }

  // ---- what the customer does ----

  send(body: OutgoingBody): void {
    if (!this.welcomeInfo) {
      this.unnumbered.push(body);
      return;
    }
    const msg = { ...body, cid: ++this.cid } as Outgoing;
    this.outbox.set(msg.cid, msg);
    if (this.joined) this.write(msg);
  }

  chat(text: string): void {
    this.send({ type: 'chat', text });
  }

  consent(requestId: string, granted: boolean, auto = false): void {
    this.send({ type: 'consent', requestId, granted, ...(auto ? { auto } : {}) });
  }

  revoke(permission: SessionPermission): void {
    this.send({ type: 'revoke', permission });
  }

  /** CON-8: tells the broker how elevating went (the password never leaves this machine). */
  elevation(result: ElevationResult, method?: ElevationMethod, error?: ElevationError): void {
    this.send({ type: 'elevation', result, ...(method ? { method } : {}), ...(error ? { error } : {}) });
  }

  /** Puts what a rep did with a tool on this machine in the session log (resent after a reconnect like chat). */
  toolEvent(channelId: number, body: ToolEventBody): void {
    this.send({ type: 'tool_event', channelId, body: clampToolEvent(body) });
  }

  end(): void {
    this.send({ type: 'end' });
  }

  /** JMP-10: the Jump Client the rep asked for could not be installed (the reason goes to the session log). */
  jumpAttachFailed(message: string): void {
    this.send({ type: 'jump_attach_failed', message: message.slice(0, 300) });
  }

  /** Typing is live only: never queued, never resent. */
  typing(typing: boolean): void {
    if (this.joined) this.write({ type: 'typing', typing });
  }

  /** Closes this connection without ending the session (the client or page may resume it). */
  close(): void {
    this.ended = true;
    if (this.reconnectTimer !== null) this.t.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.socket?.close();
  }

  /** Messages not yet acknowledged by the broker (for tests and diagnostics). */
  get unacknowledged(): number {
    return this.outbox.size + this.unnumbered.length;
  }

  private write(msg: CustomerClientMessage): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify(msg));
  }

  private connect(join: JoinRequest): void {
    const ws = this.o.createWebSocket(customerSocketUrl(this.o.brokerUrl));
    this.socket = ws;
    this.joined = false;
    const sink: FrameSink = { send: (f) => ws.readyState === SOCKET_OPEN && ws.send(f) };
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.write({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client: this.o.client ?? 'customer_client', join, customer: this.o.customer, capabilities: this.o.capabilities ?? [] });
    };
    ws.onmessage = ({ data }) => {
      if (this.socket !== ws) return;
      if (typeof data === 'string') this.onText(data, sink);
      else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) this.channels.handle(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    };
    ws.onerror = (ev) => {
      if (this.socket !== ws) return;
      const e = (ev ?? {}) as { code?: unknown; message?: unknown };
      const code = typeof e.code === 'string' ? e.code : undefined;
      // Before a welcome, a failure is news to the customer; after it, a reconnect follows anyway.
      if (this.welcomeInfo && !code) return;
      this.emit('error', { code: code ?? 'connection_failed', message: typeof e.message === 'string' && e.message ? e.message : 'Could not reach the support site' });
    };
    ws.onclose = ({ code, reason }) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.joined = false;
      this.channels.detach();
      if (this.ended) return;
      if (FINAL_CLOSE_CODES.has(code) || !this.welcomeInfo) {
        this.finish(reason || (this.welcomeInfo ? 'closed' : 'could_not_join'));
        return;
      }
      this.reconnect();
    };
  }

  private channelOpened(m: Extract<CustomerServerMessage, { type: 'channel.opened' }>, sink: FrameSink): void {
    const existing = this.channels.get(m.channelId);
    if (existing) {
      // Still open after our reconnect: resume (bytes from where the rep got them, screens from a key frame).
      existing.attach(sink, { resync: true });
      return;
    }
    if (!m.resumed) this.emit('channel', this.channels.add(new Channel({ id: m.channelId, kind: m.kind, meta: m.meta })));
  }

  // ---- the session on top of the transport ----

  private finish(reason: string): void {
    this.ended = true;
    this.emit('ended', { reason });
    this.socket?.close();
  }

  /** Tries again with growing delays until the broker's resume window is over. */
  private reconnect(): void {
    const w = this.welcomeInfo!;
    if (this.attempt === 0) this.lostAt = this.t.now();
    const attempt = ++this.attempt;
    if (this.t.now() - this.lostAt > w.resumeWithinSeconds * 1000) {
      this.finish('connection_lost');
      return;
    }
    this.emit('reconnecting', { attempt });
    const delay = Math.min(RECONNECT_BASE_MS * 2 ** (attempt - 1), RECONNECT_MAX_MS);
    this.reconnectTimer = this.t.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.ended) this.connect({ kind: 'resume', lsid: w.lsid, resumeToken: w.resumeToken, lastSeq: this.lastSeq });
    }, delay);
  }

  private onText(text: string, sink: FrameSink): void {
    let m: CustomerServerMessage;
    try {
      m = CustomerServerMessage.parse(JSON.parse(text));
    } catch {
      this.emit('error', { code: 'bad_message', message: 'The site sent a message this client does not understand' });
      return;
    }
    if (m.type === 'welcome') this.channels.setSink(sink);
    if (m.type === 'channel.opened') return this.channelOpened(m, sink);
    this.onMessage(m);
  }

  private onMessage(m: CustomerServerMessage): void {
    switch (m.type) {
      case 'welcome': {
        this.welcomeInfo = m;
        this.attempt = 0;
        this.joined = true;
        // What the broker took is done (a resume, or a takeover of the web chat's session): number
        // on from there, and resend the rest in order.
        this.cid = Math.max(this.cid, m.lastCid);
        for (const cid of [...this.outbox.keys()]) if (cid <= m.lastCid) this.outbox.delete(cid);
        const held = this.unnumbered;
        this.unnumbered = [];
        for (const msg of this.outbox.values()) this.write(msg);
        this.emit('welcome', m);
        for (const body of held) this.send(body);
        return;
      }
      case 'event':
        if (m.event.seq <= this.lastSeq) return;
        this.lastSeq = m.event.seq;
        this.emit('event', m.event);
        if (m.event.body.kind === 'session_ended') this.finish(m.event.body.reason);
        return;
      case 'ack':
        this.outbox.delete(m.cid);
        return;
      case 'typing':
        this.emit('typing', { name: m.name, typing: m.typing });
        return;
      case 'error':
        if (m.cid !== undefined) this.outbox.delete(m.cid);
        this.emit('error', { code: m.code, message: m.message });
        return;
      case 'channel.opened':
        // Opened in onText: a channel needs this socket's sink. Closes travel as channel frames.
        return;
      case 'pong':
        return;
      case 'jump.attach':
        this.emit('jump_attach', { keyInfo: m.keyInfo, jumpGroup: m.jumpGroup });
        return;
    }
  }
}
