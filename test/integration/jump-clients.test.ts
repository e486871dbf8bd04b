// Jump Clients against a real broker (real HTTPS, WebSocket, SQLite): deployment keys, installs,
// the persistent connection, licence, rights, replay and flood protection, removal.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brokerWithAdmin, createRep, type ApiClient, type TestBroker } from '../support/broker.ts';
import { JumpSocket, cleanup, createDeployment, fakeMachine, installAgent, register, runAgent } from '../support/jump.ts';
import { InstallError } from '../../src/endpoint/jump/install.ts';
import type { JumpRunner } from '../../src/endpoint/jump/jump-runner.ts';

describe('Jump Clients: deployment, registration and the persistent connection', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const roots: string[] = [];
  const runners: JumpRunner[] = [];
  const now = { t: Date.now() };

  brokerWithAdmin((b, a, defer) => {
    broker = b;
    admin = a;
    defer(() => {
      for (const r of runners) r.stop();
    });
  }, { licences: { namedUsers: 50, jumpClients: 6 }, clock: { now: () => new Date(now.t) }, jump: { heartbeatSeconds: 1 } });
  after(() => {
    for (const r of roots) cleanup(r);
  });

  async function install(keyInfo: string, extra = {}) {
    const i = await installAgent(broker, keyInfo, extra);
    roots.push(i.root);
    return i;
  }

  it('JMP-1, JMP-7: one deployment key installs on several computers until its count is used; each gets its own identity (0600), never the key', async () => {
    const d = await createDeployment(admin, { maxInstalls: 2, tag: 'servers', comments: 'salle 2' });
    assert.match(d.keyInfo, /^[A-Za-z0-9_-]+\.\d+\.2\.[A-Za-z0-9_-]{43}$/);
    assert.ok(d.downloadUrl.startsWith(`${broker.url}/download/jump/linux-x64?key=`));
    assert.ok(d.commands.some((c: any) => c.command.includes('--jc-tag servers')));
    const a = await install(d.keyInfo);
    const b = await install(d.keyInfo);
    assert.notEqual(a.identity.clientId, b.identity.clientId);
    const file = join(a.installDir, 'identity.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = readFileSync(file, 'utf8');
    assert.ok(!stored.includes(d.keyInfo.split('.')[0]), 'the deployment key is not kept on the client');
    assert.equal(JSON.parse(stored).pin, broker.fingerprint);
    await assert.rejects(install(d.keyInfo), (e: InstallError) => e.code === 'invalid_deployment_key' && /used as many times/.test(e.message));
    const after = await admin.get(`/api/v1/jump/deployments/${d.id}`);
    assert.equal(after.body.installs, 2);
    const list = await admin.get('/api/v1/jump-clients');
    const mine = list.body.clients.filter((c: any) => c.id === a.identity.clientId)[0];
    assert.equal(mine.tag, 'servers');
    assert.equal(mine.comments, 'salle 2');
    assert.equal(mine.jumpGroup, 'user:admin');
    for (const i of [a, b]) assert.equal((await admin.delete(`/api/v1/jump-clients/${i.identity.clientId}`)).status, 200);
  });

  it('JMP-2: installer parameters override the deployment; a forged, expired or used-up key, an existing or unwritable install directory: refused, nothing installed', async () => {
    const d = await createDeployment(admin, { maxInstalls: 5, tag: 'default' });
    const i = await install(d.keyInfo, { jumpGroup: 'user:admin', tag: 'caisse', comments: 'Magasin de Lyon' });
    const rec = (await admin.get('/api/v1/jump-clients')).body.clients.find((c: any) => c.id === i.identity.clientId);
    assert.equal(rec.tag, 'caisse');
    assert.equal(rec.comments, 'Magasin de Lyon');

    const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-bad-'));
    roots.push(root);
    const existing = join(root, 'exists');
    mkdirSync(existing);
    await assert.rejects(installAgent(broker, d.keyInfo, { installDir: existing }), (e: InstallError) => e.code === 'install_dir_exists');
    const locked = join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    if (process.getuid?.() !== 0) {
      await assert.rejects(installAgent(broker, d.keyInfo, { installDir: join(locked, 'agent') }), (e: InstallError) => e.code === 'install_dir_not_writable');
    }
    await assert.rejects(installAgent(broker, d.keyInfo, { installDir: join(root, 'no', 'parent') }), (e: InstallError) => e.code === 'install_dir_not_writable');
    assert.equal((await admin.get(`/api/v1/jump/deployments/${d.id}`)).body.installs, 1, 'refused directories consume no install');

    const [id, exp, max, sig] = d.keyInfo.split('.');
    const forged = `${id}.${Number(exp) + 86400}.${max}.${sig}`;
    const r1 = await register(admin, forged);
    assert.equal(r1.status, 403);
    assert.equal(r1.body.error.code, 'invalid_deployment_key');
    const malformed = await register(admin, 'not-a-key');
    assert.equal(malformed.status, 400);
    const badGroup = await register(admin, d.keyInfo, { jumpGroup: 'user:nobody' });
    assert.equal(badGroup.body.error.code, 'validation_failed');
    const badTag = await register(admin, d.keyInfo, { tag: 'a\u0007b' });
    assert.equal(badTag.status, 400);

    now.t += 2 * 3600_000;
    try {
      const r2 = await register(admin, d.keyInfo);
      assert.equal(r2.status, 403);
      assert.match(r2.body.error.message, /expired/);
    } finally {
      now.t -= 2 * 3600_000;
    }
    await admin.delete(`/api/v1/jump-clients/${i.identity.clientId}`);
  });

  it('JMP-2: the agent connects with its own secret, reports its computer and shows online; stopped, it is offline with its last-seen time', async () => {
    const d = await createDeployment(admin);
    const i = await install(d.keyInfo);
    const runner = await runAgent(i, 'poste-compta');
    runners.push(runner);
    let rec = (await admin.get('/api/v1/jump-clients?q=compta')).body.clients;
    assert.equal(rec.length, 1);
    assert.equal(rec[0].online, true);
    assert.equal(rec[0].hostName, 'poste-compta');
    assert.equal(rec[0].os, 'Linux 6.1');
    assert.equal(rec[0].userName, 'marie');
    assert.equal(rec[0].privateIp, '10.0.0.7');
    assert.equal(rec[0].version, '0.1.0');
    assert.equal(rec[0].publicIp, '127.0.0.1');
    // Heartbeats every second: still online after several (the agent answers the pings).
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await admin.get('/api/v1/jump-clients?q=compta')).body.clients[0].online, true);
    runner.stop();
    await once(runner.agent, 'offline');
    await waitFor(async () => !(await admin.get('/api/v1/jump-clients?q=compta')).body.clients[0].online);
    rec = (await admin.get('/api/v1/jump-clients?q=compta')).body.clients;
    assert.ok(rec[0].lastSeenAt);
    await admin.delete(`/api/v1/jump-clients/${i.identity.clientId}`);
  });

  it('JMP-2: a secret replayed from another computer is refused and logged; a wrong secret too; the genuine client stays online', async () => {
    const d = await createDeployment(admin);
    const reg = await register(admin, d.keyInfo);
    assert.equal(reg.status, 201);
    const genuine = await JumpSocket.open(broker);
    assert.equal((await genuine.hello(reg.body.clientId, reg.body.secret, reg.proof)).type, 'welcome');
    const thief = await JumpSocket.open(broker);
    const refused = await thief.hello(reg.body.clientId, reg.body.secret, fakeMachine());
    assert.equal(refused.code, 'replayed');
    assert.equal((await thief.closed).code, 4003);
    const wrong = await JumpSocket.open(broker);
    assert.equal((await wrong.hello(reg.body.clientId, 'x'.repeat(43), reg.proof)).code, 'unauthenticated');
    assert.equal((await wrong.closed).code, 4003);
    const list = (await admin.get('/api/v1/jump-clients')).body.clients.find((c: any) => c.id === reg.body.clientId);
    assert.equal(list.online, true);
    await genuine.close();
    await admin.delete(`/api/v1/jump-clients/${reg.body.clientId}`);
  });

  it('JMP-2: bad messages on /ws/jump get typed errors; no hello in time or a silent link is dropped by the heartbeat', async () => {
    const s = await JumpSocket.open(broker);
    s.send('{nope');
    assert.equal((await s.find((m) => m.type === 'error', 'error')).code, 'bad_request');
    assert.equal((await s.closed).code, 4002);
    const s2 = await JumpSocket.open(broker);
    s2.send({ type: 'hello', protocol: 1 });
    assert.equal((await s2.find((m) => m.type === 'error', 'error')).code, 'validation_failed');
    const s3 = await JumpSocket.open(broker);
    s3.send({ type: 'uninstalled' });
    assert.equal((await s3.find((m) => m.type === 'error', 'error')).code, 'out_of_order');
    // A client that stops answering pings is dropped within two heartbeats.
    const d = await createDeployment(admin);
    const reg = await register(admin, d.keyInfo);
    const mute = await JumpSocket.open(broker, { autoPong: false });
    assert.equal((await mute.hello(reg.body.clientId, reg.body.secret, reg.proof)).type, 'welcome');
    const closed = await mute.closed;
    assert.equal(closed.code, 1006);
    await admin.delete(`/api/v1/jump-clients/${reg.body.clientId}`);
  });

  it('STA-2, JMP-8: the licence limit on active Jump Clients refuses the next one with a clear reason; the Status page counts them; a removal frees a place', async () => {
    const before = (await admin.get('/api/v1/site/status')).body.licences;
    assert.equal(before.jumpClientsAllowed, 6);
    const d = await createDeployment(admin, { maxInstalls: 20 });
    const ids: string[] = [];
    for (let n = before.jumpClientsInUse; n < 6; n++) {
      const r = await register(admin, d.keyInfo);
      assert.equal(r.status, 201);
      ids.push(r.body.clientId);
    }
    assert.equal((await admin.get('/api/v1/site/status')).body.licences.jumpClientsInUse, 6);
    const refused = await register(admin, d.keyInfo);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'licence_limit_reached');
    assert.match(refused.body.error.message, /allows 6 active Jump Clients/);
    const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-lic-'));
    roots.push(root);
    await assert.rejects(installAgent(broker, d.keyInfo, { installDir: join(root, 'agent') }), (e: InstallError) => e.code === 'licence_limit_reached');
    assert.equal(existsSync(join(root, 'agent')), false, 'nothing half-installed');
    assert.equal((await admin.get(`/api/v1/jump/deployments/${d.id}`)).body.installs, ids.length, 'a refused install gives its place back');
    await admin.delete(`/api/v1/jump-clients/${ids[0]}`);
    assert.equal((await register(admin, d.keyInfo)).status, 201);
    for (const id of ids) await admin.delete(`/api/v1/jump-clients/${id}`);
  });

  it('JMP-2 (removal from the list): removing a Jump Client uninstalls it: at once when online, at its next connection when not', async () => {
    const d = await createDeployment(admin);
    const i = await install(d.keyInfo);
    const runner = await runAgent(i);
    runners.push(runner);
    const gone = once(runner, 'uninstalled');
    assert.equal((await admin.delete(`/api/v1/jump-clients/${i.identity.clientId}`)).status, 200);
    await gone;
    assert.equal(existsSync(i.installDir), false);
    await waitFor(async () => (await admin.get('/api/v1/jump-clients')).body.clients.every((c: any) => c.id !== i.identity.clientId));

    const j = await install(d.keyInfo);
    const listed = (await admin.get('/api/v1/jump-clients')).body.clients.find((c: any) => c.id === j.identity.clientId);
    assert.equal(listed.online, false);
    await admin.delete(`/api/v1/jump-clients/${j.identity.clientId}`);
    assert.equal((await admin.get('/api/v1/jump-clients')).body.clients.find((c: any) => c.id === j.identity.clientId).removalPending, true);
    const { JumpRunner } = await import('../../src/endpoint/jump/jump-runner.ts');
    const later = new JumpRunner({ installDir: j.installDir, machineProof: j.proof, log: () => undefined });
    runners.push(later);
    const removed = once(later, 'uninstalled');
    later.start();
    await removed;
    assert.equal(existsSync(j.installDir), false);
  });
});

