// SQLite statements of the sessions store (see sessions-store.ts), composed into the SQLite store.
import type Database from 'better-sqlite3';
import type { SessionEventRecord, SessionsStore, SupportSessionPatch, SupportSessionRecord } from './sessions-store.ts';

interface SessionRow {
  seq: number;
  lsid: string;
  method: string;
  queue_kind: string;
  queue_user_id: number | null;
  key_user_id: number | null;
  state: string;
  owner_user_id: number | null;
  client_kind: string;
  customer_name: string;
  computer_name: string;
  os: string;
  private_ip: string;
  public_ip: string;
  user_name: string;
  created_at: string;
  accepted_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  chat_banner: string | null;
}

interface EventRow {
  lsid: string;
  seq: number;
  at: string;
  kind: string;
  actor_kind: string;
  actor_user_id: number | null;
  actor_name: string;
  actor_ip: string;
  sender_cid: number | null;
  body: string;
}

const patchColumns: Record<keyof SupportSessionPatch, string> = {
  state: 'state',
  ownerUserId: 'owner_user_id',
  acceptedAt: 'accepted_at',
  endedAt: 'ended_at',
  endReason: 'end_reason',
  clientKind: 'client_kind',
  queueKind: 'queue_kind',
  queueUserId: 'queue_user_id',
};

function toSession(r: SessionRow): SupportSessionRecord {
  return {
    seq: r.seq,
    lsid: r.lsid,
    method: r.method as SupportSessionRecord['method'],
    queueKind: r.queue_kind as SupportSessionRecord['queueKind'],
    queueUserId: r.queue_user_id,
    keyUserId: r.key_user_id,
    state: r.state as SupportSessionRecord['state'],
    ownerUserId: r.owner_user_id,
    clientKind: r.client_kind as SupportSessionRecord['clientKind'],
    customerName: r.customer_name,
    computerName: r.computer_name,
    os: r.os,
    privateIp: r.private_ip,
    publicIp: r.public_ip,
    userName: r.user_name,
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    chatBanner: r.chat_banner,
  };
}

function toEvent(r: EventRow): SessionEventRecord {
  return {
    lsid: r.lsid,
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    actorKind: r.actor_kind as SessionEventRecord['actorKind'],
    actorUserId: r.actor_user_id,
    actorName: r.actor_name,
    actorIp: r.actor_ip,
    senderCid: r.sender_cid,
    body: r.body,
  };
}

export function sqliteSessionsStore(db: Database.Database): SessionsStore {
  const q = {
    insertKey: db.prepare('INSERT INTO session_keys (key_hash, user_id, created_at, expires_at) VALUES (@keyHash, @userId, @createdAt, @expiresAt)'),
    consumeKey: db.prepare<[string, string, string, string], { user_id: number }>(
      'UPDATE session_keys SET used_at = ?, lsid = ? WHERE key_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id',
    ),
    keyByHash: db.prepare<[string], { used_at: string | null; expires_at: string }>('SELECT used_at, expires_at FROM session_keys WHERE key_hash = ?'),
    deleteOldKeys: db.prepare<[string]>('DELETE FROM session_keys WHERE expires_at < ?'),
    insertSession: db.prepare(
      `INSERT INTO support_sessions (lsid, method, queue_kind, queue_user_id, key_user_id, state, owner_user_id, client_kind,
        customer_name, computer_name, os, private_ip, public_ip, user_name, created_at, chat_banner)
       VALUES (@lsid, @method, @queueKind, @queueUserId, @keyUserId, @state, @ownerUserId, @clientKind,
        @customerName, @computerName, @os, @privateIp, @publicIp, @userName, @createdAt, @chatBanner)`,
    ),
    sessionByLsid: db.prepare<[string], SessionRow>('SELECT * FROM support_sessions WHERE lsid = ?'),
    sessionBySeq: db.prepare<[number], SessionRow>('SELECT * FROM support_sessions WHERE seq = ?'),
    insertEvent: db.prepare(
      `INSERT INTO session_events (lsid, seq, at, kind, actor_kind, actor_user_id, actor_name, actor_ip, sender_cid, body)
       VALUES (@lsid, @seq, @at, @kind, @actorKind, @actorUserId, @actorName, @actorIp, @senderCid, @body)`,
    ),
    events: db.prepare<[string, number], EventRow>('SELECT * FROM session_events WHERE lsid = ? AND seq > ? ORDER BY seq'),
  };

  return {
    async insertSessionKey(k) {
      q.insertKey.run(k);
    },
    async consumeSessionKey(keyHash, now, lsid) {
      // One statement checks and marks the key: of two racing customers only one wins.
      const row = q.consumeKey.get(now, lsid, keyHash, now);
      if (row) return { ok: true, userId: row.user_id };
      const k = q.keyByHash.get(keyHash);
      if (!k) return { ok: false, reason: 'unknown' };
      return { ok: false, reason: k.used_at ? 'used' : 'expired' };
    },
    async deleteExpiredSessionKeys(before) {
      return q.deleteOldKeys.run(before).changes;
    },
    async insertSupportSession(s) {
      q.insertSession.run(s);
      return toSession(q.sessionByLsid.get(s.lsid)!);
    },
    async updateSupportSession(lsid, patch) {
      const keys = (Object.keys(patch) as (keyof SupportSessionPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${patchColumns[k]} = @${k}`).join(', ');
      db.prepare(`UPDATE support_sessions SET ${sets} WHERE lsid = @lsid`).run({ ...patch, lsid });
    },
    async getSupportSession(lsid) {
      const r = q.sessionByLsid.get(lsid);
      return r && toSession(r);
    },
    async getSupportSessionBySeq(seq) {
      const r = q.sessionBySeq.get(seq);
      return r && toSession(r);
    },
    async listSupportSessionsInState(states) {
      if (states.length === 0) return [];
      const rows = db.prepare<string[], SessionRow>(`SELECT * FROM support_sessions WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY seq`).all(...states);
      return rows.map(toSession);
    },
    async appendSessionEvent(e) {
      q.insertEvent.run(e);
    },
    async listSessionEvents(lsid, afterSeq = 0) {
      return q.events.all(lsid, afterSeq).map(toEvent);
    },
  };
}
