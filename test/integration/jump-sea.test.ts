// JMP-2, JMP-4, JMP-6 with the real Linux single executable (Node SEA, scripts/build-jump-sea.mjs):
// downloaded from the wizard's link (the broker appends the site, its pin and the deployment key),
// it installs into a chosen new directory with --jc-* parameters and no other option, the copy it
// installs carries no key, its systemd unit passes `systemd-analyze verify`, and the installed
// executable connects and shows online. Bad input: an existing directory, a used-up key.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { readTrailer } from '../../src/endpoint/embedded-config.ts';
import { SERVICE_USER, systemdUnit } from '../../src/endpoint/jump/systemd-unit.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';
import { JumpProcess } from '../support/jump-process.ts';

const exe = join(appRoot().root, 'dist', 'jump', 'passerelle-jump-linux-x64');

/** Runs a program without blocking this process (the broker under test lives here). */
function run(file: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ status: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

describe('The Linux Jump Client executable (JMP-2, JMP-4, JMP-6)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-sea-'));
  let downloaded = '';
  let keyInfo = '';

  before(async () => {
    if (!existsSync(exe)) execFileSync(process.execPath, ['scripts/build-jump-sea.mjs'], { cwd: appRoot().root, stdio: 'ignore' });
    broker = await startTestBroker({ jump: { heartbeatSeconds: 2 } });
    admin = await adminClient(broker);
    const d = await createDeployment(admin, { maxInstalls: 1, tag: 'default-tag' });
    keyInfo = d.keyInfo;
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    assert.equal(res.status, 200);
    downloaded = join(root, 'passerelle-jump-linux-x64');
    writeFileSync(downloaded, Buffer.from(await res.arrayBuffer()));
    chmodSync(downloaded, 0o755);
  });
  after(async () => {
    await admin.close();
    await broker.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('JMP-2, JMP-4: the downloaded executable installs into a new directory with --jc-* parameters, keeps no key, and the installed copy connects and shows online', async () => {
    assert.equal(readTrailer(downloaded)?.keyInfo, keyInfo, 'the download carries the key');
    const dir = join(root, 'Passerelle Jump');
    const install = await run(downloaded, ['--install-dir', dir, '--jc-jump-group', 'user:admin', '--jc-tag', 'sea', '--jc-comments', 'Installé par l’exécutable']);
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stdout, /Jump Client jc_\S+ installed in /);
    const files = readdirSync(dir).sort();
    assert.deepEqual(files.filter((f) => !f.endsWith('.service')), ['identity.json', 'passerelle-jump']);
    const installed = join(dir, 'passerelle-jump');
    assert.equal(readTrailer(installed), undefined, 'the installed copy has no trailer');
    const tail = readFileSync(installed).subarray(-4096).toString('latin1');
    assert.ok(!tail.includes(keyInfo.split('.')[0]!), 'no deployment key in the installed executable');
    assert.ok(!readFileSync(join(dir, 'identity.json'), 'utf8').includes(keyInfo.split('.')[0]!));

    // JMP-6: the unit is generated and checked statically (systemd is not PID 1 here).
    const unit = files.find((f) => f.endsWith('.service'))!;
    const text = readFileSync(join(dir, unit), 'utf8');
    assert.match(text, /^ExecStart="[^"]+\/Passerelle Jump\/passerelle-jump" run --install-dir "[^"]+\/Passerelle Jump"$/m);
    assert.match(text, /^NoNewPrivileges=yes$/m);
    assert.doesNotMatch(text, /^User=/m, 'user mode runs as the user');
    // A user unit's syntax is checked by the system manager (the user manager needs a login session).
    const verify = spawnSync('systemd-analyze', ['verify', join(dir, unit)], { encoding: 'utf8', timeout: 30_000 });
    if (verify.error) console.error('systemd-analyze is not installed: the unit was checked by content only');
    else assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    // JMP-6 service mode: the unit for root's install runs as the unprivileged system user.
    const serviceUnit = join(root, 'passerelle-jump-service.service');
    writeFileSync(serviceUnit, systemdUnit({ installDir: dir, executable: installed, mode: 'service', clientId: 'jc_test' }));
    const service = readFileSync(serviceUnit, 'utf8');
    assert.match(service, new RegExp(`^User=${SERVICE_USER}$`, 'm'));
    assert.match(service, /^NoNewPrivileges=yes$/m);
    assert.match(service, /^WantedBy=multi-user.target$/m);
    if (!verify.error) {
      const v2 = spawnSync('systemd-analyze', ['verify', serviceUnit], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(v2.status, 0, `${v2.stdout}${v2.stderr}`);
    }

    const agent = new JumpProcess(['run', '--install-dir', dir], process.env, [installed]);
    try {
      await agent.line(/online at https:\/\/127\.0\.0\.1:\d+ as jc_/, 30_000);
      const c = (await admin.get('/api/v1/jump-clients?q=sea')).body.clients[0];
      assert.equal(c.online, true);
      assert.equal(c.comments, 'Installé par l’exécutable');
      assert.equal(c.platform, 'linux-x64');
    } finally {
      await agent.stop();
    }
  });

  it('JMP-2: an existing install directory, and a used-up key: refused with the reason and an exit code, nothing installed', async () => {
    const existing = join(root, 'exists');
    mkdirSync(existing);
    const r1 = await run(downloaded, ['--install-dir', existing]);
    assert.equal(r1.status, 10);
    assert.match(r1.stderr, /exists/);
    assert.deepEqual(readdirSync(existing), []);
    const fresh = join(root, 'second');
    const r2 = await run(downloaded, ['--install-dir', fresh]);
    assert.equal(r2.status, 11, r2.stderr);
    assert.match(r2.stderr, /used as many times/);
    assert.equal(existsSync(fresh), false);
  });
});
