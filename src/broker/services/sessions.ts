// Support sessions (POR-1/3/4/5, CON-2, CON-3, USR-13): starting them, the personal and general
// queues, the event log every participant reads, consent, and surviving dropped connections.
// Every event is written to the store before any participant sees or is acknowledged for it.
import type { Logger } from 'pino';
import {
  CustomerClose,
  MIN_SESSION_PROTOCOL_VERSION,
  SESSION_PROTOCOL_VERSION,
  customerSees,
  type Actor,
  type CustomerClientMessage,
  type JoinRequest,
  type SessionEvent,
  type SessionEventBody,
  type SessionPermission,
} from '../../protocol/sessions.ts';
import type { RepServerMessage } from '../../protocol/site.ts';
import type { Permissions } from '../../protocol/users.ts';
import { PasserelleError } from '../errors.ts';
import type { SessionEventRecord } from '../store/sessions-store.ts';
import type { Store, UserRecord } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import { BulkChannels } from './bulk-channels.ts';
import { LiveSession, type CustomerSink, type RepSink } from './live-session.ts';
import type { JoinPlan, PortalService } from './portal.ts';
import type { PresenceService } from './presence.ts';
import { newToken, safeEqual } from './secrets.ts';
import type { SessionKeysService } from './session-keys.ts';

type CustomerHello = Extract<CustomerClientMessage, { type: 'hello' }>;
type CustomerAction = Exclude<CustomerClientMessage, { type: 'hello' | 'ping' }>;
type Participant = { kind: 'customer' | 'rep' | 'system'; userId?: number; name: string; ip: string };

/** Which user permission a rep needs to ask the customer for each session permission (USR-11, USR-12). */
export const requiredUserPermission: Record<SessionPermission, keyof Permissions> = {
  screen_view: 'screenSharing',
  screen_control: 'screenSharing',
  annotations: 'annotations',
  file_transfer: 'fileTransfer',
  shell: 'screenSharing',
  elevation: 'elevation',
};

const SYSTEM: Participant = { kind: 'system', name: 'Passerelle', ip: '' };

export function eventOf(r: SessionEventRecord): SessionEvent {
  const actor: Actor = { kind: r.actorKind, name: r.actorName, ...(r.actorUserId !== null ? { userId: r.actorUserId } : {}) };
  return { seq: r.seq, at: r.at, actor, body: JSON.parse(r.body) as SessionEventBody };
}

export interface SessionsOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  keys: SessionKeysService;
  portal: PortalService;
  presence: PresenceService;
  /** How long a dropped customer or rep may take to come back (default 60 s). */
  resumeGraceMs: number;
  /** New sessions one address may start per minute (anonymous starts cost store rows). */
  startsPerMinute: number;
}

export class SessionsService {
  private readonly live = new Map<string, LiveSession>();
  readonly channels = new BulkChannels();
  private readonly reps = new Map<number, Set<RepSink>>();
  private readonly repLost = new Map<number, NodeJS.Timeout>();
  private readonly resumeLimiter: AttemptLimiter;
  private readonly startLimiter: AttemptLimiter;
  private shuttingDown = false;

