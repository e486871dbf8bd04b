// JMP-6, Linux service mode, for real (as root, which this container is): the real Linux single
// executable installed with --service creates its unprivileged system user (no login shell),
// gives it the install folder and the identity (0600), writes the unit with User= that account,
// and the installed executable, run as that user with no login session (no DISPLAY, no
// XDG_RUNTIME_DIR, no terminal), comes online. systemd itself is not PID 1 here: the unit is
// checked statically in jump-sea.test.ts. A test user name keeps the machine's own account alone.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';

const exe = join(appRoot().root, 'dist', 'jump', 'passerelle-jump-linux-x64');
const root = process.getuid?.() === 0 && spawnSync('which', ['useradd']).status === 0;
const USER = `pjtest${process.pid % 100000}`;

describe('Linux service mode for real (JMP-6)', { skip: root ? false : 'needs root and useradd' }, () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const base = mkdtempSync(join(tmpdir(), 'passerelle-jump-service-'));
  let agentExited: Promise<unknown> = Promise.resolve();
  let agentPid = 0;

  before(async () => {
    if (!existsSync(exe)) execFileSync(process.execPath, ['scripts/build-jump-sea.mjs'], { cwd: appRoot().root, stdio: 'ignore' });
    chmodSync(base, 0o755); // the service user must reach its folder
    broker = await startTestBroker();
    admin = await adminClient(broker);
  });
  after(async () => {
    if (agentPid) {
      try {
        process.kill(agentPid);
      } catch {
        // already gone
      }
    }
    await agentExited; // userdel refuses while the user has a process
    spawnSync('userdel', [USER], { stdio: 'ignore' });
    assert.notEqual(spawnSync('getent', ['passwd', USER]).status, 0, `the test user ${USER} is removed`);
    await admin?.close();
    await broker?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  const run = (file: string, args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      c.once('exit', (code) => resolve({ code, out }));
    });

  it('JMP-6: installed as root with --service, it runs as its own unprivileged system user who owns the folder, and comes online with nobody logged in', async () => {
    const d = await createDeployment(admin, { platform: 'linux-x64', maxInstalls: 2 });
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    const installer = join(base, 'installer');
    writeFileSync(installer, Buffer.from(await res.arrayBuffer()), { mode: 0o755 });
    const dir = join(base, 'opt-passerelle-jump');
    const r = await run(installer, ['--service', '--service-user', USER, '--install-dir', dir, '--jc-tag', 'service']);
    assert.equal(r.code, 0, r.out);

    const account = execFileSync('getent', ['passwd', USER], { encoding: 'utf8' }).trim().split(':');
    const uid = Number(account[2]);
    assert.ok(uid > 0 && uid < 1000, `a system account (uid ${uid})`);
    assert.equal(account[6], '/usr/sbin/nologin', 'no login shell');
    for (const f of ['', 'identity.json', 'passerelle-jump']) assert.equal(statSync(join(dir, f)).uid, uid, `${f || 'the folder'} belongs to ${USER}`);
    assert.equal(statSync(join(dir, 'identity.json')).mode & 0o777, 0o600);
    const unit = readdirSync(dir).find((f) => f.endsWith('.service'))!;
    assert.match(readFileSync(join(dir, unit), 'utf8'), new RegExp(`^User=${USER}$`, 'm'));

    // What systemd would do: run the installed executable as that user, with no login session.
    const log = openSync(join(base, 'agent.log'), 'w');
    const env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
    const agent = spawn('setpriv', [`--reuid=${uid}`, `--regid=${account[3]}`, '--clear-groups', join(dir, 'passerelle-jump'), 'run', '--install-dir', dir], { env, stdio: ['ignore', log, log] });
    closeSync(log);
    agentPid = agent.pid!;
    agentExited = new Promise((res2) => agent.once('exit', res2));
    let online = false;
    for (let i = 0; i < 300 && !online; i++) {
      online = ((await admin.get('/api/v1/jump-clients?q=service')).body.clients[0]?.online as boolean | undefined) === true;
      if (!online) await new Promise((res2) => setTimeout(res2, 200));
    }
    assert.ok(online, readFileSync(join(base, 'agent.log'), 'utf8'));
    const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
    assert.match(status, new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'), 'runs as the service user, not root');

    // Bad input: the account name is checked, and a failed install leaves neither folder nor user.
    const bad = await run(installer, ['--service', '--service-user', 'Not A User', '--install-dir', join(base, 'other')]);
    assert.equal(bad.code, 2, bad.out);
    assert.equal(existsSync(join(base, 'other')), false);
  });
});
