// STA-2, JMP-8 with the trigger-kept count (migration 12): the licence still refuses the next Jump
// Client, and the count stays right through removals from the list and the removed client's own
// uninstall (its row deleted), as the Status page shows and the next registration proves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { JumpSocket, createDeployment, register } from '../support/jump.ts';

describe('licence count of active Jump Clients (STA-2, JMP-8)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  brokerWithAdmin(
    async (b, a) => {
      broker = b;
      admin = a;
    },
    { licences: { namedUsers: 50, jumpClients: 2 }, jump: { registrationsPerMinute: 1000 } },
  );
  const inUse = async () => (await admin.get('/api/v1/site/status')).body.licences.jumpClientsInUse as number;

  it('STA-2, JMP-8: the limit refuses the next client; removals and the removed client uninstalling itself keep the count right', async () => {
    const d = await createDeployment(admin, { maxInstalls: 20 });
    const first = await register(admin, d.keyInfo);
    const second = await register(admin, d.keyInfo);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(await inUse(), 2);
    const refused = await register(admin, d.keyInfo);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'licence_limit_reached');
    assert.match(refused.body.error.message, /allows 2 active Jump Clients/);
    assert.equal(await inUse(), 2, 'a refused registration counts nothing');

    // Removed from the list: its place is free at once.
    assert.equal((await admin.delete(`/api/v1/jump-clients/${first.body.clientId}`)).status, 200);
    assert.equal(await inUse(), 1);
    assert.equal((await admin.delete(`/api/v1/jump-clients/${first.body.clientId}`)).status, 200);
    assert.equal(await inUse(), 1, 'removing it twice frees one place, not two');

    // It connects, is told to uninstall, says it did: its row goes, the count does not move.
    const s = await JumpSocket.open(broker);
    const answer = await s.hello(first.body.clientId, first.body.secret, first.proof);
    assert.equal(answer.type, 'uninstall');
    s.send({ type: 'uninstalled' });
    await s.closed;
    assert.equal((await admin.get('/api/v1/jump-clients')).body.clients.some((c: any) => c.id === first.body.clientId), false);
    assert.equal(await inUse(), 1);

    const third = await register(admin, d.keyInfo);
    assert.equal(third.status, 201);
    assert.equal(await inUse(), 2);
    const again = await register(admin, d.keyInfo);
    assert.equal(again.status, 403);
    assert.equal(again.body.error.code, 'licence_limit_reached');
  });
});
