// Support sessions (POR-1/3/4/5, CON-2, CON-3, USR-13): the running sessions, and how they end or
// lose their rep. Its parts: the customer's side (session-customers.ts), reps and their queues
// (rep-queues.ts), the event log (session-log.ts) and the rep's operations (session-rep-actions.ts).
import type { Logger } from 'pino';
import { CustomerClose, type JoinRequest, type SessionEvent, type SessionEventBody } from '../../protocol/sessions.ts';
import type { RepServerMessage } from '../../protocol/site.ts';
import { PasserelleError } from '../errors.ts';
import type { Store, UserRecord } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { ChannelRouter } from '../channels/channel-router.ts';
import { ChannelCloseReason } from '../../protocol/channels.ts';
import { LiveSession, repPartyOf, type CustomerSink, type RepSink } from './live-session.ts';
import type { JoinPlan, PortalService } from './portal.ts';
import type { PresenceService } from './presence.ts';
import { RepQueues } from './rep-queues.ts';
import { SessionCustomers, type CustomerAction, type CustomerHello } from './session-customers.ts';
import type { SessionKeysService } from './session-keys.ts';
import { SessionLog, SYSTEM, type Participant } from './session-log.ts';

export interface SessionsOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  keys: SessionKeysService;
  portal: PortalService;
  /** POR-6: a new session takes the chat banner of the moment. */
  chatBannerForNewSession?: () => Promise<string | null>;
  presence: PresenceService;
  /** How long a dropped customer or rep may take to come back (default 60 s). */
  resumeGraceMs: number;
  /** New sessions one address may start per minute (anonymous starts cost store rows). */
  startsPerMinute: number;
  /** REP-5: the recordings module (a new session may be recorded; its chat lines go in). */
  recordings?: SessionRecordingHooks;
}

export interface SessionRecordingHooks {
  start(s: LiveSession): Promise<boolean>;
  event(lsid: string, actor: Participant, body: SessionEventBody): void;
  finish(lsid: string, reason: string): Promise<void>;
}

export class SessionsService {
  /** Running sessions by LSID, shared with the parts: the customer's side adds, ending removes. */
  readonly live = new Map<string, LiveSession>();
  readonly channels = new ChannelRouter();
  private readonly eventLog: SessionLog;
  private readonly reps: RepQueues;
  private readonly customers: SessionCustomers;
  private stopping = false;

  constructor(private readonly o: SessionsOptions) {
    this.reps = new RepQueues(this, o.log, o.resumeGraceMs);
    this.eventLog = new SessionLog(o.store, o.clock, (userId, msg) => this.reps.toRep(userId, msg));
    this.customers = new SessionCustomers(this, this.reps, o);
    o.presence.useSessionCounts({ supportSessions: (userId) => this.runningFor(userId) });
  }

  /** Once the broker stops, nothing new starts and dropped connections are not waited for. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  now(): string {
    return this.o.clock.now().toISOString();
  }

  get resumeWithinSeconds(): number {
    return Math.round(this.o.resumeGraceMs / 1000);
  }

  /** Running support sessions a rep takes part in (STA-6). */
  runningFor(userId: number): number {
    let n = 0;
    for (const s of this.live.values()) if (s.participants.has(userId)) n++;
    return n;
  }

  get(lsid: string): LiveSession | undefined {
    return this.live.get(lsid);
  }

  /** Sessions a crash left open are ended, with the reason in their log. */
  async recoverAfterRestart(): Promise<void> {
    for (const rec of await this.o.store.listSupportSessionsInState(['waiting', 'active'])) {
      const events = await this.o.store.listSessionEvents(rec.lsid);
      const s = new LiveSession(rec, '');
      s.lastSeq = events.at(-1)?.seq ?? 0;
      await this.eventLog.endRecord(s, 'broker_restart', !this.live.has(s.lsid));
    }
  }

  // ---- the customer's side: session-customers.ts ----

  planJoin(join: Extract<JoinRequest, { kind: 'key' | 'rep' | 'connect' }>, address: string): Promise<JoinPlan> {
    return this.customers.planJoin(join, address);
  }

  customerHello(hello: CustomerHello, sink: CustomerSink): Promise<LiveSession> {
    return this.customers.hello(hello, sink);
  }

  customerMessage(s: LiveSession, sink: CustomerSink, msg: CustomerAction): Promise<void> {
    return this.customers.message(s, sink, msg);
  }

  customerDisconnected(s: LiveSession, sink: CustomerSink): void {
    this.customers.disconnected(s, sink);
  }

  // ---- reps and their queues: rep-queues.ts ----

  repConnected(sink: RepSink): void {
    this.reps.connected(sink);
  }

  repDisconnected(sink: RepSink): void {
    this.channels.repDisconnected(repPartyOf(sink));
    this.reps.disconnected(sink);
  }

  isRepOnline(userId: number): boolean {
    return this.reps.isOnline(userId);
  }

  queueFor(userId: number) {
    return this.reps.queueFor(userId);
  }

