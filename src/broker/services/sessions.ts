// Support sessions (POR-1/3/4/5, CON-2, CON-3, USR-13): what the gateways call. It only puts the
// session core together, each part depending only on the parts below it:
//   registry (session-registry.ts): the running sessions
//   queues (rep-queues.ts): reps online and what their consoles list; the event log (session-log.ts)
//   lifecycle (session-lifecycle.ts): events, record, end, leave, requeue; tells reps through the queues
//   the customer's side (session-customers.ts) and the rep's actions (session-rep-actions.ts)
// No part holds this object or calls back into it.
import type { JoinRequest, SessionEvent } from '../../protocol/sessions.ts';
import { PasserelleError } from '../errors.ts';
import type { Store, UserRecord } from '../store/store.ts';
import { ChannelRouter } from '../channels/channel-router.ts';
import { repPartyOf, type CustomerSink, type LiveSession, type RepSink } from './live-session.ts';
import type { JoinPlan } from './portal.ts';
import type { PresenceService } from './presence.ts';
import { RepQueues } from './rep-queues.ts';
import { SessionCustomers, type CustomerAction, type CustomerHello, type CustomerSideOptions } from './session-customers.ts';
import { SessionLifecycle } from './session-lifecycle.ts';
import { SessionLog, eventOf } from './session-log.ts';
import type { SessionCoreParts } from './session-rep-actions.ts';
import { SessionRegistry } from './session-registry.ts';
import { safeEqual } from './secrets.ts';

export interface SessionsOptions extends CustomerSideOptions {
  presence: PresenceService;
}

export class SessionsService {
  readonly channels = new ChannelRouter();
  /** The core's parts, for the rep's actions (services/index.ts puts them on it). */
  readonly parts: SessionCoreParts;
  private readonly registry: SessionRegistry;
  private readonly reps: RepQueues;
  private readonly lifecycle: SessionLifecycle;
  private readonly customers: SessionCustomers;
  private readonly store: Store;

  constructor(o: SessionsOptions) {
    this.store = o.store;
    this.registry = new SessionRegistry(o.clock, o.resumeGraceMs);
    // The queues only say a rep's console is gone for good; the lifecycle, above them, acts on it.
    this.reps = new RepQueues(this.registry, o.log, (s, userId, what) =>
      what === 'leave' ? this.lifecycle.leaveLocked(s, userId, 'rep_connection_lost') : this.lifecycle.requeueLocked(s, 'rep_unavailable'),
    );
    const eventLog = new SessionLog(o.store, o.clock, (userId, msg) => this.reps.toRep(userId, msg));
    this.lifecycle = new SessionLifecycle(this.registry, eventLog, this.channels, this.reps, o.store, o.log, o.recordings);
    this.customers = new SessionCustomers(this.registry, this.lifecycle, this.reps, o);
    this.parts = { registry: this.registry, lifecycle: this.lifecycle, queues: this.reps };
    o.presence.useSessionCounts({ supportSessions: (userId) => this.registry.runningFor(userId) });
  }

  /** Running support sessions a rep takes part in (STA-6). */
  runningFor(userId: number): number {
    return this.registry.runningFor(userId);
  }

  get(lsid: string): LiveSession | undefined {
    return this.registry.get(lsid);
  }

  /**
   * A session's whole event log, for its participants and for those who may view reports (an
   * administrator included); anyone else is refused.
   */
  async eventLog(user: UserRecord, lsid: string): Promise<{ lsid: string; sequenceNumber: number; events: SessionEvent[] }> {
    const record = await this.store.getSupportSession(lsid);
    if (!record) throw new PasserelleError('session_not_found', 'No such session');
    const live = this.registry.get(record.lsid);
    const allowed = user.permissions.administrator || user.permissions.viewReports || live?.participants.has(user.id);
    if (!allowed) throw new PasserelleError('forbidden', 'Only session participants and users who may view reports can read this log');
    const events = (await this.store.listSessionEvents(record.lsid)).map(eventOf);
    return { lsid: record.lsid, sequenceNumber: record.seq, events };
  }

  /** Whether `resumeToken` resumes the running session `lsid` (the customer's proof of who they are). */
  canResume(lsid: string, resumeToken: string): boolean {
    const s = this.registry.get(lsid);
    return s !== undefined && !s.ended && safeEqual(s.resumeToken, resumeToken);
  }

  /** Sessions a crash left open are ended, with the reason in their log. */
  recoverAfterRestart(): Promise<void> {
    return this.lifecycle.recoverAfterRestart();
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

  // ---- binary frames on live channels ----

  /** From the customer … */
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
    this.registry.stop();
    this.reps.stopWaiting();
    await this.lifecycle.endAll('broker_shutdown');
  }
}
