// The one row ↔ record mapping the SQLite stores share (issue 9 item 16), and the dead code it replaced.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { bool, columnOf, json, plain, rowMapping, type Codec } from '../../src/broker/store/sqlite-rows.ts';

interface Thing { id: number; displayName: string; isOn: boolean; tags: string[]; updatedAt: string | null }
const fields: { [K in keyof Thing]-?: Codec } = { id: plain, displayName: plain, isOn: bool, tags: json, updatedAt: plain };

function table() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, display_name TEXT, is_on INTEGER, tags TEXT, updated_at TEXT)');
  return { db, things: rowMapping<Thing>(db, 'things', fields) };
}

describe('SQLite row mapping', () => {
  it('USR-2: field fooBar is column foo_bar; booleans and JSON round-trip through INSERT and SELECT', () => {
    const { db, things } = table();
    assert.equal(columnOf('passwordExpiresOn'), 'password_expires_on');
    db.prepare('INSERT INTO things (id, display_name, is_on, tags, updated_at) VALUES (@id, @displayName, @isOn, @tags, @updatedAt)')
      .run(things.toParams({ id: 1, displayName: 'Zoé', isOn: true, tags: ['a', 'b'], updatedAt: null }));
    const raw = db.prepare('SELECT * FROM things').get() as Record<string, unknown>;
    assert.deepEqual(raw, { id: 1, display_name: 'Zoé', is_on: 1, tags: '["a","b"]', updated_at: null });
    assert.deepEqual(things.fromRow(raw), { id: 1, displayName: 'Zoé', isOn: true, tags: ['a', 'b'], updatedAt: null });
  });

  it('USR-2: a dynamic UPDATE sets only the defined fields, converted, plus the extra sets; an empty patch changes nothing', () => {
    const { db, things } = table();
    db.prepare("INSERT INTO things VALUES (1, 'x', 0, '[]', NULL), (2, 'y', 0, '[]', NULL)").run();
    assert.equal(things.update({ isOn: true, tags: ['z'], displayName: undefined }, 'id = @id', { id: 1, now: 'T' }, 'updated_at = @now'), 1);
    assert.deepEqual(things.fromRow(db.prepare('SELECT * FROM things WHERE id = 1').get() as object),
      { id: 1, displayName: 'x', isOn: true, tags: ['z'], updatedAt: 'T' });
    assert.equal(things.update({}, 'id = @id', { id: 2, now: 'T' }, 'updated_at = @now'), 0);
    assert.equal((db.prepare('SELECT updated_at FROM things WHERE id = 2').get() as { updated_at: string | null }).updated_at, null);
    // A value is a bound parameter, never SQL.
    things.update({ displayName: "'; DROP TABLE things; --" }, 'id = @id', { id: 2 });
    assert.equal(things.fromRow(db.prepare('SELECT * FROM things WHERE id = 2').get() as object).displayName, "'; DROP TABLE things; --");
  });

  it('USR-2: both SQLite stores use it, and the dead code it replaced stays gone', () => {
    const grep = (pattern: string, ...paths: string[]): string => {
      try {
        return execFileSync('git', ['grep', '-n', '-E', pattern, '--', ...paths], { encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    for (const file of ['src/broker/store/sqlite-store.ts', 'src/broker/store/sqlite-sessions-store.ts']) {
      assert.match(grep('rowMapping<', file), /rowMapping</, `${file} does not use the shared mapping`);
      assert.equal(grep('UPDATE [a-z_]+ SET \\$\\{', file), '', `${file} builds its own dynamic UPDATE`);
    }
    assert.equal(grep('getSupportSessionBySeq|fingerprintOfDer|SendCredit|canSend', 'src', 'main', 'renderer'), '');
  });
});
