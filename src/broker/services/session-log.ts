// A support session's event log and its store record. Every event is written to the store before
// any participant sees it or is acknowledged for it; then it goes to the customer and the reps in it.
import { customerSees, type Actor, type SessionEvent, type SessionEventBody } from '../../protocol/sessions.ts';
import type { RepServerMessage } from '../../protocol/site.ts';
import type { SessionEventRecord } from '../store/sessions-store.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import type { LiveSession } from './live-session.ts';

export type Participant = { kind: 'customer' | 'rep' | 'system'; userId?: number; name: string; ip: string };

export const SYSTEM: Participant = { kind: 'system', name: 'Passerelle', ip: '' };

export function eventOf(r: SessionEventRecord): SessionEvent {
  const actor: Actor = { kind: r.actorKind, name: r.actorName, ...(r.actorUserId !== null ? { userId: r.actorUserId } : {}) };
  return { seq: r.seq, at: r.at, actor, body: JSON.parse(r.body) as SessionEventBody };
}

export class SessionLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Reaches every console a rep has open (rep-queues.ts). */
    private readonly toRep: (userId: number, msg: RepServerMessage) => void,
  ) {}

  /** Writes the event, then delivers it to the customer and every rep in the session. */
  async append(s: LiveSession, actor: Participant, body: SessionEventBody, cid?: number): Promise<SessionEvent> {
    const record: SessionEventRecord = {
      lsid: s.lsid,
      seq: s.lastSeq + 1,
      at: this.clock.now().toISOString(),
      kind: body.kind,
      actorKind: actor.kind,
      actorUserId: actor.userId ?? null,
      actorName: actor.name,
      actorIp: actor.ip,
      senderCid: cid ?? null,
      body: JSON.stringify(body),
    };
    await this.store.appendSessionEvent(record);
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

  async updateRecord(s: LiveSession, patch: Parameters<Store['updateSupportSession']>[1]): Promise<void> {
    await this.store.updateSupportSession(s.lsid, patch);
    s.record = { ...s.record, ...patch };
  }

  /**
   * Marks the record ended, once. `withEvent`: the session is no longer running (left open by a
   * crash), so nobody else wrote its session_ended event.
   */
  async endRecord(s: LiveSession, reason: string, withEvent: boolean): Promise<void> {
    if (s.record.state !== 'ended' && !s.ended) {
      if (withEvent) await this.append(s, SYSTEM, { kind: 'session_ended', reason });
      const endedAt = this.clock.now().toISOString();
      await this.store.updateSupportSession(s.lsid, { state: 'ended', endedAt, endReason: reason });
      s.record = { ...s.record, state: 'ended', endedAt, endReason: reason };
    }
    s.ended = true;
  }
}
