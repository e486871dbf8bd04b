// A support session while it runs: who is in it, what the customer granted, the connections to
// reach its participants, and the per-sender message numbers that recognise replays.
import type { RepServerMessage } from '../../protocol/site.ts';
import type { ChannelView } from '../../protocol/channels.ts';
import type { ClientTool, CustomerServerMessage, SessionPermission, SessionSummary } from '../../protocol/sessions.ts';
import type { CustomerParty, RepParty } from '../channels/channel-router.ts';
import { PasserelleError } from '../errors.ts';
import type { SupportSessionRecord } from '../store/sessions-store.ts';

export interface CustomerSink {
  readonly address: string;
  send(msg: CustomerServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** Bytes queued on the socket, not yet written (back-pressure on live channels). */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface RepSink {
  readonly userId: number;
  readonly address: string;
  send(msg: RepServerMessage): void;
  /** A binary frame (src/protocol/channels.ts) relayed from the customer. */
  sendBinary(frame: Uint8Array): void;
  bufferedAmount(): number;
}

const customerParties = new WeakMap<CustomerSink, CustomerParty>();
const repParties = new WeakMap<RepSink, RepParty>();

/** The customer's connection as the channel router sees it (one object per connection). */
export function customerPartyOf(sink: CustomerSink): CustomerParty {
  let p = customerParties.get(sink);
  if (!p) {
    p = { send: (f) => sink.sendBinary(f), bufferedAmount: () => sink.bufferedAmount(), sendJson: (m) => sink.send(m) };
    customerParties.set(sink, p);
  }
  return p;
}

/** A rep console connection as the channel router sees it. */
export function repPartyOf(sink: RepSink): RepParty {
  let p = repParties.get(sink);
  if (!p) {
    p = { userId: sink.userId, send: (f) => sink.sendBinary(f), bufferedAmount: () => sink.bufferedAmount() };
    repParties.set(sink, p);
  }
  return p;
}

/**
 * A sender numbers its messages 1, 2, 3 …; a number at or below the last one taken is a replay:
 * answered with the event it already produced (a resend after a reconnect), or refused.
 */
export class CidTracker {
  last = 0;
  private readonly seqs = new Map<number, number>();

  /** Returns the event seq of an already-taken cid, null for a new one; throws on an unknown replay. */
  check(cid: number): number | null {
    if (cid > this.last) return null;
    const seq = this.seqs.get(cid);
    if (seq === undefined) throw new PasserelleError('replayed', `Message number ${cid} was already used`);
    return seq;
  }

  record(cid: number, seq: number): void {
    this.last = cid;
    this.seqs.set(cid, seq);
    // Only recent resends matter: a client resends what it sent while disconnected.
    if (this.seqs.size > 512) {
      const oldest = this.seqs.keys().next().value;
      if (oldest !== undefined) this.seqs.delete(oldest);
    }
  }
}

export class LiveSession {
  lastSeq = 0;
  /** Reps in the session, userId → display name; the owner is `record.ownerUserId`. */
  readonly participants = new Map<number, string>();
  readonly invited = new Set<number>();
  readonly grants = new Set<SessionPermission>();
  /** CON-8: the customer's client reported it runs elevated (until elevation is revoked or dropped). */
  elevated = false;
  /** What the customer's current client can do (its hello); the web chat can do nothing. */
  capabilities: ClientTool[] = [];
  readonly pending = new Map<string, { permission: SessionPermission; repUserId: number }>();
  customer: CustomerSink | null = null;
  customerLost: NodeJS.Timeout | null = null;
  readonly customerCids = new CidTracker();
  readonly repCids = new Map<number, CidTracker>();
  /** Reps whose console currently lists this session (so they can be told when it goes). */
  visibleTo = new Set<number>();
  /** Live channels open in this session (ids are unique across the broker), kept by the channel router. */
  readonly channels = new Map<number, ChannelView>();
  /** Every channel opened in this session (open or closed since): whose, for what; a tool event names one. */
  readonly channelOwners = new Map<number, { userId: number; permission: SessionPermission }>();
  ended = false;
  /** REP-5: this session is being recorded (decided when it started). */
  recorded = false;
  /** JMP-10: a Jump Client asked for in this session, not yet registered (its one-install deployment). */
  jumpAttach: { deploymentId: string; userId: number } | null = null;
  /** JMP-10: the Jump Client on this computer that this session may detach (attached here, or jumped to). */
  jumpClientId: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    public record: SupportSessionRecord,
    readonly resumeToken: string,
  ) {}

  get lsid(): string {
    return this.record.lsid;
  }

  customerParty(): CustomerParty | null {
    return this.customer ? customerPartyOf(this.customer) : null;
  }

  /** Runs operations on this session one at a time, so events get their numbers in order. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  repCidTracker(userId: number): CidTracker {
    let t = this.repCids.get(userId);
    if (!t) this.repCids.set(userId, (t = new CidTracker()));
    return t;
  }

  visibleToRep(userId: number): boolean {
    if (this.ended) return false;
    if (this.participants.has(userId) || this.invited.has(userId)) return true;
    if (this.record.state !== 'waiting') return false;
    return this.record.queueKind === 'general' || this.record.queueUserId === userId;
  }

  summary(): SessionSummary {
    const r = this.record;
    return {
      lsid: r.lsid,
      sequenceNumber: r.seq,
      state: r.state,
      method: r.method,
      queue: r.queueKind === 'general' || r.queueUserId === null ? { kind: 'general' } : { kind: 'personal', userId: r.queueUserId },
      ownerUserId: r.ownerUserId,
      participants: [...this.participants].map(([userId, name]) => ({ userId, name })),
      invited: [...this.invited],
      customer: { name: r.customerName, computerName: r.computerName, os: r.os, privateIp: r.privateIp, publicIp: r.publicIp, userName: r.userName },
      clientKind: r.clientKind,
      capabilities: [...this.capabilities],
      customerConnected: this.customer !== null,
      grants: [...this.grants],
      elevated: this.elevated,
      channels: [...this.channels.values()],
      createdAt: r.createdAt,
      acceptedAt: r.acceptedAt,
      lastSeq: this.lastSeq,
    };
  }
}
