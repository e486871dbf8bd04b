// The Jump Clients list pushed to consoles (JMP-2, JMP-9 list; USR-10 rights): the broker tells
// each rep console which Jump Clients it may see changed (registered, online, offline, edited,
// removed), on the console's own connection, so the open list reloads instead of polling. A rep
// limited to their own Jump group never hears of another group's clients.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { ADMIN_PASSWORD, brokerWithAdmin, createRep, type ApiClient, type TestBroker } from '../support/broker.ts';
import { cleanup, createDeployment, installAgent, runAgent } from '../support/jump.ts';
import { repConsole, type RepSocket } from '../support/sessions.ts';
import type { JumpRunner } from '../../src/endpoint/jump/jump-runner.ts';

describe('The Jump Clients list pushed to consoles', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const roots: string[] = [];
  const runners: JumpRunner[] = [];
  const sockets: RepSocket[] = [];
  brokerWithAdmin((b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const r of runners) r.stop();
      for (const s of sockets) await s.close();
    });
  }, { jump: { heartbeatSeconds: 1 } });
  after(() => {
    for (const r of roots) cleanup(r);
  });

  const changed = (ws: RepSocket, id: string, what: string) => ws.next((m) => m.type === 'jump.changed' && m.ids.includes(id), what);

  it('JMP-9, USR-10: each console is told of the clients it may see as they register, come online, go offline, are edited and removed; a rep limited to their own group hears only of theirs', async () => {
    const rep = await createRep(admin, { permissions: { jumpClients: true } });
    const adminWs = await repConsole(broker, { username: 'admin', password: ADMIN_PASSWORD, api: admin });
    const repWs = await repConsole(broker, rep);
    sockets.push(adminWs, repWs);

    // A client in admin's group, then one in the rep's: the rep's console hears only of its own.
    const theirs = await installAgent(broker, (await createDeployment(admin)).keyInfo);
    roots.push(theirs.root);
    const adminSaw = await changed(adminWs, theirs.identity.clientId, 'admin told of the new client');
    assert.equal(adminSaw.more, false);
    const mine = await installAgent(broker, (await createDeployment(admin, { jumpGroup: `user:${rep.username}` })).keyInfo);
    roots.push(mine.root);
    await changed(adminWs, mine.identity.clientId, 'admin (all groups) told of the rep\'s client');
    const repSaw = await changed(repWs, mine.identity.clientId, 'rep told of their own new client');
    assert.deepEqual(repSaw.ids, [mine.identity.clientId], 'nothing of the other group');

    // Online, edited, offline, removed: pushed each time.
    const runner = await runAgent(mine);
    runners.push(runner);
    await changed(repWs, mine.identity.clientId, 'online');
    assert.equal((await rep.api.get('/api/v1/jump-clients')).body.clients[0].online, true);
    assert.equal((await admin.patch(`/api/v1/jump-clients/${mine.identity.clientId}`, { tag: 'caisse' })).status, 200);
    await changed(repWs, mine.identity.clientId, 'edited');
    const stopped = once(runner.agent, 'offline');
    runner.stop();
    await stopped;
    await changed(repWs, mine.identity.clientId, 'offline');
    assert.equal((await admin.delete(`/api/v1/jump-clients/${mine.identity.clientId}`)).status, 200);
    await changed(repWs, mine.identity.clientId, 'removed');

    // The other group's client changes again (online, removed); then one more of the rep's: still only theirs.
    const other = await runAgent(theirs);
    runners.push(other);
    await changed(adminWs, theirs.identity.clientId, 'admin told the other client is online');
    assert.equal((await admin.delete(`/api/v1/jump-clients/${theirs.identity.clientId}`)).status, 200);
    const third = await installAgent(broker, (await createDeployment(admin, { jumpGroup: `user:${rep.username}` })).keyInfo);
    roots.push(third.root);
    await changed(repWs, third.identity.clientId, 'rep told of their next client');
    const leaked = repWs.messages.filter((m) => m.type === 'jump.changed' && m.ids.includes(theirs.identity.clientId));
    assert.deepEqual(leaked, [], 'the rep was never told of the other group\'s client');
    await rep.api.close();
  });
});
