// JMP-2: a Jump Client whose link drops reconnects with TLS session resumption (so a site restart
// does not cost every client a full handshake) and is still accepted: a resumed TLS 1.3 session
// carries no certificate, and the pin was checked on the connection that issued the ticket.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { cleanup, createDeployment, installAgent, runAgent } from '../support/jump.ts';

describe('Jump Client reconnection (JMP-2)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let root = '';

  brokerWithAdmin(async (b, a) => {
    broker = b;
    admin = a;
  }, { jump: { heartbeatSeconds: 1 } });
  after(async () => {
    if (root) cleanup(root);
  });

  it('JMP-2: after its link drops, the agent comes back online on a resumed TLS session, several times, and is never refused', async () => {
    const d = await createDeployment(admin);
    const i = await installAgent(broker, d.keyInfo);
    root = i.root;
    const runner = await runAgent(i);
    const refused: string[] = [];
    runner.agent.on('refused', (e) => refused.push(e.message));
    try {
      for (let n = 0; n < 3; n++) {
        const back = once(runner.agent, 'online');
        (runner.agent as unknown as { ws: { terminate(): void } }).ws.terminate();
        await back;
      }
      assert.deepEqual(refused, []);
      assert.equal((await admin.get('/api/v1/jump-clients')).body.clients.find((c: any) => c.id === i.identity.clientId).online, true);
    } finally {
      runner.stop();
    }
  });
});
