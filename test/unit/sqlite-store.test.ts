// The SQLite store: migrations, WAL, literal search, transactions that roll back whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/broker/store/sqlite-store.ts';
import { migrations } from '../../src/broker/store/migrations/index.ts';
import { defaultRepPermissions } from '../../src/protocol/users.ts';

const dir = mkdtempSync(join(tmpdir(), 'passerelle-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const newUser = (username: string, displayName = username) => ({
  username, displayName, displayNumber: 1, passwordHash: 'h', passwordChangedAt: 'now', passwordExpiresOn: null,
  mustChangePassword: false, securityQuestion: null, securityAnswerHash: null, disabled: false, permissions: defaultRepPermissions,
});

describe('sqlite store', () => {
  it('USR-2: migrations are numbered 1, 2, 3 … with no gap or repeat (a store at version N skips every migration ≤ N)', () => {
    assert.deepEqual(migrations.map((m) => m.version), migrations.map((_, i) => i + 1));
  });

  it('USR-2: applies every migration once, in WAL mode, and reopens without re-applying', async () => {
    const file = join(dir, 'a.db');
    const s = openSqliteStore(file);
    assert.equal(s.schemaVersion(), migrations.at(-1)!.version);
    await s.insertUser(newUser('one'), '2026-01-01T00:00:00Z');
    s.close();
    const again = openSqliteStore(file);
    assert.equal((await again.listUsers()).length, 1);
    again.close();
    const raw = new Database(file);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  it('USR-3: search matches username or display name, case-insensitively, wildcards literally', async () => {
    const s = openSqliteStore(join(dir, 'b.db'));
    await s.insertUser(newUser('alice', 'Alice Martin'), 'now');
    await s.insertUser(newUser('bob', '100% Bob_'), 'now');
    assert.deepEqual((await s.listUsers('MART')).map((u) => u.username), ['alice']);
    assert.deepEqual((await s.listUsers('%')).map((u) => u.username), ['bob']);
    assert.deepEqual((await s.listUsers('_')).map((u) => u.username), ['bob']);
    assert.deepEqual((await s.listUsers("' OR '1'='1")).map((u) => u.username), []);
    s.close();
  });

  it('USR-2: a failed transaction writes nothing', async () => {
    const s = openSqliteStore(join(dir, 'c.db'));
    await assert.rejects(
      s.transaction(async () => {
        await s.insertUser(newUser('ghost'), 'now');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await s.countUsers(), 0);
    await assert.rejects(s.insertUser(newUser('x'), 'now').then(() => s.insertUser(newUser('X'), 'now')), /UNIQUE/);
    s.close();
  });

  it('CON-7, USR-11: an account saved before the shell had its own right keeps what it had (shell follows screen sharing)', async () => {
    const file = join(dir, 'd.db');
    const s = openSqliteStore(file);
    const { shell: _shell, ...old } = defaultRepPermissions;
    const a = await s.insertUser({ ...newUser('old-on'), permissions: { ...defaultRepPermissions, screenSharing: true } }, 'now');
    const b = await s.insertUser({ ...newUser('old-off'), permissions: { ...defaultRepPermissions, screenSharing: false } }, 'now');
    s.close();
    const raw = new Database(file);
    raw.prepare('UPDATE users SET permissions = ? WHERE id = ?').run(JSON.stringify({ ...old, screenSharing: true }), a.id);
    raw.prepare('UPDATE users SET permissions = ? WHERE id = ?').run(JSON.stringify({ ...old, screenSharing: false }), b.id);
    raw.close();
    const again = openSqliteStore(file);
    assert.equal((await again.getUserById(a.id))!.permissions.shell, true);
    assert.equal((await again.getUserById(b.id))!.permissions.shell, false);
    again.close();
  });
});
