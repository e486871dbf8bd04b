// SQLite implementation of the store (better-sqlite3, WAL). Calls are synchronous underneath;
// the async surface matches the Postgres implementation to come.
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { migrations } from './migrations/index.ts';
import { sqliteReportsStore } from './sqlite-reports-store.ts';
import { sqliteRecordingsStore } from './sqlite-recordings-store.ts';
import { sqliteJumpStore } from './sqlite-jump-store.ts';
import { sqliteSessionsStore } from './sqlite-sessions-store.ts';
import { sqliteSiteImagesStore } from './sqlite-site-images-store.ts';
import type { Permissions } from '../../protocol/users.ts';
import type { AuthSessionRecord, NewUser, Store, UserRecord } from './store.ts';
import { bool, json, plain, rowMapping, type Codec } from './sqlite-rows.ts';
import { sqlitePresentationsStore } from './sqlite-presentations-store.ts';

const userFields: { [K in keyof UserRecord]-?: Codec } = {
  id: plain, username: plain, displayName: plain, displayNumber: plain, passwordHash: plain, passwordChangedAt: plain,
  passwordExpiresOn: plain, mustChangePassword: bool, securityQuestion: plain, securityAnswerHash: plain,
  lastAuthenticatedAt: plain, failedLogins: plain, lockedUntil: plain, disabled: bool, permissions: { toDb: json.toDb, fromDb: (v) => permissionsOf(v as string) },
  totpSecret: plain, totpPendingSecret: plain, totpLastStep: plain, createdAt: plain, updatedAt: plain,
};

/**
 * A user's stored permissions. Accounts saved before the shell had its own right (CON-7) lack
 * `shell`: they keep what they had, the shell then following screen sharing.
 */
function permissionsOf(json: string): Permissions {
  const p = JSON.parse(json) as Omit<Permissions, 'shell'> & { shell?: boolean };
  return { ...p, shell: p.shell ?? p.screenSharing };
}

const authSessionFields: { [K in keyof AuthSessionRecord]-?: Codec } = {
  id: plain, userId: plain, tokenHash: plain, csrfToken: plain, client: plain, address: plain,
  createdAt: plain, lastSeenAt: plain, expiresAt: plain,
};

