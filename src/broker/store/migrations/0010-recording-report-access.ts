// Reading and deleting session recordings (REP-5) is audited like reading reports (issue 10
// item 3): the access log takes three more actions. SQLite cannot widen a CHECK in place, so the
// table is rebuilt with its rows (ids kept, so the log's order is unchanged), as in 0009.
import type { Migration } from './index.ts';

export const migration0010: Migration = {
  version: 10,
  name: 'recording-report-access',
  up: `
    CREATE TABLE report_access_log_v10 (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      user_id INTEGER NOT NULL,
      username TEXT NOT NULL,
      address TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('list', 'view', 'download_html', 'export_csv', 'presentation_list', 'presentation_view',
        'recording_view', 'recording_download', 'recording_delete')),
      lsid TEXT,
      presentation_id TEXT,
      query TEXT
    ) STRICT;
    INSERT INTO report_access_log_v10 (id, at, user_id, username, address, action, lsid, presentation_id, query)
      SELECT id, at, user_id, username, address, action, lsid, presentation_id, query FROM report_access_log;
    DROP TABLE report_access_log;
    ALTER TABLE report_access_log_v10 RENAME TO report_access_log;
  `,
};
