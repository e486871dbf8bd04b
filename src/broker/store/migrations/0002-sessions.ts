// Support sessions: session keys, the session record (LSID + sequence number) and its event log.
import type { Migration } from './index.ts';

export const migration0002: Migration = {
  version: 2,
  name: 'sessions',
  up: `
    CREATE TABLE session_keys (
      key_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT,
      lsid TEXT
    ) STRICT;
    CREATE INDEX session_keys_expiry ON session_keys(expires_at);

    CREATE TABLE support_sessions (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      lsid TEXT NOT NULL UNIQUE,
      method TEXT NOT NULL,
      queue_kind TEXT NOT NULL CHECK (queue_kind IN ('general', 'personal')),
      queue_user_id INTEGER,
      key_user_id INTEGER,
      state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'ended')),
      owner_user_id INTEGER,
      client_kind TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      computer_name TEXT NOT NULL,
      os TEXT NOT NULL,
      private_ip TEXT NOT NULL,
      public_ip TEXT NOT NULL,
      user_name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      accepted_at TEXT,
      ended_at TEXT,
      end_reason TEXT
    ) STRICT;
    CREATE INDEX support_sessions_created ON support_sessions(created_at);

    CREATE TABLE session_events (
      lsid TEXT NOT NULL REFERENCES support_sessions(lsid),
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      actor_kind TEXT NOT NULL,
      actor_user_id INTEGER,
      actor_name TEXT NOT NULL,
      actor_ip TEXT NOT NULL,
      sender_cid INTEGER,
      body TEXT NOT NULL,
      PRIMARY KEY (lsid, seq)
    ) STRICT, WITHOUT ROWID;
  `,
};