/** Escapes LIKE wildcards so a search for `%` or `_` matches those characters literally. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function openSqliteStore(file: string, log?: Logger): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, log);

  const users = rowMapping<UserRecord>(db, 'users', userFields);
  const authSessions = rowMapping<AuthSessionRecord>(db, 'auth_sessions', authSessionFields);
  const toUser = (r: object): UserRecord => users.fromRow(r);
  const toAuthSession = (r: object): AuthSessionRecord => authSessions.fromRow(r);
  const q = {
    userById: db.prepare<[number], object>('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare<[string], object>('SELECT * FROM users WHERE username = ? COLLATE NOCASE'),
    allUsers: db.prepare<[], object>('SELECT * FROM users ORDER BY username COLLATE NOCASE'),
    searchUsers: db.prepare<[string, string], object>(
      "SELECT * FROM users WHERE username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' ORDER BY username COLLATE NOCASE",
    ),
    insertUser: db.prepare(
      `INSERT INTO users (username, display_name, display_number, password_hash, password_changed_at, password_expires_on,
        must_change_password, security_question, security_answer_hash, disabled, permissions, created_at, updated_at)
       VALUES (@username, @displayName, @displayNumber, @passwordHash, @passwordChangedAt, @passwordExpiresOn,
        @mustChangePassword, @securityQuestion, @securityAnswerHash, @disabled, @permissions, @now, @now)`,
    ),
    deleteUser: db.prepare<[number]>('DELETE FROM users WHERE id = ?'),
    countUsers: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    maxDisplayNumber: db.prepare<[], { n: number | null }>('SELECT MAX(display_number) AS n FROM users'),
    insertSession: db.prepare(
      `INSERT INTO auth_sessions (id, user_id, token_hash, csrf_token, client, address, created_at, last_seen_at, expires_at)
       VALUES (@id, @userId, @tokenHash, @csrfToken, @client, @address, @createdAt, @lastSeenAt, @expiresAt)`,
    ),
    sessionByToken: db.prepare<[string], object>('SELECT * FROM auth_sessions WHERE token_hash = ?'),
    sessionById: db.prepare<[string], object>('SELECT * FROM auth_sessions WHERE id = ?'),
    touchSession: db.prepare<[string, string, string]>('UPDATE auth_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?'),
    deleteSession: db.prepare<[string]>('DELETE FROM auth_sessions WHERE id = ?'),
    deleteUserSessions: db.prepare<[number, string]>('DELETE FROM auth_sessions WHERE user_id = ? AND id != ?'),
    deleteExpired: db.prepare<[string]>('DELETE FROM auth_sessions WHERE expires_at <= ?'),
    countLiveUsers: db.prepare<[string], { n: number }>('SELECT COUNT(DISTINCT user_id) AS n FROM auth_sessions WHERE expires_at > ?'),
    countUserLive: db.prepare<[number, string], { n: number }>('SELECT COUNT(*) AS n FROM auth_sessions WHERE user_id = ? AND expires_at > ?'),
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    putSetting: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
  };

  let depth = 0;
  const store: Store = {
    ...sqliteSessionsStore(db),
    ...sqliteReportsStore(db),
    ...sqliteRecordingsStore(db),
    ...sqliteSiteImagesStore(db),
    ...sqliteJumpStore(db),
    ...sqlitePresentationsStore(db),
    async getUserById(id) {
      const r = q.userById.get(id);
      return r && toUser(r);
    },
    async getUserByUsername(username) {
      const r = q.userByName.get(username);
      return r && toUser(r);
    },
    async listUsers(search) {
      const rows = search ? q.searchUsers.all(likePattern(search), likePattern(search)) : q.allUsers.all();
      return rows.map(toUser);
    },
    async insertUser(u: NewUser, now) {
      const info = q.insertUser.run({ ...users.toParams(u), now });
      return toUser(q.userById.get(Number(info.lastInsertRowid))!);
    },
    async updateUser(id, patch, now) {
      users.update(patch, 'id = @id', { id, now }, 'updated_at = @now');
      const r = q.userById.get(id);
      return r && toUser(r);
    },
    async deleteUser(id) {
      return q.deleteUser.run(id).changes > 0;
    },
    async countUsers() {
      return q.countUsers.get()!.n;
    },
    async nextDisplayNumber() {
      return (q.maxDisplayNumber.get()!.n ?? 0) + 1;
    },
    async insertAuthSession(s) {
      q.insertSession.run(s);
    },
    async getAuthSessionByTokenHash(tokenHash) {
      const r = q.sessionByToken.get(tokenHash);
      return r && toAuthSession(r);
    },
    async getAuthSession(id) {
      const r = q.sessionById.get(id);
      return r && toAuthSession(r);
    },
    async touchAuthSession(id, lastSeenAt, expiresAt) {
      q.touchSession.run(lastSeenAt, expiresAt, id);
    },
    async deleteAuthSession(id) {
      q.deleteSession.run(id);
    },
    async deleteAuthSessionsForUser(userId, exceptId = '') {
      return q.deleteUserSessions.run(userId, exceptId).changes;
    },
    async deleteExpiredAuthSessions(now) {
      return q.deleteExpired.run(now).changes;
    },
    async countUsersWithLiveSessions(now) {
      return q.countLiveUsers.get(now)!.n;
    },
    async countLiveSessionsForUser(userId, now) {
      return q.countUserLive.get(userId, now)!.n;
    },
    async getSetting(key) {
      return q.getSetting.get(key)?.value;
    },
    async putSetting(key, value) {
      q.putSetting.run(key, value);
    },
    // `fn` must await only store calls: they settle synchronously, so no other request's
    // writes can interleave with the open transaction on this single connection.
    async transaction(fn) {
      if (depth > 0) return fn();
      depth++;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    schemaVersion() {
      return db.pragma('user_version', { simple: true }) as number;
    },
    close() {
      db.close();
    },
  };
  return store;
}

function migrate(db: Database.Database, log?: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
    log?.info({ version: m.version, name: m.name }, 'store migrated');
  }
}
