// STA-2, JMP-8: the licence's count of active Jump Clients is kept by SQLite triggers (migration
// 12) instead of a COUNT(*) at each registration; it must stay equal to that COUNT(*) through
// inserts, removals from the list, un-removals, uninstalls (deletes), edits, last-seen writes and
// rolled-back transactions, and start right on a store upgraded from version 11 with clients in it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/broker/store/sqlite-store.ts';
import { migrations } from '../../src/broker/store/migrations/index.ts';
import type { JumpClientRecord } from '../../src/broker/store/jump-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'passerelle-jump-count-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const client = (removedAt: string | null = null): JumpClientRecord => ({
  id: `jc_count${String(++n).padStart(12, '0')}`,
  secretHash: 'h',
  machineProof: 'p',
  deploymentId: null,
  jumpGroup: 'user:admin',
  tag: '',
  comments: '',
  hostName: `pc-${n}`,
  os: 'Linux',
  userName: 'u',
  privateIp: '10.0.0.1',
  publicIp: '127.0.0.1',
  version: '0.1.0',
  platform: 'linux-x64',
  createdAt: '2026-01-01T00:00:00Z',
  lastSeenAt: null,
  removedAt,
});

const counted = (file: string): number => {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare('SELECT COUNT(*) AS n FROM jump_clients WHERE removed_at IS NULL').get() as { n: number }).n;
  } finally {
    raw.close();
  }
};

describe('active Jump Client count (STA-2, JMP-8)', () => {
  it('STA-2, JMP-8: migration 12 starts the counter from the clients of a store at version 11', async () => {
    const file = join(dir, 'upgrade.db');
    const raw = new Database(file);
    for (const m of migrations.filter((m) => m.version <= 11)) {
      raw.exec(m.up);
      raw.pragma(`user_version = ${m.version}`);
    }
    const insert = raw.prepare(
      `INSERT INTO jump_clients (id, secret_hash, machine_proof, deployment_id, jump_group, tag, comments, host_name, os, user_name,
        private_ip, public_ip, version, platform, created_at, last_seen_at, removed_at)
       VALUES (@id, @secretHash, @machineProof, @deploymentId, @jumpGroup, @tag, @comments, @hostName, @os, @userName,
        @privateIp, @publicIp, @version, @platform, @createdAt, @lastSeenAt, @removedAt)`,
    );
    for (const c of [client(), client(), client('2026-01-02T00:00:00Z'), client()]) insert.run(c);
    raw.close();
    const s = openSqliteStore(file);
    assert.equal(s.schemaVersion(), 12);
    assert.equal(await s.countActiveJumpClients(), 3);
    s.close();
  });

  it('STA-2, JMP-8: the counter equals COUNT(*) of the not-removed clients after every kind of write', async () => {
    const file = join(dir, 'writes.db');
    const s = openSqliteStore(file);
    const check = async (expected: number, what: string) => {
      assert.equal(await s.countActiveJumpClients(), expected, what);
      assert.equal(counted(file), expected, `COUNT(*) after ${what}`);
    };
    await check(0, 'a new store');
    const a = client();
    const b = client();
    const c = client();
    for (const x of [a, b, c]) await s.insertJumpClient(x);
    await check(3, 'three registrations');
    await s.insertJumpClient(client('2026-01-02T00:00:00Z'));
    await check(3, 'inserting an already removed client');
    await s.updateJumpClient(a.id, { removedAt: '2026-01-03T00:00:00Z' });
    await check(2, 'a removal from the list');
    await s.updateJumpClient(a.id, { removedAt: '2026-01-04T00:00:00Z' });
    await check(2, 'removing the removed one again');
    await s.updateJumpClient(b.id, { tag: 'servers', comments: 'x', lastSeenAt: '2026-01-03T00:00:00Z' });
    await s.touchJumpClients([{ id: b.id, lastSeenAt: '2026-01-05T00:00:00Z' }, { id: c.id, lastSeenAt: '2026-01-05T00:00:00Z' }]);
    await check(2, 'edits and last-seen writes');
    await s.deleteJumpClient(a.id);
    await check(2, 'the removed one uninstalling itself (its row deleted)');
    await s.deleteJumpClient(c.id);
    await check(1, 'deleting an active one');
    await s.updateJumpClient(b.id, { removedAt: '2026-01-06T00:00:00Z' });
    await s.updateJumpClient(b.id, { removedAt: null });
    await check(1, 'a removal undone');
    await assert.rejects(
      s.transaction(async () => {
        await s.insertJumpClient(client());
        await s.updateJumpClient(b.id, { removedAt: '2026-01-07T00:00:00Z' });
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    await check(1, 'a transaction rolled back');
    s.close();
    const again = openSqliteStore(file);
    assert.equal(await again.countActiveJumpClients(), 1, 'kept across a reopen');
    again.close();
  });
});
