// Site status and settings, logged-in reps and terminate (STA-1, STA-3, STA-5, STA-6, STA-7).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient, adminClient, createRep, startTestBroker, type TestBroker } from '../support/broker.ts';
import { openRepSocket } from '../support/rep-socket.ts';

describe('site status and logged-in reps', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-site-'));
  before(async () => {
    broker = await startTestBroker({ dataDir });
    admin = await adminClient(broker);
  });
  after(async () => {
    await admin.close();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('STA-1: the site time zone is chosen from the list and kept across restarts', async () => {
    const status = await admin.get('/api/v1/site/status');
    assert.equal(status.body.settings.timeZone, 'UTC');
    assert.ok(status.body.timeZones.includes('Europe/Paris'));
    const bad = await admin.patch('/api/v1/site/settings', { timeZone: 'Mars/Olympus_Mons' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    const ok = await admin.patch('/api/v1/site/settings', { timeZone: 'Europe/Paris' });
    assert.equal(ok.body.timeZone, 'Europe/Paris');

    await admin.close();
    await broker.close();
    // A real restart on the same data directory reads the saved setting back.
    broker = await startTestBroker({ dataDir: broker.dataDir });
    admin = await adminClient(broker);
    assert.equal((await admin.get('/api/v1/site/status')).body.settings.timeZone, 'Europe/Paris');
  });

  it('STA-3, STA-5: shows licences and the host name clients connect to, which an admin can change', async () => {
    const status = await admin.get('/api/v1/site/status');
    // STA-5: host and port together; by default the broker's own, as clients reach it.
    assert.equal(status.body.settings.clientHostName, `127.0.0.1:${broker.port}`);
    assert.equal(status.body.licences.namedUsersAllowed, 50);
    assert.ok(status.body.licences.namedUsersInUse >= 1);
    assert.equal(status.body.certificateFingerprint, broker.fingerprint);
    const bad = await admin.patch('/api/v1/site/settings', { clientHostName: 'not a host!' });
    assert.equal(bad.body.error.code, 'validation_failed');
    const ok = await admin.patch('/api/v1/site/settings', { clientHostName: 'support.example.com' });
    assert.equal(ok.body.clientHostName, 'support.example.com');
    const withPort = await admin.patch('/api/v1/site/settings', { clientHostName: 'support.example.com:8443' });
    assert.equal(withPort.body.clientHostName, 'support.example.com:8443');
    const licences = await admin.patch('/api/v1/site/settings', { namedUserLicences: 9999 });
    assert.equal(licences.status, 400, 'licences come from the broker configuration, not the API');
  });

  it('STA-6: lists reps connected to the console with how long they have been connected', async () => {
    const rep = await createRep(admin);
    const desktop = new ApiClient(broker);
    const login = await desktop.login(rep.username, rep.password, 'desktop');
    const sock = await openRepSocket(broker, { bearer: login.body.token });
    const hello = await sock.next('hello');
    const reps = await admin.get('/api/v1/site/reps');
    const mine = reps.body.reps.find((r: any) => r.connectionId === hello.connectionId);
    assert.ok(mine);
    assert.equal(mine.username, rep.username);
    assert.equal(mine.client, 'desktop');
    assert.equal(mine.supportSessions, 0);
    assert.ok(mine.connectedSeconds >= 0);
    sock.ws.close();
    await sock.closed;
    await desktop.close();
    await rep.api.close();
  });

  it('STA-7: an admin terminates a rep\'s console connection, which also ends its login session', async () => {
    const rep = await createRep(admin);
    const desktop = new ApiClient(broker);
    const login = await desktop.login(rep.username, rep.password, 'desktop');
    const sock = await openRepSocket(broker, { bearer: login.body.token });
    const hello = await sock.next('hello');
    const res = await admin.delete(`/api/v1/site/reps/${hello.connectionId}`);
    assert.equal(res.status, 200);
    const msg = await sock.next('terminated');
    assert.equal(msg.reason, 'terminated_by_admin');
    assert.equal((await sock.closed).code, 4001);
    assert.equal((await desktop.get('/api/v1/me')).status, 401);
    const gone = await admin.get('/api/v1/site/reps');
    assert.equal(gone.body.reps.some((r: any) => r.connectionId === hello.connectionId), false);
    assert.equal((await admin.delete(`/api/v1/site/reps/${hello.connectionId}`)).status, 404);
    await desktop.close();
    await rep.api.close();
  });

  it('STA-6: the console socket needs a session, and a browser cookie only from our own origin', async () => {
    await assert.rejects(openRepSocket(broker, {}), /401/);
    await assert.rejects(openRepSocket(broker, { bearer: 'forged' }), /401/);
    const rep = await createRep(admin);
    await assert.rejects(openRepSocket(broker, { cookie: rep.api.cookie!, origin: 'https://evil.example' }), /403/);
    const own = await openRepSocket(broker, { cookie: rep.api.cookie!, origin: broker.url });
    assert.equal((await own.next('hello')).protocol, 1);
    own.ws.close();
    await rep.api.close();
  });

  it('STA-6: malformed console messages get a typed error and the connection stays up', async () => {
    const rep = await createRep(admin);
    const desktop = new ApiClient(broker);
    const login = await desktop.login(rep.username, rep.password, 'desktop');
    const sock = await openRepSocket(broker, { bearer: login.body.token });
    await sock.next('hello');
    for (const bad of ['{nope', JSON.stringify({ type: 'launch_missiles' }), JSON.stringify({ type: 'ping', t: 'x' })]) {
      sock.ws.send(bad);
      const err = await sock.next('error');
      assert.ok(['bad_request', 'validation_failed'].includes(err.code), err.code);
    }
    sock.ws.send(Buffer.alloc(10), { binary: true });
    assert.equal((await sock.next('error')).code, 'bad_request');
    sock.ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    assert.equal((await sock.next('pong')).t, 42);
    sock.ws.close();
    await desktop.close();
    await rep.api.close();
  });

  it('STA-4: restarting needs an administrator and an explicit confirmation; an embedded broker refuses', async () => {
    const rep = await createRep(admin);
    assert.equal((await rep.api.post('/api/v1/site/restart', { confirm: true })).status, 403);
    assert.equal((await admin.post('/api/v1/site/restart', {})).body.error.code, 'validation_failed');
    const embedded = await admin.post('/api/v1/site/restart', { confirm: true });
    assert.equal(embedded.status, 409);
    assert.equal(embedded.body.error.code, 'conflict');
    await rep.api.close();
  });

  it('STA-6: changing one\'s password closes one\'s other consoles, not the one that made the change', async () => {
    const rep = await createRep(admin);
    const [a, b] = [new ApiClient(broker), new ApiClient(broker)];
    const la = await a.login(rep.username, rep.password, 'desktop');
    const lb = await b.login(rep.username, rep.password, 'desktop');
    const sa = await openRepSocket(broker, { bearer: la.body.token });
    const sb = await openRepSocket(broker, { bearer: lb.body.token });
    await sa.next('hello');
    await sb.next('hello');
    assert.equal((await a.post('/api/v1/me/password', { currentPassword: rep.password, newPassword: 'Changed!Pw42' })).status, 200);
    assert.equal((await sb.next('terminated')).reason, 'password_changed');
    sa.ws.send(JSON.stringify({ type: 'ping', t: 7 }));
    assert.equal((await sa.next('pong')).t, 7, 'the changing console stays connected');
    assert.equal(sa.messages.some((m) => m.type === 'terminated'), false);
    sa.ws.close();
    for (const c of [a, b, rep.api]) await c.close();
  });

  it('LOG-3: a reset by security answer closes the account\'s open consoles', async () => {
    const rep = await createRep(admin, { securityQuestion: 'Pet?', securityAnswer: 'Rex' });
    const desktop = new ApiClient(broker);
    const login = await desktop.login(rep.username, rep.password, 'desktop');
    const sock = await openRepSocket(broker, { bearer: login.body.token });
    await sock.next('hello');
    await admin.patch('/api/v1/site/settings', { passwordResetEnabled: true });
    try {
      const anon = new ApiClient(broker);
      const res = await anon.post('/api/v1/auth/password-reset/answer', { username: rep.username, answer: 'rex', newPassword: 'Reset!Pw42' });
      assert.equal(res.status, 200);
      assert.equal((await sock.next('terminated')).reason, 'password_changed');
      await anon.close();
    } finally {
      await admin.patch('/api/v1/site/settings', { passwordResetEnabled: false });
    }
    await desktop.close();
    await rep.api.close();
  });
});
