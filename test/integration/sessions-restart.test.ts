// A broker that stops or crashes never leaves a session open in the store: shutdown ends running
// sessions with that reason, and a start after a crash ends what the crash left open.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { adminClient, startTestBroker } from '../support/broker.ts';
import { CustomerSocket } from '../support/sessions.ts';

describe('sessions across broker restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-restart-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shutdown ends running sessions and tells the customer; a crash\'s leftovers end at the next start', async () => {
    let broker = await startTestBroker({ dataDir });
    const c = await CustomerSocket.join(broker, { kind: 'connect' });
    const { lsid } = await c.welcome();
    await c.chat('avant l\'arrêt');
    await broker.stop();
    const ended = await c.event('session_ended');
    assert.equal(ended.event.body.reason, 'broker_shutdown');

    // Simulate a crash: the record says the session still runs.
    const db = new Database(join(dataDir, 'passerelle.db'));
    db.prepare("UPDATE support_sessions SET state = 'active', ended_at = NULL, end_reason = NULL WHERE lsid = ?").run(lsid);
    db.prepare("DELETE FROM session_events WHERE lsid = ? AND kind = 'session_ended'").run(lsid);
    db.close();

    broker = await startTestBroker({ dataDir });
    try {
      const admin = await adminClient(broker);
      const log = (await admin.get(`/api/v1/sessions/${lsid}/events`)).body.events;
      assert.deepEqual(log.map((e: any) => e.body.kind), ['session_started', 'chat', 'session_ended']);
      assert.equal(log.at(-1).body.reason, 'broker_restart');
      assert.equal((await broker.services.store.getSupportSession(lsid))?.state, 'ended');
      await admin.close();
    } finally {
      await broker.stop();
    }
  });
});
