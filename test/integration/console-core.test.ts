// console-core against a real broker, the way the desktop app runs it (bearer token, `ws`
// WebSocket pinned to the site's certificate): login, the rep connection and presence (STA-6),
// terminate (STA-7), own password change (ACC-3) keeping the console, and typed errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { createConsoleCore, type ConnectionState, type ConsoleApi, type FetchLike, type WebSocketLike } from '../../src/console-core/index.ts';
import { ApiError } from '../../src/console-core/api-error.ts';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';

function desktopCore(broker: TestBroker) {
  const dispatcher = new Agent({ connect: { ca: broker.certificate } });
  const pinnedFetch: FetchLike = (url, init) => fetch(url, { method: init.method, headers: init.headers, body: init.body, dispatcher });
  const core = createConsoleCore({
    baseUrl: broker.url,
    mode: 'desktop',
    fetch: pinnedFetch,
    createWebSocket: (url, protocols) => new WebSocket(url, protocols, { ca: broker.certificate }) as unknown as WebSocketLike,
    connection: { reconnectBaseMs: 20 },
  });
  return { core, close: async () => (core.dispose(), await dispatcher.close()) };
}

/** Resolves when the connection reaches `state` (now or later). */
function until(core: ConsoleApi, state: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = core.connection.onState((s) => {
      if (s === state) {
        off();
        resolve();
      }
    });
    void core.connection.state().then((s) => {
      if (s === state) {
        off();
        resolve();
      }
    });
  });
}

describe('console-core against a real broker (desktop mode)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  brokerWithAdmin((b, a) => ((broker = b), (admin = a)));

  it('STA-6: after login the rep connection opens and the rep is listed as logged in', async () => {
    const rep = await createRep(admin, { username: 'core1', displayName: 'Core One' });
    await rep.api.close();
    const { core, close } = desktopCore(broker);
    const session = await core.auth.login('core1', rep.password);
    assert.equal(session.user.username, 'core1');
    assert.equal('token' in session, false, 'the renderer never sees the bearer token');
    await until(core, 'OPEN');
    const listed = (await admin.get('/api/v1/site/reps')).body.reps.find((r: any) => r.username === 'core1');
    assert.equal(listed?.client, 'desktop');
    await close();
  });

  it('STA-7: terminating the connection emits terminated with the reason and ends the login', async () => {
    const rep = await createRep(admin, { username: 'core2' });
    await rep.api.close();
    const { core, close } = desktopCore(broker);
    await core.auth.login('core2', rep.password);
    await until(core, 'OPEN');
    const terminated = new Promise<string>((resolve) => core.onTerminated((e) => resolve(e.reason)));
    const conn = (await admin.get('/api/v1/site/reps')).body.reps.find((r: any) => r.username === 'core2');
    assert.equal((await admin.delete(`/api/v1/site/reps/${conn.connectionId}`)).status, 200);
    assert.equal(await terminated, 'terminated_by_admin');
    assert.equal(await core.connection.state(), 'CLOSED');
    assert.equal(await core.auth.restore(), null, 'the login session ended too');
    await close();
  });

  it('ACC-3: changing one\'s own password keeps the console connected', async () => {
    const rep = await createRep(admin, { username: 'core3' });
    await rep.api.close();
    const { core, close } = desktopCore(broker);
    await core.auth.login('core3', rep.password);
    await until(core, 'OPEN');
    let terminated = false;
    core.onTerminated(() => (terminated = true));
    const states: ConnectionState[] = [];
    const off = core.connection.onState((st) => states.push(st));
    await core.me.changePassword({ currentPassword: rep.password, newPassword: 'An0ther!Pass' });
    // The broker closes the account's other consoles, not the one that changed the password.
    // Another console of the account logging in is a round trip through the broker: a close of ours would be here by then.
    const other = desktopCore(broker);
    await other.core.auth.login('core3', 'An0ther!Pass');
    await until(other.core, 'OPEN');
    await other.close();
    assert.equal(await core.connection.state(), 'OPEN');
    off();
    assert.deepEqual(states, [], 'the connection never dropped');
    assert.equal(terminated, false);
    assert.equal((await core.auth.restore())?.user.username, 'core3');
    await close();
  });

  it('LOG-2: a login that must change its password does not open the rep connection until it is changed', async () => {
    const rep = await createRep(admin, { username: 'core4', mustChangePassword: true });
    await rep.api.close();
    const { core, close } = desktopCore(broker);
    const session = await core.auth.login('core4', rep.password);
    assert.equal(session.passwordChangeRequired, true);
    assert.equal(await core.connection.state(), 'CLOSED');
    const refused = await core.site.status().catch((e: unknown) => e);
    assert.ok(refused instanceof ApiError && refused.code === 'password_change_required');
    await core.me.changePassword({ currentPassword: rep.password, newPassword: 'Ch4nged!Now' });
    await until(core, 'OPEN');
    await close();
  });

  it('errors arrive typed: wrong password, policy reasons, own account, forbidden', async () => {
    const { core, close } = desktopCore(broker);
    const wrong = await core.auth.login('admin', 'nope').catch((e: unknown) => e);
    assert.ok(wrong instanceof ApiError);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.code, 'invalid_credentials');

    const session = await core.auth.login('admin', 'Adm1n!Passw0rd');
    const weak = (await core.users.create({ username: 'weakling', displayName: 'W', password: 'short' }).catch((e: unknown) => e)) as ApiError;
    assert.equal(weak.code, 'password_policy');
    assert.deepEqual(weak.policyFailures, ['min_length', 'uppercase', 'digit', 'special']);
    const own = (await core.users.delete(session.user.id).catch((e: unknown) => e)) as ApiError;
    assert.equal(own.code, 'own_account');

    const created = await core.users.create({ username: 'plainrep', displayName: 'Plain', password: 'Pl4in!Pass' });
    assert.equal((await core.users.list('plainrep'))[0]?.id, created.id);
    await core.auth.logout();
    const repCore = desktopCore(broker);
    await repCore.core.auth.login('plainrep', 'Pl4in!Pass');
    const forbidden = (await repCore.core.users.list().catch((e: unknown) => e)) as ApiError;
    assert.equal(forbidden.code, 'forbidden');
    await repCore.close();
    await close();
  });

  it('site: status, settings and the public facts the login page needs', async () => {
    const { core, close } = desktopCore(broker);
    await core.auth.login('admin', 'Adm1n!Passw0rd');
    assert.equal((await core.auth.publicSiteInfo()).passwordResetEnabled, false);
    const settings = await core.site.updateSettings({ passwordResetEnabled: true, timeZone: 'Europe/Paris' });
    assert.equal(settings.timeZone, 'Europe/Paris');
    assert.equal((await core.auth.publicSiteInfo()).passwordResetEnabled, true);
    const status = await core.site.status();
    assert.ok(status.timeZones.includes('Europe/Paris'));
    await core.auth.logout();
    assert.equal(await core.connection.state(), 'CLOSED');
    await close();
  });

  it('ACC-1: the desktop console lists the console installers with its token (no cookie)', async () => {
    const rep = await createRep(admin, { username: 'core9' });
    await rep.api.close();
    const { core, close } = desktopCore(broker);
    await core.auth.login('core9', rep.password);
    const list = await core.site.consoleDownloads();
    assert.deepEqual(list.downloads, [], 'no console build published on this test broker');
    assert.equal(list.detected, null, 'the broker cannot tell the OS from the desktop app\'s requests');
    await close();
  });
});
