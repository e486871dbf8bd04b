// SQLite implementation of the store (better-sqlite3, WAL). Calls are synchronous underneath;
// the async surface matches the Postgres implementation to come.
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Permissions } from '../../protocol/users.ts';
import { migrations } from './migrations/index.ts';
import { sqliteReportsStore } from './sqlite-reports-store.ts';
import { sqliteJumpStore } from './sqlite-jump-store.ts';
import { sqliteSessionsStore } from './sqlite-sessions-store.ts';
import { sqliteSiteImagesStore } from './sqlite-site-images-store.ts';
import type { AuthSessionRecord, NewUser, Store, UserPatch, UserRecord } from './store.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  display_number: number;
  password_hash: string;
  password_changed_at: string;
  password_expires_on: string | null;
  must_change_password: number;
  security_question: string | null;
  security_answer_hash: string | null;
  last_authenticated_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  disabled: number;
  permissions: string;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
  created_at: string;
  updated_at: string;
}

interface AuthSessionRow {
  id: string;
  user_id: number;
  token_hash: string;
  csrf_token: string;
  client: 'browser' | 'desktop';
  address: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

const userColumns: Record<keyof UserPatch, string> = {
  username: 'username',
  displayName: 'display_name',
  displayNumber: 'display_number',
  passwordHash: 'password_hash',
  passwordChangedAt: 'password_changed_at',
  passwordExpiresOn: 'password_expires_on',
  mustChangePassword: 'must_change_password',
  securityQuestion: 'security_question',
  securityAnswerHash: 'security_answer_hash',
  lastAuthenticatedAt: 'last_authenticated_at',
  failedLogins: 'failed_logins',
  lockedUntil: 'locked_until',
  disabled: 'disabled',
  permissions: 'permissions',
  totpSecret: 'totp_secret',
  totpPendingSecret: 'totp_pending_secret',
  totpLastStep: 'totp_last_step',
};

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    displayNumber: r.display_number,
    passwordHash: r.password_hash,
    passwordChangedAt: r.password_changed_at,
    passwordExpiresOn: r.password_expires_on,
    mustChangePassword: r.must_change_password === 1,
    securityQuestion: r.security_question,
    securityAnswerHash: r.security_answer_hash,
    lastAuthenticatedAt: r.last_authenticated_at,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    disabled: r.disabled === 1,
    permissions: permissionsOf(r.permissions),
    totpSecret: r.totp_secret,
    totpPendingSecret: r.totp_pending_secret,
    totpLastStep: r.totp_last_step,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * A user's stored permissions. Accounts saved before the shell had its own right (CON-7) lack
 * `shell`: they keep what they had, the shell then following screen sharing.
 */
function permissionsOf(json: string): Permissions {
  const p = JSON.parse(json) as Omit<Permissions, 'shell'> & { shell?: boolean };
  return { ...p, shell: p.shell ?? p.screenSharing };
}

function toDb(key: keyof UserPatch, value: unknown): unknown {
  if (key === 'permissions') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function toAuthSession(r: AuthSessionRow): AuthSessionRecord {
  return {
    id: r.id,
    userId: r.user_id,
    tokenHash: r.token_hash,
    csrfToken: r.csrf_token,
    client: r.client,
    address: r.address,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}

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

  const q = {
    userById: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ? COLLATE NOCASE'),
    allUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username COLLATE NOCASE'),
    searchUsers: db.prepare<[string, string], UserRow>(
      "SELECT * FROM users WHERE username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' ORDER BY username COLLATE NOCASE",
    ),
    insertUser: db.prepare(
      `INSERT INTO users (username, display_name, display_number, password_hash, password_changed_at, password_expires_on,
        must_change_password, security_question, security_answer_hash, disabled, permissions, created_at, updated_at)
       VALUES (@username, @display_name, @display_number, @password_hash, @password_changed_at, @password_expires_on,
        @must_change_password, @security_question, @security_answer_hash, @disabled, @permissions, @now, @now)`,
    ),
    deleteUser: db.prepare<[number]>('DELETE FROM users WHERE id = ?'),
    countUsers: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    maxDisplayNumber: db.prepare<[], { n: number | null }>('SELECT MAX(display_number) AS n FROM users'),
    insertSession: db.prepare(
      `INSERT INTO auth_sessions (id, user_id, token_hash, csrf_token, client, address, created_at, last_seen_at, expires_at)
       VALUES (@id, @userId, @tokenHash, @csrfToken, @client, @address, @createdAt, @lastSeenAt, @expiresAt)`,
    ),
    sessionByToken: db.prepare<[string], AuthSessionRow>('SELECT * FROM auth_sessions WHERE token_hash = ?'),
    sessionById: db.prepare<[string], AuthSessionRow>('SELECT * FROM auth_sessions WHERE id = ?'),
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
    ...sqliteSiteImagesStore(db),
    ...sqliteJumpStore(db),
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
      const info = q.insertUser.run({
        username: u.username,
        display_name: u.displayName,
        display_number: u.displayNumber,
        password_hash: u.passwordHash,
        password_changed_at: u.passwordChangedAt,
        password_expires_on: u.passwordExpiresOn,
        must_change_password: u.mustChangePassword ? 1 : 0,
        security_question: u.securityQuestion,
        security_answer_hash: u.securityAnswerHash,
        disabled: u.disabled ? 1 : 0,
        permissions: JSON.stringify(u.permissions),
        now,
      });
      return toUser(q.userById.get(Number(info.lastInsertRowid))!);
    },
    async updateUser(id, patch, now) {
      const keys = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length > 0) {
        const sets = keys.map((k) => `${userColumns[k]} = @${k}`).join(', ');
        const params: Record<string, unknown> = { id, now };
        for (const k of keys) params[k] = toDb(k, patch[k]);
        db.prepare(`UPDATE users SET ${sets}, updated_at = @now WHERE id = @id`).run(params);
      }
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
