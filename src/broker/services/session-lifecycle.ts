// How a running support session changes for everyone in it: its events are written and delivered,
// its record updated, and it ends, loses a rep or goes back to the general queue. It sits on the
// registry, the event log and the channel router, and tells reps through a publisher (the queues)
// it does not know; the customer's side and the rep's actions are built on it.
import type { Logger } from 'pino';
import { ChannelCloseReason } from '../../protocol/channels.ts';
import { CustomerClose, type SessionEvent, type SessionEventBody } from '../../protocol/sessions.ts';
import type { RepServerMessage } from '../../protocol/site.ts';
import type { ChannelRouter } from '../channels/channel-router.ts';
import type { Store, UserRecord } from '../store/store.ts';
import { LiveSession } from './live-session.ts';
import type { SessionRegistry } from './session-registry.ts';
import { SYSTEM, type Participant, type SessionLog } from './session-log.ts';

/** Tells reps' consoles about a session (rep-queues.ts implements it). */
export interface SessionPublisher {
  /** How the session now looks in each rep's queue, or that it left it. */
  publish(s: LiveSession, isNew?: boolean): void;
  toRep(userId: number, msg: RepServerMessage): void;
}

/** REP-5: where recorded sessions' events and ends go (src/broker/recordings). */
export interface SessionRecordingHooks {
  start(s: LiveSession): Promise<boolean>;
  event(lsid: string, actor: Participant, body: SessionEventBody): void;
  finish(lsid: string, reason: string): Promise<void>;
}

export class SessionLifecycle {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly eventLog: SessionLog,
    readonly channels: ChannelRouter,
    private readonly publisher: SessionPublisher,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly recordings?: SessionRecordingHooks,
  ) {}

  now(): string {
    return this.registry.now();
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
    if (s.recorded) this.recordings?.event(s.lsid, actor, body);
    return event;
  }

  updateRecord(s: LiveSession, patch: Parameters<Store['updateSupportSession']>[1]): Promise<void> {
    return this.eventLog.updateRecord(s, patch);
  }

  publish(s: LiveSession, isNew = false): void {
    this.publisher.publish(s, isNew);
  }

  toRep(userId: number, msg: RepServerMessage): void {
    this.publisher.toRep(userId, msg);
  }

  /** Ends the session (inside `s.run`): logs the reason, tells everyone, closes the customer. */
  async endLocked(s: LiveSession, reason: string, actor: Participant, cid?: number): Promise<SessionEvent> {
    const event = await this.append(s, actor, { kind: 'session_ended', reason }, cid);
    this.channels.endSession(s, ChannelCloseReason.ended);
    if (s.recorded) await this.recordings?.finish(s.lsid, reason).catch((err: unknown) => this.log.error({ err, lsid: s.lsid }, 'closing the recording failed'));
    await this.eventLog.endRecord(s, reason, !this.registry.has(s.lsid));
    this.publish(s);
    if (s.customerLost) clearTimeout(s.customerLost);
    const customer = s.customer;
    s.customer = null;
    if (customer && actor.kind !== 'customer') customer.close(CustomerClose.ended, reason.slice(0, 100));
    this.registry.remove(s.lsid);
    this.log.info({ lsid: s.lsid, reason }, 'support session ended');
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

  /** Sessions a crash left open are ended, with the reason in their log. */
  async recoverAfterRestart(): Promise<void> {
    for (const rec of await this.store.listSupportSessionsInState(['waiting', 'active'])) {
      const events = await this.store.listSessionEvents(rec.lsid);
      const s = new LiveSession(rec, '');
      s.lastSeq = events.at(-1)?.seq ?? 0;
      await this.eventLog.endRecord(s, 'broker_restart', !this.registry.has(s.lsid));
    }
  }

  /** Broker shutdown: every running session ends with that reason in its log. */
  async endAll(reason: string): Promise<void> {
    for (const s of this.registry.all()) {
      await s.run(() => this.endLocked(s, reason, SYSTEM)).catch((err: unknown) => this.log.error({ err }, 'ending a session at shutdown failed'));
    }
  }
}