  constructor(private readonly o: SessionsOptions) {
    this.resumeLimiter = new AttemptLimiter(o.clock, 10, 60_000);
    this.startLimiter = new AttemptLimiter(o.clock, o.startsPerMinute, 60_000);
    o.presence.useSessionCounts({ supportSessions: (userId) => this.runningFor(userId), presentations: () => 0 });
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
      await this.endRecord(s, 'broker_restart');
    }
  }

  // ---- starting a session ----

  /** Decides where a new session goes; consumes a session key. Enforces the portal's switches. */
  async planJoin(join: Extract<JoinRequest, { kind: 'key' | 'rep' | 'connect' }>, address: string): Promise<JoinPlan> {
    const lsid = newToken(12);
    const settings = await this.o.portal.settings();
    if (join.kind === 'key') {
      const keyUserId = await this.o.keys.redeem(join.key, address, lsid);
      return { lsid, method: 'session_key', queue: { kind: 'general' }, keyUserId };
    }
    if (join.kind === 'rep') {
      if (!settings.showRepList) throw new PasserelleError('forbidden', 'Starting a session with a chosen rep is turned off on this site');
      const user = /^\d+$/.test(join.rep) ? await this.o.store.getUserById(Number(join.rep)) : await this.o.store.getUserByUsername(join.rep);
      if (!user || user.disabled || !this.reps.has(user.id)) throw new PasserelleError('not_found', 'That representative is not available now');
      return { lsid, method: 'rep_list', queue: { kind: 'personal', userId: user.id }, keyUserId: null };
    }
    if (!settings.showConnectButton) throw new PasserelleError('forbidden', 'The Connect button is turned off on this site');
    // POR-4: the logged-in rep with the fewest running sessions; nobody logged in → the general queue.
    const candidates = [...this.reps.keys()].sort((a, b) => this.runningFor(a) - this.runningFor(b) || a - b);
    const chosen = candidates[0];
    return { lsid, method: 'connect', queue: chosen === undefined ? { kind: 'general' } : { kind: 'personal', userId: chosen }, keyUserId: null };
  }

  /** A customer's first message: start, join by ticket, or resume. Returns the session it joined. */
  async customerHello(hello: CustomerHello, sink: CustomerSink): Promise<LiveSession> {
    if (hello.protocol < MIN_SESSION_PROTOCOL_VERSION || hello.protocol > SESSION_PROTOCOL_VERSION) {
      throw new PasserelleError(
        'protocol_version',
        `This customer client speaks protocol ${hello.protocol}; the site needs ${SESSION_PROTOCOL_VERSION}. Download the client again from the support portal.`,
        { supported: [MIN_SESSION_PROTOCOL_VERSION, SESSION_PROTOCOL_VERSION] },
      );
    }
    if (this.shuttingDown) throw new PasserelleError('session_state', 'The site is restarting; try again in a moment');
    const join = hello.join;
    if (join.kind === 'resume') return this.resume(join, hello, sink);
    if (this.startLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many sessions started from this address; wait a minute');
    this.startLimiter.fail(sink.address);
    let plan: JoinPlan;
    let name = hello.customer.name;
    if (join.kind === 'ticket') {
      const ticket = this.o.portal.redeemTicket(join.ticket);
      if (!ticket) throw new PasserelleError('invalid_session_key', 'This link has expired or was already used; start again from the support portal');
      plan = ticket.plan;
      // What the customer typed on the portal beats the computer's account name.
      if (ticket.customerName) name = ticket.customerName;
    } else {
      plan = await this.planJoin(join, sink.address);
    }
    // The chosen rep left the console since the portal start: any rep may take the session.
    if (plan.queue.kind === 'personal' && !this.reps.has(plan.queue.userId)) plan = { ...plan, queue: { kind: 'general' } };
    const c = hello.customer;
    const record = await this.o.store.insertSupportSession({
      lsid: plan.lsid,
      method: plan.method,
      queueKind: plan.queue.kind,
      queueUserId: plan.queue.kind === 'personal' ? plan.queue.userId : null,
      keyUserId: plan.keyUserId,
      state: 'waiting',
      ownerUserId: null,
      clientKind: hello.client,
      customerName: name ?? c.userName ?? 'Customer',
      computerName: c.computerName ?? '',
      os: c.os ?? '',
      privateIp: c.privateIp ?? '',
      publicIp: sink.address,
      userName: c.userName ?? '',
      createdAt: this.o.clock.now().toISOString(),
    });
    const s = new LiveSession(record, newToken(24));
    this.live.set(s.lsid, s);
    s.customer = sink;
    await s.run(async () => {
      await this.welcome(s, sink, false);
      await this.append(s, this.customerActor(s), { kind: 'session_started', method: plan.method, queue: plan.queue, clientKind: hello.client });
      this.publish(s, true);
    });
    this.o.log.info({ lsid: s.lsid, seq: record.seq, method: plan.method, queue: plan.queue.kind }, 'support session started');
    return s;
  }

  private async resume(join: Extract<JoinRequest, { kind: 'resume' }>, hello: CustomerHello, sink: CustomerSink): Promise<LiveSession> {
    if (this.resumeLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many attempts; wait a minute and try again');
    const s = this.live.get(join.lsid);
    if (!s || s.ended || !safeEqual(s.resumeToken, join.resumeToken)) {
      this.resumeLimiter.fail(sink.address);
      throw new PasserelleError('resume_expired', 'This session has ended or can no longer be resumed');
    }
    if (join.lastSeq > s.lastSeq) throw new PasserelleError('out_of_order', `Event ${join.lastSeq} was never sent; the last is ${s.lastSeq}`);
    await s.run(async () => {
      if (s.ended) throw new PasserelleError('resume_expired', 'This session has ended');
      const previous = s.customer;
      if (s.customerLost) clearTimeout(s.customerLost);
      s.customerLost = null;
      s.customer = sink;
      previous?.close(CustomerClose.superseded, 'resumed elsewhere');
      await this.welcome(s, sink, true);
      // Everything the customer missed, from the store, then live events follow in order.
      for (const r of await this.o.store.listSessionEvents(s.lsid, join.lastSeq)) {
        const event = eventOf(r);
        if (customerSees(event.body)) sink.send({ type: 'event', lsid: s.lsid, event });
      }
      if (hello.client !== s.record.clientKind) {
        await this.o.store.updateSupportSession(s.lsid, { clientKind: hello.client });
        s.record = { ...s.record, clientKind: hello.client };
        await this.append(s, this.customerActor(s), { kind: 'client_changed', clientKind: hello.client });
      } else if (!previous) {
        await this.append(s, this.customerActor(s), { kind: 'customer_reconnected' });
      }
      this.publish(s);
    });
    this.o.log.info({ lsid: s.lsid, lastSeq: join.lastSeq }, 'customer resumed session');
    return s;
  }

  private async welcome(s: LiveSession, sink: CustomerSink, resumed: boolean): Promise<void> {
    const autoApproveAllowed = (await this.o.portal.settings()).allowCustomerAutoApprove;
    sink.send({
      type: 'welcome',
      protocol: SESSION_PROTOCOL_VERSION,
      lsid: s.lsid,
      sequenceNumber: s.record.seq,
      resumeToken: s.resumeToken,
      resumeWithinSeconds: this.resumeWithinSeconds,
      autoApproveAllowed,
      lastCid: s.customerCids.last,
      resumed,
    });
  }

  // ---- the customer's messages ----

  async customerMessage(s: LiveSession, sink: CustomerSink, msg: CustomerAction): Promise<void> {
    if (msg.type === 'typing') {
      for (const uid of s.participants.keys()) this.toRep(uid, { type: 'session.typing', lsid: s.lsid, name: s.record.customerName, typing: msg.typing });
      return;
    }
    await s.run(async () => {
      if (s.customer !== sink) throw new PasserelleError('session_state', 'This connection was replaced by a newer one');
      if (s.ended) throw new PasserelleError('session_state', 'The session has ended');
      const duplicate = s.customerCids.check(msg.cid);
      if (duplicate !== null) {
        sink.send({ type: 'ack', cid: msg.cid, seq: duplicate, duplicate: true });
        return;
      }
      const actor = this.customerActor(s);
      let event: SessionEvent;
      if (msg.type === 'chat') {
        event = await this.append(s, actor, { kind: 'chat', text: msg.text }, msg.cid);
      } else if (msg.type === 'consent') {
        const pending = s.pending.get(msg.requestId);
        if (!pending) throw new PasserelleError('out_of_order', 'There is no open request with that id');
        if (msg.auto && !(await this.o.portal.settings()).allowCustomerAutoApprove) throw new PasserelleError('forbidden', 'This site does not let the customer client approve requests by itself');
        s.pending.delete(msg.requestId);
        if (msg.granted) s.grants.add(pending.permission);
        event = await this.append(
          s,
          actor,
          msg.granted
            ? { kind: 'permission_granted', requestId: msg.requestId, permission: pending.permission, by: 'customer' }
            : { kind: 'permission_denied', requestId: msg.requestId, permission: pending.permission },
          msg.cid,
        );
      } else if (msg.type === 'revoke') {
        if (!s.grants.has(msg.permission)) throw new PasserelleError('out_of_order', `"${msg.permission}" was not granted`);
        s.grants.delete(msg.permission);
        this.channels.close(s, (ch) => ch.permission === msg.permission, 'revoked');
        event = await this.append(s, actor, { kind: 'permission_revoked', permission: msg.permission }, msg.cid);
      } else {
        event = await this.endLocked(s, 'ended_by_customer', actor, msg.cid);
      }
      sink.send({ type: 'ack', cid: msg.cid, seq: event.seq });
      if (msg.type !== 'chat') this.publish(s);
      if (s.ended) sink.close(CustomerClose.ended, 'session ended');
    });
  }

  customerDisconnected(s: LiveSession, sink: CustomerSink): void {
    if (this.shuttingDown) return;
    void s.run(async () => {
      if (s.customer !== sink || s.ended) return;
      s.customer = null;
      await this.append(s, this.customerActor(s), { kind: 'customer_disconnected' });
      this.publish(s);
      s.customerLost = setTimeout(() => {
        void s.run(async () => {
          if (s.customer || s.ended) return;
          await this.endLocked(s, 'customer_connection_lost', SYSTEM);
        }).catch((err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'ending a lost session failed'));
      }, this.o.resumeGraceMs);
      s.customerLost.unref();
    }).catch((err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'recording a customer disconnect failed'));
  }

  // ---- reps ----

  repConnected(sink: RepSink): void {
    let set = this.reps.get(sink.userId);
    if (!set) this.reps.set(sink.userId, (set = new Set()));
    set.add(sink);
    const lost = this.repLost.get(sink.userId);
    if (lost) clearTimeout(lost);
    this.repLost.delete(sink.userId);
    sink.send({ type: 'queue.snapshot', sessions: this.queueFor(sink.userId) });
    for (const s of this.live.values()) if (s.visibleToRep(sink.userId)) s.visibleTo.add(sink.userId);
  }

  repDisconnected(sink: RepSink): void {
    const set = this.reps.get(sink.userId);
    set?.delete(sink);
    if (!set || set.size > 0 || this.shuttingDown) return;
    this.reps.delete(sink.userId);
    const waitingForRep = (s: LiveSession) => s.record.state === 'waiting' && s.record.queueUserId === sink.userId;
    if (this.runningFor(sink.userId) === 0 && ![...this.live.values()].some(waitingForRep)) return;
    // The rep's sessions wait for the console to come back; after the grace period the rep leaves
    // them, and customers waiting in the rep's personal queue move to the general queue.
    const timer = setTimeout(() => {
      this.repLost.delete(sink.userId);
      if (this.reps.has(sink.userId)) return;
      for (const s of [...this.live.values()]) {
        const fail = (err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'handling a lost rep failed');
        if (s.participants.has(sink.userId)) void s.run(() => this.leaveLocked(s, sink.userId, 'rep_connection_lost')).catch(fail);
        else if (waitingForRep(s)) void s.run(() => this.requeueLocked(s, 'rep_unavailable')).catch(fail);
      }
    }, this.o.resumeGraceMs);
    timer.unref();
    this.repLost.set(sink.userId, timer);
  }

  isRepOnline(userId: number): boolean {
    return this.reps.has(userId);
  }

  queueFor(userId: number) {
    return [...this.live.values()].filter((s) => s.visibleToRep(userId)).map((s) => s.summary());
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
    const record: SessionEventRecord = {
      lsid: s.lsid,
      seq: s.lastSeq + 1,
      at: this.o.clock.now().toISOString(),
      kind: body.kind,
      actorKind: actor.kind,
      actorUserId: actor.userId ?? null,
      actorName: actor.name,
      actorIp: actor.ip,
      senderCid: cid ?? null,
      body: JSON.stringify(body),
    };
    await this.o.store.appendSessionEvent(record);
    s.lastSeq = record.seq;
    if (cid !== undefined) {
      if (actor.kind === 'customer') s.customerCids.record(cid, record.seq);
      else if (actor.userId !== undefined) s.repCidTracker(actor.userId).record(cid, record.seq);
    }
    const event = eventOf(record);
    if (customerSees(body)) s.customer?.send({ type: 'event', lsid: s.lsid, event });
    for (const uid of s.participants.keys()) this.toRep(uid, { type: 'session.event', lsid: s.lsid, event });
    return event;
  }

  /** Tells every connected rep how the session now looks in their queue, or that it left it. */
  publish(s: LiveSession, isNew = false): void {
    const summary = s.summary();
    const now = new Set<number>();
    for (const uid of this.reps.keys()) {
      if (s.visibleToRep(uid)) {
        now.add(uid);
        this.toRep(uid, { type: 'session.updated', session: summary, isNew: isNew || !s.visibleTo.has(uid) });
      } else if (s.visibleTo.has(uid)) {
        this.toRep(uid, { type: 'session.removed', lsid: s.lsid, reason: s.ended ? (s.record.endReason ?? 'ended') : 'moved' });
      }
    }
    s.visibleTo = now;
  }

  toRep(userId: number, msg: RepServerMessage): void {
    for (const sink of this.reps.get(userId) ?? []) sink.send(msg);
  }

  /** Ends the session (inside `s.run`): logs the reason, tells everyone, closes the customer. */
  async endLocked(s: LiveSession, reason: string, actor: Participant, cid?: number): Promise<SessionEvent> {
    const event = await this.append(s, actor, { kind: 'session_ended', reason }, cid);
    this.channels.close(s, () => true, 'ended');
    await this.endRecord(s, reason);
    this.publish(s);
    if (s.customerLost) clearTimeout(s.customerLost);
    const customer = s.customer;
    s.customer = null;
    if (customer && actor.kind !== 'customer') customer.close(CustomerClose.ended, reason.slice(0, 100));
    this.live.delete(s.lsid);
    this.o.log.info({ lsid: s.lsid, reason }, 'support session ended');
    return event;
  }

  private async endRecord(s: LiveSession, reason: string): Promise<void> {
    if (s.record.state !== 'ended' && !s.ended) {
      if (!this.live.has(s.lsid)) await this.append(s, SYSTEM, { kind: 'session_ended', reason });
      const endedAt = this.o.clock.now().toISOString();
      await this.o.store.updateSupportSession(s.lsid, { state: 'ended', endedAt, endReason: reason });
      s.record = { ...s.record, state: 'ended', endedAt, endReason: reason };
    }
    s.ended = true;
  }

  /** A rep leaves (inside `s.run`): the next rep takes over, or the session goes back to the general queue. */
  async leaveLocked(s: LiveSession, userId: number, reason: string): Promise<SessionEvent | undefined> {
    if (s.ended || !s.participants.has(userId)) return undefined;
    const name = s.participants.get(userId) ?? '';
    const actor: Participant = { kind: reason === 'left' ? 'rep' : 'system', userId, name, ip: '' };
    const event = await this.append(s, actor, { kind: 'rep_left', userId, name });
    s.participants.delete(userId);
    this.channels.close(s, (ch) => ch.userId === userId, 'rep_left');
    if (s.record.ownerUserId === userId) {
      const next = s.participants.keys().next();
      if (!next.done) {
        await this.updateRecord(s, { ownerUserId: next.value });
      } else if (reason === 'rep_connection_lost') {
        await this.endLocked(s, 'rep_connection_lost', SYSTEM);
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

  async updateRecord(s: LiveSession, patch: Parameters<Store['updateSupportSession']>[1]): Promise<void> {
    await this.o.store.updateSupportSession(s.lsid, patch);
    s.record = { ...s.record, ...patch };
  }

  /** Binary frames: the customer's DATA to the rep who opened the channel … */
  customerFrame(s: LiveSession, bytes: Uint8Array): void {
    this.channels.fromCustomer(s, bytes, (userId, frame) => {
      for (const sink of this.reps.get(userId) ?? []) sink.sendBinary(frame);
    });
  }

  /** … and the rep's CREDIT back to the customer. */
  repFrame(sink: RepSink, bytes: Uint8Array): void {
    const { session, frame } = this.channels.fromRep(sink.userId, bytes);
    session.customer?.sendBinary(frame);
  }

  /** Broker shutdown: every running session ends with that reason in its log. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const t of this.repLost.values()) clearTimeout(t);
    for (const s of [...this.live.values()]) {
      await s.run(() => this.endLocked(s, 'broker_shutdown', SYSTEM)).catch((err: unknown) => this.o.log.error({ err }, 'ending a session at shutdown failed'));
    }
  }
}
