// JMP-2 (a fleet reconnecting after a site restart): the broker authenticates at most so many
// Jump Client connections at once; a connection beyond that is answered `busy` with a jittered
// retry delay and closed at once (its work is not queued), and the agent comes back after that
// delay instead of its backoff. A tiny limit here (1), held by a raw connection that never says
// hello: every agent is refused while it is held, and all get in once it goes.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JumpClose } from '../../src/protocol/jump.ts';
import { JumpAgent } from '../../src/endpoint/jump/jump-agent.ts';
import { parseBrokerArgs } from '../../src/cli/broker-command.ts';
import { type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { JumpSocket, createDeployment, register, testInfo } from '../support/jump.ts';

const AGENTS = 8;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Jump Client admission during a reconnect storm (JMP-2)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const agents: JumpAgent[] = [];

  brokerWithAdmin(
    async (b, a) => {
      broker = b;
      admin = a;
    },
    { jump: { admissionLimit: 1, busyRetryMs: 100, registrationsPerMinute: 1000 } },
  );
  after(() => {
    for (const a of agents) a.stop();
  });

  it('JMP-2: beyond the admission limit a connection is told "busy, retry after X ms" and closed; the agents honour it and all get in once there is room', async () => {
    const d = await createDeployment(admin, { maxInstalls: AGENTS + 5 });
    const ids: { clientId: string; secret: string; proof: string }[] = [];
    for (let n = 0; n < AGENTS; n++) {
      const r = await register(admin, d.keyInfo);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push({ clientId: (r.body as any).clientId, secret: (r.body as any).secret, proof: r.proof });
    }

    // A connection that never says hello holds the only place.
    const holder = await JumpSocket.open(broker);
    // The next one is refused at once, with a typed answer.
    const refused = await JumpSocket.open(broker);
    const closed = await refused.closed;
    assert.equal(closed.code, JumpClose.busy);
    const busy = refused.messages.find((m) => m.type === 'busy');
    assert.ok(busy, `a busy message before the close: ${JSON.stringify(refused.messages)}`);
    assert.ok(Number.isInteger(busy.retryAfterMs) && busy.retryAfterMs >= 0 && busy.retryAfterMs <= 30_000, `retryAfterMs ${busy.retryAfterMs}`);

    // The real agents: each is refused as busy and waits the delay it was told, not its backoff.
    const busyDelays = new Map<string, number[]>();
    const refusals: string[] = [];
    for (const id of ids) {
      const a = new JumpAgent({ identity: { clientId: id.clientId, secret: id.secret, broker: broker.url, pin: broker.fingerprint }, info: testInfo(`storm-${id.clientId}`), machineProof: id.proof, backoff: { baseMs: 50_000, maxMs: 60_000 } });
      busyDelays.set(id.clientId, []);
      a.on('offline', (e) => {
        if (e.code === JumpClose.busy && e.retryInMs !== null) busyDelays.get(id.clientId)!.push(e.retryInMs);
      });
      a.on('refused', (e) => refusals.push(e.message));
      agents.push(a);
      a.start();
    }
    await until('every agent refused as busy at least twice', () => [...busyDelays.values()].every((v) => v.length >= 2));
    assert.equal(agents.filter((a) => a.online).length, 0, 'nobody gets in while the place is held');
    // The told delays (≤ 30 s), not the 50 s backoff these agents would otherwise wait.
    for (const v of busyDelays.values()) for (const ms of v) assert.ok(ms <= 30_000, `retry in ${ms} ms`);
    assert.ok(broker.services.jumpClients.busyRefusals >= 2 * AGENTS + 1);

    holder.ws.close();
    await until('all agents online', () => agents.every((a) => a.online));
    assert.deepEqual(refusals, []);
    const list = await admin.get('/api/v1/jump-clients');
    assert.equal((list.body as any).online, AGENTS);

    // Every admitted connection gave its place back: with the limit of 1, another one is admitted.
    const late = await JumpSocket.open(broker);
    const welcome = await late.hello(ids[0]!.clientId, ids[0]!.secret, ids[0]!.proof);
    assert.equal(welcome.type, 'welcome');
    late.ws.close();
  });

  it('JMP-2: --jump-admission-limit defaults to 256 and refuses what is not a positive whole number', () => {
    assert.equal(parseBrokerArgs([]).jumpAdmissionLimit, 256);
    assert.equal(parseBrokerArgs(['--jump-admission-limit', '512']).jumpAdmissionLimit, 512);
    for (const bad of ['0', '-3', '2.5', 'lots']) assert.throws(() => parseBrokerArgs([`--jump-admission-limit=${bad}`]), /--jump-admission-limit must be a positive whole number/);
  });
});
