// STA-2, JMP-8: the number of active Jump Clients (not removed from the list), kept by triggers
// instead of a COUNT(*) over every client at each registration and each Status page (a fleet of
// tens of thousands registering is as many counts of the whole table). Starts from the clients
// already there; a client counts while its removed_at is NULL.
import type { Migration } from './index.ts';

export const migration0012: Migration = {
  version: 12,
  name: 'jump-client-count',
  up: `
    CREATE TABLE jump_client_count (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      active INTEGER NOT NULL CHECK (active >= 0)
    ) STRICT;
    INSERT INTO jump_client_count (one, active) SELECT 1, COUNT(*) FROM jump_clients WHERE removed_at IS NULL;

    CREATE TRIGGER jump_clients_count_insert AFTER INSERT ON jump_clients WHEN NEW.removed_at IS NULL
    BEGIN
      UPDATE jump_client_count SET active = active + 1 WHERE one = 1;
    END;
    CREATE TRIGGER jump_clients_count_delete AFTER DELETE ON jump_clients WHEN OLD.removed_at IS NULL
    BEGIN
      UPDATE jump_client_count SET active = active - 1 WHERE one = 1;
    END;
    CREATE TRIGGER jump_clients_count_update AFTER UPDATE OF removed_at ON jump_clients
      WHEN (OLD.removed_at IS NULL) <> (NEW.removed_at IS NULL)
    BEGIN
      UPDATE jump_client_count SET active = active + (CASE WHEN NEW.removed_at IS NULL THEN 1 ELSE -1 END) WHERE one = 1;
    END;
  `,
};
