// SQLite statements of the sessions store (see sessions-store.ts), composed into the SQLite store.
import type Database from 'better-sqlite3';
import type { SessionEventRecord, SessionsStore, SupportSessionRecord } from './sessions-store.ts';
import { plain, rowMapping, type Codec } from './sqlite-rows.ts';

const sessionFields: { [K in keyof SupportSessionRecord]-?: Codec } = {
  seq: plain, lsid: plain, method: plain, queueKind: plain, queueUserId: plain, keyUserId: plain, state: plain,
  ownerUserId: plain, clientKind: plain, customerName: plain, computerName: plain, os: plain, privateIp: plain,
  publicIp: plain, userName: plain, createdAt: plain, acceptedAt: plain, endedAt: plain, endReason: plain, chatBanner: plain,
};

const eventFields: { [K in keyof SessionEventRecord]-?: Codec } = {
  lsid: plain, seq: plain, at: plain, kind: plain, actorKind: plain, actorUserId: plain, actorName: plain,
  actorIp: plain, senderCid: plain, body: plain,
};

export function sqliteSessionsStore(db: Database.Database): SessionsStore {
  const sessions = rowMapping<SupportSessionRecord>(db, 'support_sessions', sessionFields);
  const events = rowMapping<SessionEventRecord>(db, 'session_events', eventFields);
  const toSession = (r: object): SupportSessionRecord => sessions.fromRow(r);
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
    sessionByLsid: db.prepare<[string], object>('SELECT * FROM support_sessions WHERE lsid = ?'),
    insertEvent: db.prepare(
      `INSERT INTO session_events (lsid, seq, at, kind, actor_kind, actor_user_id, actor_name, actor_ip, sender_cid, body)
       VALUES (@lsid, @seq, @at, @kind, @actorKind, @actorUserId, @actorName, @actorIp, @senderCid, @body)`,
    ),
    events: db.prepare<[string, number], object>('SELECT * FROM session_events WHERE lsid = ? AND seq > ? ORDER BY seq'),
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
      sessions.update(patch, 'lsid = @lsid', { lsid });
    },
    async getSupportSession(lsid) {
      const r = q.sessionByLsid.get(lsid);
      return r && toSession(r);
    },
    async listSupportSessionsInState(states) {
      if (states.length === 0) return [];
      const rows = db.prepare<string[], object>(`SELECT * FROM support_sessions WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY seq`).all(...states);
      return rows.map(toSession);
    },
    async appendSessionEvent(e) {
      q.insertEvent.run(e);
    },
    async listSessionEvents(lsid, afterSeq = 0) {
      return q.events.all(lsid, afterSeq).map((r) => events.fromRow(r));
    },
  };
}
