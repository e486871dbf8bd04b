// Reports (REP-1..4): the indexes the REP-2 filters and sorts need on a large store, the reps who
// joined each session (kept by a trigger from the event log, so every writer fills it), and the
// log of who read which report (issue 10 item 3).
import type { Migration } from './index.ts';

export const migration0004: Migration = {
  version: 4,
  name: 'reports',
  up: `
    CREATE INDEX support_sessions_customer ON support_sessions(customer_name COLLATE NOCASE);
    CREATE INDEX support_sessions_computer ON support_sessions(computer_name COLLATE NOCASE);
    CREATE INDEX support_sessions_public_ip ON support_sessions(public_ip);
    CREATE INDEX support_sessions_private_ip ON support_sessions(private_ip);

    CREATE TABLE session_reps (
      user_id INTEGER NOT NULL,
      session_seq INTEGER NOT NULL REFERENCES support_sessions(seq),
      name TEXT NOT NULL,
      joined_at TEXT NOT NULL,
      PRIMARY KEY (user_id, session_seq)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX session_reps_session ON session_reps(session_seq);

    CREATE TRIGGER session_reps_on_join AFTER INSERT ON session_events WHEN NEW.kind = 'rep_joined'
    BEGIN
      INSERT OR IGNORE INTO session_reps (user_id, session_seq, name, joined_at)
        SELECT json_extract(NEW.body, '$.userId'), s.seq, json_extract(NEW.body, '$.name'), NEW.at
        FROM support_sessions s WHERE s.lsid = NEW.lsid;
    END;

    INSERT OR IGNORE INTO session_reps (user_id, session_seq, name, joined_at)
      SELECT json_extract(e.body, '$.userId'), s.seq, json_extract(e.body, '$.name'), e.at
      FROM session_events e JOIN support_sessions s ON s.lsid = e.lsid
      WHERE e.kind = 'rep_joined' ORDER BY e.lsid, e.seq;

    CREATE TABLE report_access_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      user_id INTEGER NOT NULL,
      username TEXT NOT NULL,
      address TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('list', 'view', 'download_html', 'export_csv')),
      lsid TEXT,
      query TEXT
    ) STRICT;
  `,
};
