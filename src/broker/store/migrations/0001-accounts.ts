// Accounts: users, their browser/desktop sessions, and site settings.
import type { Migration } from './index.ts';

export const migration0001: Migration = {
  version: 1,
  name: 'accounts',
  up: `
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      display_name TEXT NOT NULL,
      display_number INTEGER NOT NULL,
      password_hash TEXT NOT NULL,
      password_changed_at TEXT NOT NULL,
      password_expires_on TEXT,
      must_change_password INTEGER NOT NULL DEFAULT 0,
      security_question TEXT,
      security_answer_hash TEXT,
      last_authenticated_at TEXT,
      failed_logins INTEGER NOT NULL DEFAULT 0,
      locked_until TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      permissions TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE auth_sessions (
      id TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash TEXT NOT NULL UNIQUE,
      csrf_token TEXT NOT NULL,
      client TEXT NOT NULL CHECK (client IN ('browser', 'desktop')),
      address TEXT NOT NULL,
      created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
