// Reports on a large store (REP-2): the IP address indexes also hold the start time, so a narrow
// IP prefix (a few thousand sessions) is sorted by start from the index alone, without reading
// each session's row. The name indexes stay as they are: they also serve the sorts by name.
import type { Migration } from './index.ts';

export const migration0011: Migration = {
  version: 11,
  name: 'report-ip-indexes',
  up: `
    DROP INDEX support_sessions_public_ip;
    DROP INDEX support_sessions_private_ip;
    CREATE INDEX support_sessions_public_ip ON support_sessions(public_ip, created_at);
    CREATE INDEX support_sessions_private_ip ON support_sessions(private_ip, created_at);
  `,
};
