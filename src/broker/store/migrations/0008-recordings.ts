// Session recordings (REP-5): one row per recorded session, the raw file the broker appends to as
// the session runs, the video it was converted to (made on first view or download, then kept),
// and when and by whom it was deleted (the row stays, so reports still say it existed).
import type { Migration } from './index.ts';

export const migration0008: Migration = {
  version: 8,
  name: 'recordings',
  up: `
    CREATE TABLE recordings (
      lsid TEXT PRIMARY KEY REFERENCES support_sessions(lsid),
      file TEXT NOT NULL,
      started_at TEXT NOT NULL,
      ended_at TEXT,
      bytes INTEGER NOT NULL DEFAULT 0,
      duration_ms INTEGER NOT NULL DEFAULT 0,
      video_file TEXT,
      video_bytes INTEGER NOT NULL DEFAULT 0,
      deleted_at TEXT,
      deleted_by TEXT,
      deleted_reason TEXT
    ) STRICT;
    CREATE INDEX recordings_started ON recordings(started_at) WHERE deleted_at IS NULL;
  `,
};
