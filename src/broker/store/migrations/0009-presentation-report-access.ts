// Reading presentation reports (REP-6) is audited like reading session reports: the access log
// takes two more actions and the presentation read. SQLite cannot widen a CHECK in place, so the
// table is rebuilt with its rows (ids kept, so the log's order is unchanged).
import type { Migration } from './index.ts';

export const migration0009: Migration = {
  version: 9,
  name: 'presentation-report-access',
  up: `
    CREATE TABLE report_access_log_v9 (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      user_id INTEGER NOT NULL,
      username TEXT NOT NULL,
      address TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('list', 'view', 'download_html', 'export_csv', 'presentation_list', 'presentation_view')),
      lsid TEXT,
      presentation_id TEXT,
      query TEXT
    ) STRICT;
    INSERT INTO report_access_log_v9 (id, at, user_id, username, address, action, lsid, presentation_id, query)
      SELECT id, at, user_id, username, address, action, lsid, NULL, query FROM report_access_log;
    DROP TABLE report_access_log;
    ALTER TABLE report_access_log_v9 RENAME TO report_access_log;
  `,
};
