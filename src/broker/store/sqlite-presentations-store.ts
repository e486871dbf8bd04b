// SQLite statements of the presentations store (see presentations-store.ts).
import type Database from 'better-sqlite3';
import type { PresentationEventKind } from '../../protocol/presentations.ts';
import type { PresentationEventRecord, PresentationRecord, PresentationsStore } from './presentations-store.ts';

interface Row {
  id: string;
  name: string;
  presenter_user_id: number;
  presenter_name: string;
  listed: number;
  public_ip: string;
  private_ip: string;
  banner: string | null;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

interface EventRow {
  presentation_id: string;
  seq: number;
  at: string;
  kind: string;
  actor_kind: string;
  actor_name: string;
  attendee_id: string | null;
  address: string | null;
  text: string | null;
  reason: string | null;
}

const toRecord = (r: Row): PresentationRecord => ({
  id: r.id,
  name: r.name,
  presenterUserId: r.presenter_user_id,
  presenterName: r.presenter_name,
  listed: r.listed === 1,
  publicIp: r.public_ip,
  privateIp: r.private_ip,
  banner: r.banner,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
});

export function sqlitePresentationsStore(db: Database.Database): PresentationsStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO presentations (id, name, presenter_user_id, presenter_name, listed, public_ip, private_ip, banner, started_at, ended_at, end_reason)
       VALUES (@id, @name, @presenterUserId, @presenterName, @listed, @publicIp, @privateIp, @banner, @startedAt, NULL, NULL)`,
    ),
    end: db.prepare<[string, string, string]>('UPDATE presentations SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL'),
    get: db.prepare<[string], Row>('SELECT * FROM presentations WHERE id = ?'),
    running: db.prepare<[], Row>('SELECT * FROM presentations WHERE ended_at IS NULL'),
    insertEvent: db.prepare(
      `INSERT INTO presentation_events (presentation_id, seq, at, kind, actor_kind, actor_name, attendee_id, address, text, reason)
       VALUES (@presentationId, @seq, @at, @kind, @actorKind, @actorName, @attendeeId, @address, @text, @reason)`,
    ),
    events: db.prepare<[string], EventRow>('SELECT * FROM presentation_events WHERE presentation_id = ? ORDER BY seq'),
  };
  return {
    async insertPresentation(p) {
      q.insert.run({ ...p, listed: p.listed ? 1 : 0 });
    },
    async endPresentation(id, endedAt, reason) {
      q.end.run(endedAt, reason, id);
    },
    async getPresentation(id) {
      const r = q.get.get(id);
      return r && toRecord(r);
    },
    async listPresentations(filter, limit, offset) {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit, offset };
      if (filter.startedFrom) {
        where.push('p.started_at >= @from');
        params.from = filter.startedFrom;
      }
      if (filter.startedBefore) {
        where.push('p.started_at < @before');
        params.before = filter.startedBefore;
      }
      const rows = db
        .prepare<Record<string, unknown>, Row & { attendee_count: number }>(
          `SELECT p.*, (SELECT COUNT(DISTINCT e.attendee_id) FROM presentation_events e WHERE e.presentation_id = p.id AND e.kind = 'joined') AS attendee_count
           FROM presentations p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY p.started_at DESC, p.id LIMIT @limit OFFSET @offset`,
        )
        .all(params);
      return rows.map((r) => ({ ...toRecord(r), attendeeCount: r.attendee_count }));
    },
    async listRunningPresentations() {
      return q.running.all().map(toRecord);
    },
    async insertPresentationEvent(e) {
      q.insertEvent.run(e);
    },
    async listPresentationEvents(id) {
      return q.events.all(id).map(
        (r): PresentationEventRecord => ({
          presentationId: r.presentation_id,
          seq: r.seq,
          at: r.at,
          kind: r.kind as PresentationEventKind,
          actorKind: r.actor_kind as PresentationEventRecord['actorKind'],
          actorName: r.actor_name,
          attendeeId: r.attendee_id,
          address: r.address,
          text: r.text,
          reason: r.reason,
        }),
      );
    },
  };
}