  /** Tells every connected rep how the session now looks in their queue, or that it left it. */
  publish(s: LiveSession, isNew = false): void {
    this.reps.publish(s, isNew);
  }

  toRep(userId: number, msg: RepServerMessage): void {
    this.reps.toRep(userId, msg);
  }

  // Rep operations (accept, transfer, chat, consent requests …) are in session-rep-actions.ts;
  // they use the primitives below.

  requireLive(lsid: string): LiveSession {
    const s = this.live.get(lsid);
    if (!s || s.ended) throw new PasserelleError('session_not_found', 'No such running session');
    return s;
  }

  repActor(user: UserRecord, address: string): Participant {
    return { kind: 'rep', userId: user.id, name: user.displayName, ip: address };
  }

  customerActor(s: LiveSession): Participant {
    return { kind: 'customer', name: s.record.customerName, ip: s.record.publicIp };
  }

  /** Writes the event, then delivers it to the customer and every rep in the session. */
  async append(s: LiveSession, actor: Participant, body: SessionEventBody, cid?: number): Promise<SessionEvent> {
    const event = await this.eventLog.append(s, actor, body, cid);
    if (s.recorded) this.o.recordings?.event(s.lsid, actor, body);
    return event;
  }

  updateRecord(s: LiveSession, patch: Parameters<Store['updateSupportSession']>[1]): Promise<void> {
    return this.eventLog.updateRecord(s, patch);
  }

  /** Ends the session (inside `s.run`): logs the reason, tells everyone, closes the customer. */
  async endLocked(s: LiveSession, reason: string, actor: Participant, cid?: number): Promise<SessionEvent> {
    const event = await this.append(s, actor, { kind: 'session_ended', reason }, cid);
    this.channels.endSession(s, ChannelCloseReason.ended);
    if (s.recorded) await this.o.recordings?.finish(s.lsid, reason).catch((err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'closing the recording failed'));
    await this.eventLog.endRecord(s, reason, !this.live.has(s.lsid));
    this.publish(s);
    if (s.customerLost) clearTimeout(s.customerLost);
    const customer = s.customer;
    s.customer = null;
    if (customer && actor.kind !== 'customer') customer.close(CustomerClose.ended, reason.slice(0, 100));
    this.live.delete(s.lsid);
    this.o.log.info({ lsid: s.lsid, reason }, 'support session ended');
    return event;
  }

  /** A rep leaves (inside `s.run`): the next rep takes over, or the session goes back to the general queue. */
  async leaveLocked(s: LiveSession, userId: number, reason: string): Promise<SessionEvent | undefined> {
    if (s.ended || !s.participants.has(userId)) return undefined;
    const name = s.participants.get(userId) ?? '';
    const actor: Participant = { kind: reason === 'left' ? 'rep' : 'system', userId, name, ip: '' };
    const event = await this.append(s, actor, { kind: 'rep_left', userId, name });
    s.participants.delete(userId);
    this.channels.removeRep(s, userId, ChannelCloseReason.repLeft);
    if (s.record.ownerUserId === userId) {
      const next = s.participants.keys().next();
      if (!next.done) {
        await this.updateRecord(s, { ownerUserId: next.value });
      } else if (reason === 'rep_connection_lost' || s.record.method === 'jump') {
        // Nobody waits at an unattended computer: a jump session ends with its last rep.
        await this.endLocked(s, reason === 'left' ? 'ended_by_rep' : reason, SYSTEM);
        return event;
      } else {
        s.grants.clear();
        s.pending.clear();
        await this.updateRecord(s, { ownerUserId: null, state: 'waiting', queueKind: 'general', queueUserId: null });
      }
    }
    this.publish(s);
    return event;
  }

  /** A waiting session goes to the general queue (its rep is gone), with the reason in the log. */
  async requeueLocked(s: LiveSession, reason: string): Promise<void> {
    if (s.ended || s.record.state !== 'waiting' || s.record.queueKind === 'general') return;
    await this.append(s, SYSTEM, { kind: 'requeued', queue: { kind: 'general' }, reason });
    await this.updateRecord(s, { queueKind: 'general', queueUserId: null });
    this.publish(s);
  }

  /** Binary frames on live channels, from the customer … */
  customerFrame(s: LiveSession, sink: CustomerSink, bytes: Uint8Array): void {
    if (s.customer !== sink) return; // a superseded connection's late frames
    this.channels.fromCustomer(s, bytes);
  }

  /** … and from a rep's console. */
  repFrame(sink: RepSink, bytes: Uint8Array): void {
    this.channels.fromRep(repPartyOf(sink), bytes);
  }

  /** Broker shutdown: every running session ends with that reason in its log. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.reps.stopWaiting();
    for (const s of [...this.live.values()]) {
      await s.run(() => this.endLocked(s, 'broker_shutdown', SYSTEM)).catch((err: unknown) => this.o.log.error({ err }, 'ending a session at shutdown failed'));
    }
  }
}
