// JMP-10, USR-12: attach and detach a Jump Client during a session, through the real broker.
// The customer receives a one-install deployment key; the real attach code registers with it
// and the session log says so; the Jump Client (the real runner) comes online; detach removes it
// and it uninstalls itself. Bad input: a rep without the right, a rep not in the session, web
// chat, a second attach, a reused key, a detach with nothing attached, a failure report with no
// attach asked, a session that is not running, a customer client without the site's pin.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appRoot } from '../../src/broker/app-root.ts';
import { attachJumpClient } from '../../src/endpoint/jump/attach.ts';
import { AUTOSTART_DESKTOP, parseDesktopExec } from '../../src/endpoint/jump/autostart.ts';
import { InstallError } from '../../src/endpoint/jump/install.ts';
import { JumpRunner } from '../../src/endpoint/jump/jump-runner.ts';
import { ADMIN_PASSWORD, adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { register } from '../support/jump.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

describe('Attach and detach a Jump Client during a session (JMP-10, USR-12)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let console_: RepSocket;
  const roots: string[] = [];
  const sockets: { close(): Promise<unknown> }[] = [];

  before(async () => {
    broker = await startTestBroker();
    admin = await adminClient(broker);
    console_ = await repConsole(broker, { username: 'admin', password: ADMIN_PASSWORD, api: admin });
  });
  after(async () => {
    for (const s of sockets) await s.close().catch(() => undefined);
    await console_?.close();
    await admin?.close();
    await broker?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  /** A customer in admin's personal queue, accepted by admin. */
  async function session(client = 'customer_client'): Promise<{ c: CustomerSocket; lsid: string }> {
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: 'admin' }, { name: 'Zoé' }, client);
    sockets.push(c);
    const w = await c.welcome();
    assert.equal(w.type, 'welcome', JSON.stringify(w));
    const r = await console_.call({ type: 'session.accept', lsid: w.lsid });
    assert.notEqual(r.type, 'error', JSON.stringify(r));
    return { c, lsid: w.lsid as string };
  }
  const attach = (api: ApiClient, lsid: string) => api.post(`/api/v1/sessions/${lsid}/jump-client`, {});
  const detach = (api: ApiClient, lsid: string) => api.delete(`/api/v1/sessions/${lsid}/jump-client`);

  it('JMP-10: attach sends the customer client a one-install key; it installs, the log says attached, the Jump Client comes online; detach removes it and it uninstalls itself', async () => {
    const { c, lsid } = await session();
    const asked = c.find((m) => m.type === 'jump.attach', 'jump.attach');
    const res = await attach(admin, lsid);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body, { jumpGroup: 'user:admin' });
    const msg = await asked;
    await repEvent(console_, lsid, 'jump_client_attach_requested');

    const root = mkdtempSync(join(tmpdir(), 'passerelle-attach-'));
    roots.push(root);
    const installDir = join(root, 'share', 'passerelle-jump');
    const attachedEvent = repEvent(console_, lsid, 'jump_client_attached');
    const a = await attachJumpClient({ broker: broker.url, pin: broker.fingerprint, keyInfo: msg.keyInfo, jumpGroup: msg.jumpGroup }, { installDir, start: false, env: { XDG_CONFIG_HOME: join(root, 'config') } });
    const ev = await attachedEvent;
    assert.equal(ev.event.body.clientId, a.clientId);
    assert.equal((await c.event('jump_client_attached')).event.body.clientId, a.clientId, 'the customer sees it too');

    const runner = new JumpRunner({ installDir, log: () => undefined });
    const online = once(runner.agent, 'online');
    runner.start();
    await online;
    const listed = (await admin.get('/api/v1/jump-clients')).body.clients.find((x: { id: string }) => x.id === a.clientId);
    assert.equal(listed.jumpGroup, 'user:admin');
    assert.equal(listed.online, true);
    assert.match(listed.comments, new RegExp(`Attached during session ${lsid}`));

    // The key was for one install; a second attach while this one is online is refused.
    assert.equal((await register(admin, msg.keyInfo)).status, 403);
    const again = await attach(admin, lsid);
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /already attached/);

    const gone = once(runner, 'uninstalled');
    const detachedEvent = repEvent(console_, lsid, 'jump_client_detached');
    const d = await detach(admin, lsid);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal(d.body.clientId, a.clientId);
    await detachedEvent;
    await gone;
    assert.equal(existsSync(installDir), false, 'uninstalled itself');
    assert.equal(existsSync(join(root, 'config', 'autostart', AUTOSTART_DESKTOP)), false, 'its autostart entry too');
    const second = await detach(admin, lsid);
    assert.equal(second.status, 404);
    assert.match(second.body.error.message, /No Jump Client is attached/);
  });

  it('JMP-10: an attached Jump Client starts again at the next log-on: the XDG autostart entry it writes runs the agent, which comes online; detach removes the entry with the client', async () => {
    const { c, lsid } = await session();
    const asked = c.find((m) => m.type === 'jump.attach', 'jump.attach');
    assert.equal((await attach(admin, lsid)).status, 202);
    const msg = await asked;
    const home = mkdtempSync(join(tmpdir(), 'passerelle-attach-home-'));
    roots.push(home);
    const installDir = join(home, '.local', 'share', 'passerelle-jump');
    // What the customer client runs it with, outside this repository's folder: node, the tsx loader by path, the CLI.
    const run = { command: process.execPath, args: ['--import', import.meta.resolve('tsx'), join(appRoot().root, 'src', 'cli', 'index.ts'), 'jump', 'run', '--install-dir', installDir] };
    const a = await attachJumpClient({ broker: broker.url, pin: broker.fingerprint, keyInfo: msg.keyInfo, jumpGroup: msg.jumpGroup }, { installDir, start: false, run, env: { HOME: home } });
    const file = join(home, '.config', 'autostart', AUTOSTART_DESKTOP);
    assert.deepEqual(a.autostart, { kind: 'xdg', file }, 'HOME/.config/autostart when XDG_CONFIG_HOME is not set');
    const entry = readFileSync(file, 'utf8');
    assert.match(entry, /^\[Desktop Entry\]\nType=Application\n/);
    assert.match(entry, /^Name=Passerelle Jump Client$/m);
    assert.match(entry, /^Name\[fr\]=Client Jump Passerelle$/m);
    assert.match(entry, /^NoDisplay=true$/m);
    assert.match(entry, /^X-GNOME-Autostart-enabled=true$/m);
    const exec = /^Exec=(.*)$/m.exec(entry)![1]!;
    assert.deepEqual(parseDesktopExec(exec), [run.command, ...run.args]);

    // The log-on: the session manager runs the Exec line, from the user's home.
    const [command, ...args] = parseDesktopExec(exec);
    const agent = spawn(command!, args, { cwd: home, env: { ...process.env, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    agent.stderr!.on('data', (d) => (stderr += d));
    const exited = once(agent, 'exit');
    for (let i = 0; ; i++) {
      const listed = (await admin.get('/api/v1/jump-clients')).body.clients.find((x: { id: string }) => x.id === a.clientId);
      if (listed?.online) break;
      assert.ok(i < 600 && agent.exitCode === null, `the autostarted agent did not come online\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const d = await detach(admin, lsid);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const [code] = await exited;
    assert.equal(code, 3, `uninstalled itself\n${stderr}`);
    assert.equal(existsSync(installDir), false, 'its folder is gone');
    assert.equal(existsSync(file), false, 'and its autostart entry');
  });

  it('JMP-10: a failure on the customer computer goes to the session log, and attach may be asked again; a failure report with nothing asked is refused', async () => {
    const { c, lsid } = await session();
    const stray = await c.action({ type: 'jump_attach_failed', message: 'nothing asked' });
    assert.equal(stray.type, 'error');
    assert.equal(stray.code, 'out_of_order');

    const asked = c.find((m) => m.type === 'jump.attach', 'jump.attach');
    assert.equal((await attach(admin, lsid)).status, 202);
    const msg = await asked;
    assert.equal((await attach(admin, lsid)).status, 409, 'one at a time');
    // What the customer client does without the site's pin: refuses, and says so.
    const err = await attachJumpClient({ broker: broker.url, pin: undefined, keyInfo: msg.keyInfo, jumpGroup: msg.jumpGroup }, { start: false }).catch((e: unknown) => e);
    assert.ok(err instanceof InstallError);
    const logged = repEvent(console_, lsid, 'jump_client_attach_failed');
    const ack = await c.action({ type: 'jump_attach_failed', message: err.message });
    assert.equal(ack.type, 'ack');
    assert.match((await logged).event.body.message, /pin/);
    assert.equal((await attach(admin, lsid)).status, 202, 'asked again after the failure');
  });

  it('USR-12, USR-10: the right to attach, being in the session, the full client and a running session are each required', async () => {
    const plain = await createRep(admin);
    const { lsid } = await session();
    const noRight = await attach(plain.api, lsid);
    assert.equal(noRight.status, 403);
    assert.match(noRight.body.error.message, /not allowed to attach/);
    assert.equal((await detach(plain.api, lsid)).status, 403);

    const allowed = await createRep(admin, { permissions: { attachJumpClients: true, jumpManageAll: true } });
    const notIn = await attach(allowed.api, lsid);
    assert.equal(notIn.status, 403, JSON.stringify(notIn.body));
    assert.match(notIn.body.error.message, /not in this session/);

    const web = await session('web_chat');
    const webRes = await attach(admin, web.lsid);
    assert.equal(webRes.status, 409);
    assert.match(webRes.body.error.message, /full customer client/);

    assert.equal((await attach(admin, 'NoSuchSession1')).status, 404);
    assert.equal((await attach(admin, 'bad id!')).status, 400);
    await plain.api.close();
    await allowed.api.close();
  });
});
