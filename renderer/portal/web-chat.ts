// Click-to-chat (POR-5): the customer's browser speaks the customer protocol on /ws/customer,
// numbers what it sends, and resumes the same session after a dropped connection, like the
// customer client does.
import { CustomerServerMessage, SESSION_PROTOCOL_VERSION, type CustomerClientMessage, type CustomerWelcome, type JoinRequest, type SessionEvent } from '../../src/protocol/sessions.ts';

export type WebChatStatus = 'connecting' | 'joined' | 'reconnecting' | 'ended';

export interface WebChatListener {
  status(s: WebChatStatus, detail?: string): void;
  event(e: SessionEvent): void;
  typing(name: string, typing: boolean): void;
  error(message: string): void;
}

type Outgoing = Extract<CustomerClientMessage, { cid: number }>;

export class WebChat {
  private ws: WebSocket | null = null;
  private cid = 0;
  private lastSeq = 0;
  private readonly outbox = new Map<number, Outgoing>();
  welcome: CustomerWelcome | null = null;
  private ended = false;
  private lostAt = 0;
  private attempt = 0;

  constructor(
    private readonly join: JoinRequest,
    private readonly name: string | undefined,
    private readonly on: WebChatListener,
  ) {}

  start(): void {
    this.connect(this.join);
  }

  chat(text: string): void {
    this.queue({ type: 'chat', cid: ++this.cid, text });
  }

  end(): void {
    this.queue({ type: 'end', cid: ++this.cid });
  }

  /** Closes this page's connection without ending the session (a reload resumes it). */
  close(): void {
    this.ended = true;
    this.ws?.close();
  }

  typing(typing: boolean): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'typing', typing }));
  }

  private queue(msg: Outgoing): void {
    this.outbox.set(msg.cid, msg);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(join: JoinRequest): void {
    const ws = new WebSocket(`wss://${location.host}/ws/customer`);
    this.ws = ws;
    ws.onopen = () =>
      ws.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client: 'web_chat', join, customer: this.name ? { name: this.name } : {}, capabilities: [] }));
    ws.onmessage = (e) => {
      const parsed = CustomerServerMessage.safeParse(JSON.parse(String(e.data)));
      if (parsed.success) this.handle(parsed.data);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws || this.ended) return;
      if (!this.welcome || [4000, 4002, 4003, 4009].includes(e.code)) {
        this.ended = true;
        this.on.status('ended', e.reason);
        return;
      }
      if (this.attempt === 0) this.lostAt = Date.now();
      this.attempt++;
      if (Date.now() - this.lostAt > this.welcome.resumeWithinSeconds * 1000) {
        this.ended = true;
        this.on.status('ended', 'connection_lost');
        return;
      }
      this.on.status('reconnecting');
      const w = this.welcome;
      setTimeout(() => this.connect({ kind: 'resume', lsid: w.lsid, resumeToken: w.resumeToken, lastSeq: this.lastSeq }), Math.min(250 * 2 ** this.attempt, 5000));
    };
  }

  private handle(m: CustomerServerMessage): void {
    switch (m.type) {
      case 'welcome':
        if (this.welcome) for (const cid of [...this.outbox.keys()]) if (cid <= m.lastCid) this.outbox.delete(cid);
        this.welcome = m;
        this.attempt = 0;
        this.cid = Math.max(this.cid, m.lastCid);
        for (const msg of this.outbox.values()) this.ws?.send(JSON.stringify(msg));
        this.on.status('joined', String(m.sequenceNumber));
        return;
      case 'event':
        if (m.event.seq <= this.lastSeq) return;
        this.lastSeq = m.event.seq;
        this.on.event(m.event);
        if (m.event.body.kind === 'session_ended') {
          this.ended = true;
          this.on.status('ended', m.event.body.reason);
        }
        return;
      case 'ack':
        this.outbox.delete(m.cid);
        return;
      case 'typing':
        this.on.typing(m.name, m.typing);
        return;
      case 'error':
        if (m.cid !== undefined) this.outbox.delete(m.cid);
        this.on.error(m.message);
        return;
      case 'pong':
        return;
    }
  }
}
