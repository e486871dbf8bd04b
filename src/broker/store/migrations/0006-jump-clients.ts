// Jump Clients (JMP-1..10, STA-2): deployment keys the wizard issues, and the installed clients
// with their per-client secret (stored as a SHA-256 hash) and the computer it is bound to.
import type { Migration } from './index.ts';

export const migration0006: Migration = {
  version: 6,
  name: 'jump-clients',
  up: `
    CREATE TABLE jump_deployments (
      id TEXT PRIMARY KEY,
      created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
      platform TEXT NOT NULL,
      jump_group TEXT NOT NULL,
      tag TEXT NOT NULL,
      comments TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      max_installs INTEGER NOT NULL,
      installs INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE jump_clients (
      id TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL,
      machine_proof TEXT NOT NULL,
      deployment_id TEXT,
      jump_group TEXT NOT NULL,
      tag TEXT NOT NULL,
      comments TEXT NOT NULL,
      host_name TEXT NOT NULL,
      os TEXT NOT NULL,
      user_name TEXT NOT NULL,
      private_ip TEXT NOT NULL,
      public_ip TEXT NOT NULL,
      version TEXT NOT NULL,
      platform TEXT NOT NULL,
      created_at TEXT NOT NULL,
      last_seen_at TEXT,
      removed_at TEXT
    ) STRICT;
    CREATE INDEX jump_clients_group ON jump_clients(jump_group);
  `,
};