describe('Jump Clients: registration flood limits', () => {
  let admin: ApiClient;

  brokerWithAdmin((_b, a) => (admin = a), { jump: { registrationsPerMinute: 5 } });

  it('JMP-1: a flood of registrations from one address is cut off with rate_limited and logged', async () => {
    const d = await createDeployment(admin, { maxInstalls: 100 });
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) statuses.push((await register(admin, d.keyInfo)).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429]);
  });
});

describe('Jump Clients: rights (USR-10)', () => {
  let admin: ApiClient;

  brokerWithAdmin((_b, a) => (admin = a));

  it('USR-10: a rep deploys and edits only in their own Jump group unless they may manage all; sees only what they may; the API refuses the rest', async () => {
    const rep = await createRep(admin, { username: 'nadia' });
    const manager = await createRep(admin, { username: 'paul', permissions: { jumpManageAll: true } });
    const noJump = await createRep(admin, { username: 'leo', permissions: { jumpClients: false } });
    const own = await rep.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:nadia', validMinutes: 60, maxInstalls: 1 });
    assert.equal(own.status, 201);
    const other = await rep.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:admin', validMinutes: 60, maxInstalls: 1 });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'forbidden');
    assert.equal((await noJump.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:leo', validMinutes: 60, maxInstalls: 1 })).status, 403);
    assert.equal((await manager.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:admin', validMinutes: 60, maxInstalls: 1 })).status, 201);
    const bad = await rep.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'everyone', validMinutes: 60, maxInstalls: 1 });
    assert.equal(bad.status, 400);
    const tooLong = await rep.api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:nadia', validMinutes: 10, maxInstalls: 0 });
    assert.equal(tooLong.status, 400);

    const adminKey = (await createDeployment(admin)).keyInfo;
    const theirs = await new ApiClientLike(admin).register(adminKey);
    const mine = await new ApiClientLike(admin).register(own.body.keyInfo);
    const seen = (await rep.api.get('/api/v1/jump-clients')).body.clients.map((c: any) => c.id);
    assert.deepEqual(seen, [mine]);
    assert.equal((await rep.api.patch(`/api/v1/jump-clients/${theirs}`, { tag: 'x' })).status, 403);
    assert.equal((await rep.api.delete(`/api/v1/jump-clients/${theirs}`)).status, 403);
    assert.equal((await rep.api.post(`/api/v1/jump-clients/${theirs}/jump`)).status, 403);
    assert.equal((await noJump.api.post(`/api/v1/jump-clients/${theirs}/jump`)).status, 403);
    const edited = await rep.api.patch(`/api/v1/jump-clients/${mine}`, { tag: 'portable', comments: 'bureau 12' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.tag, 'portable');
    assert.equal((await manager.api.patch(`/api/v1/jump-clients/${theirs}`, { comments: 'ok' })).status, 200);
    // Offline: a jump is refused with the reason; an unknown id is not found.
    const offline = await rep.api.post(`/api/v1/jump-clients/${mine}/jump`);
    assert.equal(offline.status, 409);
    assert.equal(offline.body.error.code, 'jump_client_offline');
    assert.equal((await rep.api.post('/api/v1/jump-clients/jc_AAAAAAAAAAAAAAAAAAAAAA/jump')).status, 404);
    assert.equal((await rep.api.post('/api/v1/jump-clients/nope/jump')).status, 400);
    for (const c of [rep, manager, noJump]) await c.api.close();
  });
});

class ApiClientLike {
  constructor(private readonly api: ApiClient) {}
  async register(keyInfo: string): Promise<string> {
    const r = await register(this.api, keyInfo);
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body.clientId;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
