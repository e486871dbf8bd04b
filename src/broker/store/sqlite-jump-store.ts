// SQLite statements of the Jump Clients store (see jump-store.ts), composed into the SQLite store.
import type Database from 'better-sqlite3';
import type { DeploymentRecord, JumpClientPatch, JumpClientRecord, JumpStore } from './jump-store.ts';

interface DeploymentRow {
  id: string;
  created_by: number | null;
  platform: string;
  jump_group: string;
  tag: string;
  comments: string;
  created_at: string;
  expires_at: string;
  max_installs: number;
  installs: number;
}

interface ClientRow {
  id: string;
  secret_hash: string;
  machine_proof: string;
  deployment_id: string | null;
  jump_group: string;
  tag: string;
  comments: string;
  host_name: string;
  os: string;
  user_name: string;
  private_ip: string;
  public_ip: string;
  version: string;
  platform: string;
  created_at: string;
  last_seen_at: string | null;
  removed_at: string | null;
}

const patchColumns: Record<keyof JumpClientPatch, string> = {
  tag: 'tag',
  comments: 'comments',
  hostName: 'host_name',
  os: 'os',
  userName: 'user_name',
  privateIp: 'private_ip',
  publicIp: 'public_ip',
  version: 'version',
  platform: 'platform',
  lastSeenAt: 'last_seen_at',
  removedAt: 'removed_at',
};

function toDeployment(r: DeploymentRow): DeploymentRecord {
  return {
    id: r.id,
    createdBy: r.created_by,
    platform: r.platform,
    jumpGroup: r.jump_group,
    tag: r.tag,
    comments: r.comments,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    maxInstalls: r.max_installs,
    installs: r.installs,
  };
}

function toClient(r: ClientRow): JumpClientRecord {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    machineProof: r.machine_proof,
    deploymentId: r.deployment_id,
    jumpGroup: r.jump_group,
    tag: r.tag,
    comments: r.comments,
    hostName: r.host_name,
    os: r.os,
    userName: r.user_name,
    privateIp: r.private_ip,
    publicIp: r.public_ip,
    version: r.version,
    platform: r.platform,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    removedAt: r.removed_at,
  };
}

export function sqliteJumpStore(db: Database.Database): JumpStore {
  const q = {
    insertDeployment: db.prepare(
      `INSERT INTO jump_deployments (id, created_by, platform, jump_group, tag, comments, created_at, expires_at, max_installs, installs)
       VALUES (@id, @createdBy, @platform, @jumpGroup, @tag, @comments, @createdAt, @expiresAt, @maxInstalls, @installs)`,
    ),
    deployment: db.prepare<[string], DeploymentRow>('SELECT * FROM jump_deployments WHERE id = ?'),
    useDeployment: db.prepare<[string, string], DeploymentRow>(
      'UPDATE jump_deployments SET installs = installs + 1 WHERE id = ? AND installs < max_installs AND expires_at > ? RETURNING *',
    ),
    releaseDeployment: db.prepare<[string]>('UPDATE jump_deployments SET installs = installs - 1 WHERE id = ? AND installs > 0'),
    insertClient: db.prepare(
      `INSERT INTO jump_clients (id, secret_hash, machine_proof, deployment_id, jump_group, tag, comments, host_name, os, user_name,
        private_ip, public_ip, version, platform, created_at, last_seen_at, removed_at)
       VALUES (@id, @secretHash, @machineProof, @deploymentId, @jumpGroup, @tag, @comments, @hostName, @os, @userName,
        @privateIp, @publicIp, @version, @platform, @createdAt, @lastSeenAt, @removedAt)`,
    ),
    client: db.prepare<[string], ClientRow>('SELECT * FROM jump_clients WHERE id = ?'),
    clients: db.prepare<[], ClientRow>('SELECT * FROM jump_clients ORDER BY host_name COLLATE NOCASE, id'),
    touch: db.prepare<[string, string]>('UPDATE jump_clients SET last_seen_at = ? WHERE id = ?'),
    deleteClient: db.prepare<[string]>('DELETE FROM jump_clients WHERE id = ?'),
    // Kept by the triggers of migration 12 (no COUNT(*) over the fleet at each registration).
    countActive: db.prepare<[], { n: number }>('SELECT active AS n FROM jump_client_count WHERE one = 1'),
  };
  const touchMany = db.transaction((entries: { id: string; lastSeenAt: string }[]) => {
    for (const e of entries) q.touch.run(e.lastSeenAt, e.id);
  });

  return {
    async insertDeployment(d) {
      q.insertDeployment.run(d);
    },
    async getDeployment(id) {
      const r = q.deployment.get(id);
      return r && toDeployment(r);
    },
    async useDeployment(id, now) {
      const row = q.useDeployment.get(id, now);
      if (row) return { ok: true, deployment: toDeployment(row) };
      const d = q.deployment.get(id);
      if (!d) return { ok: false, reason: 'unknown' };
      return { ok: false, reason: d.expires_at <= now ? 'expired' : 'used_up' };
    },
    async releaseDeployment(id) {
      q.releaseDeployment.run(id);
    },
    async insertJumpClient(c) {
      q.insertClient.run(c);
    },
    async getJumpClient(id) {
      const r = q.client.get(id);
      return r && toClient(r);
    },
    async listJumpClients() {
      return q.clients.all().map(toClient);
    },
    async updateJumpClient(id, patch) {
      const keys = (Object.keys(patch) as (keyof JumpClientPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${patchColumns[k]} = @${k}`).join(', ');
      db.prepare(`UPDATE jump_clients SET ${sets} WHERE id = @id`).run({ ...patch, id });
    },
    async touchJumpClients(entries) {
      if (entries.length > 0) touchMany(entries);
    },
    async deleteJumpClient(id) {
      q.deleteClient.run(id);
    },
    async countActiveJumpClients() {
      return q.countActive.get()!.n;
    },
  };
}
