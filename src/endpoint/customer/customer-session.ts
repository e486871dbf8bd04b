// The customer client's side of a session: connects (pinning the site's certificate), joins,
// numbers what it sends, and after a dropped connection resumes the same session within the
// broker's window, resending only what the broker did not take and skipping what it already saw.
import { EventEmitter } from 'node:events';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import {
  CustomerServerMessage,
  SESSION_PROTOCOL_VERSION,
  type ClientTool,
  type CustomerClientKind,
  type CustomerClientMessage,
  type CustomerInfo,
  type CustomerWelcome,
  type JoinRequest,
  type SessionEvent,
  type SessionPermission,
  type ToolEventBody,
} from '../../protocol/sessions.ts';
import { Channel, ChannelMux, type FrameSink } from '../../protocol/channel-endpoint.ts';
import { ChannelCloseReason, MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';

type Outgoing = Extract<CustomerClientMessage, { cid: number }>;
type OutgoingBody = Outgoing extends infer M ? (M extends Outgoing ? Omit<M, 'cid'> : never) : never;

export interface CustomerSessionOptions {
  brokerUrl: string;
  /** SHA-256 fingerprint of the site's certificate (with or without colons); without it, normal CA checks. */
  pin?: string;
  join: Exclude<JoinRequest, { kind: 'resume' }> | Extract<JoinRequest, { kind: 'resume' }>;
  customer: CustomerInfo;
  client?: CustomerClientKind;
  /** The tools this client has handlers for, advertised in its hello. */
  capabilities?: ClientTool[];
}

export interface CustomerSessionEvents {
  welcome: [CustomerWelcome];
  event: [SessionEvent];
  typing: [{ name: string; typing: boolean }];
  error: [{ code: string; message: string }];
  reconnecting: [{ attempt: number }];
  ended: [{ reason: string }];
  /** A rep opened a live channel (screen, input, files, shell …): the tool for its kind serves it. */
  channel: [Channel];
}

/** Long paths are cut in the log (a message is at most 16 KiB); the transfer itself uses the whole path. */
export function clampToolEvent(body: ToolEventBody): ToolEventBody {
  const cut = (v: string) => (v.length > 1024 ? `${v.slice(0, 1021)}…` : v);
  const out: Record<string, unknown> = { ...body };
  for (const k of ['path', 'to', 'name']) if (typeof out[k] === 'string') out[k] = cut(out[k] as string);
  return out as ToolEventBody;
}

export function normalisePin(pin: string): string {
  return pin.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export class CustomerSession extends EventEmitter<CustomerSessionEvents> {
  private ws: WebSocket | null = null;
  private cid = 0;
  private readonly outbox = new Map<number, Outgoing>();
  lastSeq = 0;
  welcomeInfo: CustomerWelcome | null = null;
  ended = false;
  private lostAt = 0;
  private attempt = 0;
  /** Live channels the reps opened; they survive a reconnect and resume. */
  readonly channels = new ChannelMux((code, message) => this.emit('error', { code, message }));

  constructor(private readonly o: CustomerSessionOptions) {
    super();
    this.on('ended', () => this.channels.finishAll(ChannelCloseReason.ended));
  }

  /** Calls `cb` for each channel a rep opens (the tools of src/endpoint/tools serve them). */
  onChannel(cb: (ch: Channel) => void): void {
    this.on('channel', cb);
  }

  start(): void {
    this.connect(this.o.join);
  }

  /**
   * GETs a small public file of the site (the chat banner), checking the same certificate pin as the
   * session before reading a byte of the answer. Bounded: a site file larger than `maxBytes` is refused.
   */
  fetchSiteFile(path: string, maxBytes = 256 * 1024): Promise<Uint8Array> {
    if (!/^\/api\/v1\/site-images\/[0-9a-z]+$/.test(path)) return Promise.reject(new Error(`Not a site image path: ${path}`));
    const url = new URL(path, this.o.brokerUrl.replace(/\/$/, '') + '/');
    return new Promise((resolve, reject) => {
      const req = request(url, { rejectUnauthorized: !this.o.pin, timeout: 10_000 }, (res) => {
        const seen = normalisePin((res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (this.o.pin && seen !== normalisePin(this.o.pin)) {
          res.destroy();
          return reject(new Error('The site certificate does not match the expected one'));
        }
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`The site answered ${res.statusCode} for ${path}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new Error(`${path} is larger than ${maxBytes} bytes`));
          } else chunks.push(c);
        });
        res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  send(body: OutgoingBody): number {
    const msg = { ...body, cid: ++this.cid } as Outgoing;
    this.outbox.set(msg.cid, msg);
    this.write(msg);
    return msg.cid;
  }

  chat(text: string): number {
    return this.send({ type: 'chat', text });
  }

  consent(requestId: string, granted: boolean, auto = false): number {
    return this.send({ type: 'consent', requestId, granted, ...(auto ? { auto } : {}) });
  }

  revoke(permission: SessionPermission): number {
    return this.send({ type: 'revoke', permission });
  }

  /** Puts what a rep did with a tool on this machine in the session log (resent after a reconnect like chat). */
  toolEvent(channelId: number, body: ToolEventBody): number {
    return this.send({ type: 'tool_event', channelId, body: clampToolEvent(body) });
  }

  end(): void {
    this.send({ type: 'end' });
  }

  typing(typing: boolean): void {
    this.write({ type: 'typing', typing });
  }

  close(): void {
    this.ended = true;
    this.ws?.close();
  }

  private write(msg: CustomerClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(join: JoinRequest): void {
    const url = `${this.o.brokerUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws/customer`;
    const ws = new WebSocket(url, {
      rejectUnauthorized: !this.o.pin,
      maxPayload: MAX_WS_BINARY_BYTES,
      perMessageDeflate: false,
      // An all-zero mask: ws then skips masking on both ends. Masking protects proxies from
      // scripts in browsers; inside TLS, from our own client, it only costs a pass over each byte.
      generateMask: (mask) => mask.fill(0),
    });
    this.ws = ws;
    const sink: FrameSink = { send: (f) => ws.readyState === WebSocket.OPEN && ws.send(f) };
    let verified = !this.o.pin;
    ws.on('upgrade', (res) => {
      if (!this.o.pin) return;
      // Nothing is sent before the certificate matches the pin the site gave with the download.
      const socket = res.socket as import('node:tls').TLSSocket;
      const seen = normalisePin(socket.getPeerCertificate().fingerprint256 ?? '');
      if (seen !== normalisePin(this.o.pin)) {
        this.ended = true;
        this.emit('error', { code: 'certificate_mismatch', message: `The site's certificate (${seen}) does not match the expected one; not connecting.` });
        ws.terminate();
        this.emit('ended', { reason: 'certificate_mismatch' });
        return;
      }
      verified = true;
    });
    ws.on('open', () => {
      if (!verified) return;
      ws.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client: this.o.client ?? 'customer_client', join, customer: this.o.customer, capabilities: this.o.capabilities ?? [] }));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.channels.handle(data as Buffer);
      let parsed: CustomerServerMessage;
      try {
        parsed = CustomerServerMessage.parse(JSON.parse(data.toString()));
      } catch {
        this.emit('error', { code: 'bad_message', message: 'The site sent a message this client does not understand' });
        return;
      }
      if (parsed.type === 'welcome') this.channels.setSink(sink);
      if (parsed.type === 'channel.opened') return this.channelOpened(parsed, sink);
      this.onMessage(parsed);
    });
    ws.on('error', (err) => {
      if (!this.welcomeInfo) this.emit('error', { code: 'connection_failed', message: err.message });
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.channels.detach();
      if (this.ended) return;
      if (code === 4000 || code === 4003 || code === 4002 || code === 4009 || !this.welcomeInfo) {
        this.ended = true;
        this.emit('ended', { reason: reason.toString() || (this.welcomeInfo ? 'closed' : 'could_not_join') });
        return;
      }
      this.reconnect();
    });
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

  /** Tries again with growing delays until the broker's resume window is over. */
  private reconnect(): void {
    const w = this.welcomeInfo!;
    if (this.attempt === 0) this.lostAt = Date.now();
    const attempt = ++this.attempt;
    if (Date.now() - this.lostAt > w.resumeWithinSeconds * 1000) {
      this.ended = true;
      this.emit('ended', { reason: 'connection_lost' });
      return;
    }
    this.emit('reconnecting', { attempt });
    const delay = Math.min(250 * 2 ** (attempt - 1), 5000);
    setTimeout(() => {
      if (!this.ended) this.connect({ kind: 'resume', lsid: w.lsid, resumeToken: w.resumeToken, lastSeq: this.lastSeq });
    }, delay);
  }

  private onMessage(m: CustomerServerMessage): void {
    switch (m.type) {
      case 'welcome': {
        const resumed = this.welcomeInfo !== null;
        this.welcomeInfo = m;
        this.attempt = 0;
        // Taking over a session (from the web chat): number on from what the broker already took.
        this.cid = Math.max(this.cid, m.lastCid);
        if (resumed) {
          // What the broker took is done; what it did not is resent, in order.
          for (const cid of [...this.outbox.keys()]) if (cid <= m.lastCid) this.outbox.delete(cid);
          for (const msg of this.outbox.values()) this.write(msg);
        }
        this.emit('welcome', m);
        return;
      }
      case 'event':
        if (m.event.seq <= this.lastSeq) return;
        this.lastSeq = m.event.seq;
        this.emit('event', m.event);
        if (m.event.body.kind === 'session_ended') {
          this.ended = true;
          this.emit('ended', { reason: m.event.body.reason });
          this.ws?.close();
        }
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
      case 'pong':
        return;
    }
  }
}
