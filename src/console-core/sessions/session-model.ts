// The rep's queues and sessions in console-core (CON-2, CON-3): the queue as the broker last
// described it, each session's event log (numbered, so nothing is shown twice after a
// reconnect), typing indicators, and request/reply calls over the rep connection.
import type { RepClientMessage, RepServerMessage, SessionEvent, SessionPermission, SessionSummary } from '../../protocol/index.ts';
import { ApiError } from '../api-error.ts';
import { Emitter } from '../events.ts';
import type { RepConnection } from '../rep-connection.ts';

export interface SessionEventNotice {
  lsid: string;
  event: SessionEvent;
}

export interface TypingNotice {
  lsid: string;
  name: string;
  typing: boolean;
}

type Call = Extract<RepClientMessage, { ref: string }>;
type CallBody = Call extends infer M ? (M extends Call ? Omit<M, 'ref'> : never) : never;
type Reply = Extract<RepServerMessage, { type: 'reply' | 'session.events' | 'queue.snapshot' }>;

const CALL_TIMEOUT_MS = 15_000;

export class SessionModel {
  readonly onQueue = new Emitter<SessionSummary[]>();
  readonly onNewSession = new Emitter<SessionSummary>();
  readonly onEvent = new Emitter<SessionEventNotice>();
  readonly onTyping = new Emitter<TypingNotice>();
  readonly onKeyUsed = new Emitter<{ key: string }>();
  private readonly sessions = new Map<string, SessionSummary>();
  private readonly logs = new Map<string, SessionEvent[]>();
  private readonly cids = new Map<string, number>();
  private readonly pending = new Map<string, { resolve: (m: Reply) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextRef = 0;

  constructor(private readonly rep: RepConnection) {
    rep.onMessage.on((m) => this.receive(m));
    rep.onState.on((s) => {
      if (s === 'CLOSED' || s === 'CONNECTING') this.failPending('The connection to the site was lost');
    });
  }

  queue(): SessionSummary[] {
    return [...this.sessions.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  events(lsid: string): SessionEvent[] {
    return this.logs.get(lsid) ?? [];
  }

  async call(body: CallBody): Promise<Reply> {
    const ref = `c${++this.nextRef}`;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new ApiError(0, 'timeout', 'The site did not answer in time'));
      }, CALL_TIMEOUT_MS);
      this.pending.set(ref, { resolve, reject, timer });
      this.rep.send({ ...body, ref } as RepClientMessage);
    });
  }

  async chat(lsid: string, text: string, repsOnly = false): Promise<void> {
    const cid = (this.cids.get(lsid) ?? 0) + 1;
    this.cids.set(lsid, cid);
    await this.call({ type: 'session.chat', lsid, cid, text, ...(repsOnly ? { repsOnly } : {}) });
  }

  typing(lsid: string, typing: boolean): void {
    this.rep.send({ type: 'session.typing', lsid, typing });
  }

  async act(type: 'session.accept' | 'session.join' | 'session.leave' | 'session.end' | 'session.offer_full_client', lsid: string): Promise<void> {
    await this.call({ type, lsid });
    // Joining: what was said before we came in.
    if (type === 'session.accept' || type === 'session.join') await this.catchUp(lsid);
  }

  async transfer(lsid: string, toUserId: number): Promise<void> {
    await this.call({ type: 'session.transfer', lsid, toUserId });
  }

  async invite(lsid: string, userId: number): Promise<void> {
    await this.call({ type: 'session.invite', lsid, userId });
  }

  async requestPermission(lsid: string, permission: SessionPermission): Promise<void> {
    await this.call({ type: 'session.request_permission', lsid, permission });
  }

  /** Reads the log after what we hold (all of it after a reload), page by page. */
  async catchUp(lsid: string): Promise<void> {
    for (;;) {
      // From the first gap: a live event may have arrived before the ones it follows.
      let after = 0;
      for (const e of this.logs.get(lsid) ?? []) if (e.seq === after + 1) after = e.seq;
      const r = await this.call({ type: 'session.history', lsid, afterSeq: after });
      if (r.type !== 'session.events') return;
      this.cids.set(lsid, Math.max(this.cids.get(lsid) ?? 0, r.lastCid));
      for (const e of r.events) this.addEvent(lsid, e);
      if (!r.more) return;
    }
  }

  private receive(m: RepServerMessage): void {
    switch (m.type) {
      case 'queue.snapshot':
        if (m.ref) return this.settle(m.ref, m);
        this.sessions.clear();
        for (const s of m.sessions) this.sessions.set(s.lsid, s);
        for (const lsid of [...this.logs.keys()]) if (!this.sessions.has(lsid)) this.logs.delete(lsid);
        this.onQueue.emit(this.queue());
        // After a (re)connect: what happened in our sessions meanwhile, from the broker's log.
        for (const s of m.sessions) if (s.state === 'active') void this.catchUp(s.lsid).catch(() => undefined);
        return;
      case 'session.updated': {
        this.sessions.set(m.session.lsid, m.session);
        if (m.isNew && m.session.state === 'waiting') this.onNewSession.emit(m.session);
        this.onQueue.emit(this.queue());
        return;
      }
      case 'session.removed':
        this.sessions.delete(m.lsid);
        this.logs.delete(m.lsid);
        this.cids.delete(m.lsid);
        this.onQueue.emit(this.queue());
        return;
      case 'session.event':
        this.addEvent(m.lsid, m.event);
        return;
      case 'session.typing':
        this.onTyping.emit({ lsid: m.lsid, name: m.name, typing: m.typing });
        return;
      case 'session.key_used':
        this.onKeyUsed.emit({ key: m.key });
        return;
      case 'reply':
      case 'session.events':
        this.settle(m.ref, m);
        return;
      case 'error':
        if (m.ref) {
          const p = this.pending.get(m.ref);
          if (!p) return;
          clearTimeout(p.timer);
          this.pending.delete(m.ref);
          p.reject(new ApiError(0, m.code, m.message));
        }
        return;
      default:
        return;
    }
  }

  /** Keeps the log in seq order with each event once: live events and history pages may overlap. */
  private addEvent(lsid: string, event: SessionEvent): void {
    const log = this.logs.get(lsid) ?? [];
    let i = log.length;
    while (i > 0 && log[i - 1]!.seq > event.seq) i--;
    if (i > 0 && log[i - 1]!.seq === event.seq) return;
    log.splice(i, 0, event);
    this.logs.set(lsid, log);
    this.onEvent.emit({ lsid, event });
  }

  private settle(ref: string, m: Reply): void {
    const p = this.pending.get(ref);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(ref);
    p.resolve(m);
  }

  private failPending(message: string): void {
    for (const [ref, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiError(0, 'network_error', message));
      this.pending.delete(ref);
    }
  }
}
