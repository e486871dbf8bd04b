// Presentations (CON-9, REP-6): one row per presentation, and its events (start, attendees
// joining and leaving, removals, pauses, chat, end) in order, written before anyone is told.
import type { Migration } from './index.ts';

export const migration0007: Migration = {
  version: 7,
  name: 'presentations',
  up: `
    CREATE TABLE presentations (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      presenter_user_id INTEGER NOT NULL,
      presenter_name TEXT NOT NULL,
      listed INTEGER NOT NULL,
      public_ip TEXT NOT NULL,
      private_ip TEXT NOT NULL,
      banner TEXT,
      started_at TEXT NOT NULL,
      ended_at TEXT,
      end_reason TEXT
    ) STRICT;
    CREATE INDEX presentations_started ON presentations (started_at);
    CREATE TABLE presentation_events (
      presentation_id TEXT NOT NULL REFERENCES presentations (id),
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      actor_kind TEXT NOT NULL,
      actor_name TEXT NOT NULL,
      attendee_id TEXT,
      address TEXT,
      text TEXT,
      reason TEXT,
      PRIMARY KEY (presentation_id, seq)
    ) STRICT;
  `,
};
