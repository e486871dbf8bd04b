// JMP-5: a running Jump Client (the real Linux single executable, installed from the wizard's
// link) updates itself when the site is upgraded: the broker restarts with a newer executable and
// its manifest, offers it signed with the site's update key, and the agent downloads it, checks
// size, SHA-512 and signature, swaps, restarts and comes back online with the new version. A
// failed update (the announced SHA-512 does not match the file) leaves the old version running.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';

const OLD = '0.1.0-old';
const NEW = '9.9.9';
const NAME = 'passerelle-jump-linux-x64';
const sha512 = (file: string) => createHash('sha512').update(readFileSync(file)).digest('hex');

describe('Jump Client self-update (JMP-5)', () => {
  const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-update-'));
  const builds = { old: join(root, 'build-old'), new: join(root, 'build-new') };
  const site = join(root, 'site'); // the broker's installers folder
  const dataDir = join(root, 'data');
  const installDir = join(root, 'computer', 'passerelle-jump');
  let broker: TestBroker;
  let admin: ApiClient;
  let port = 0;

  const build = (out: string, version: string) =>
    execFileSync(process.execPath, ['scripts/build-jump-sea.mjs', '--out', out], { cwd: appRoot().root, env: { ...process.env, PASSERELLE_JUMP_VERSION: version }, stdio: 'ignore' });
  const publish = (from: string, manifest?: string) => {
    copyFileSync(join(from, NAME), join(site, NAME));
    writeFileSync(join(site, `${NAME}.update.json`), manifest ?? readFileSync(join(from, `${NAME}.update.json`)));
  };
  async function startSite(): Promise<void> {
    broker = await startTestBroker({ dataDir, jumpInstallersDir: site, port, jump: { heartbeatSeconds: 1 } });
    port = Number(new URL(broker.url).port);
    admin = await adminClient(broker);
  }
  async function upgradeSite(): Promise<void> {
    await admin.close();
    await broker.stop();
    await startSite();
  }
  const client = async () => ((await admin.get('/api/v1/jump-clients')).body as { clients: { online: boolean; version: string }[] }).clients[0];
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 900; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gave up waiting for ${what}\n${existsSync(join(installDir, 'agent.log')) ? readFileSync(join(installDir, 'agent.log'), 'utf8') : ''}`);
  }
  const agentLog = () => readFileSync(join(installDir, 'agent.log'), 'utf8');

  before(async () => {
    build(builds.old, OLD);
    build(builds.new, NEW);
    mkdirSync(site);
    mkdirSync(dataDir);
    mkdirSync(join(root, 'computer'));
    publish(builds.old);
    await startSite();
  });
  after(async () => {
    // The agent (whichever version) runs detached: stop it by its pid file.
    try {
      process.kill(Number(readFileSync(join(installDir, 'agent.pid'), 'utf8')));
    } catch {
      // not running
    }
    await admin?.close();
    await broker?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('JMP-5: after a site upgrade the running Jump Client downloads the new version, checks it, swaps and comes back with it; a failed update leaves the old one running', async () => {
    const d = await createDeployment(admin, { platform: 'linux-x64' });
    const installer = join(root, 'installer');
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    writeFileSync(installer, Buffer.from(await res.arrayBuffer()), { mode: 0o755 });
    const installed = spawn(installer, ['--install-dir', installDir], { stdio: 'ignore' });
    assert.equal(await new Promise((r) => installed.once('exit', r)), 0, 'installed');
    const exe = join(installDir, 'passerelle-jump');
    const identity = JSON.parse(readFileSync(join(installDir, 'identity.json'), 'utf8'));
    assert.ok(identity.updateKey, 'the site gave its update key at registration');

    const out = openSync(join(installDir, 'agent.log'), 'a');
    const first = spawn(exe, ['run', '--install-dir', installDir], { stdio: ['ignore', out, out] });
    closeSync(out);
    const firstExit = new Promise<number | null>((r) => first.once('exit', (c) => r(c)));
    await until('the old version online', async () => (await client())?.online === true && (await client())?.version === OLD);

    // An upgrade whose manifest announces a SHA-512 the file does not have: refused, old one stays.
    const manifest = JSON.parse(readFileSync(join(builds.new, `${NAME}.update.json`), 'utf8'));
    publish(builds.new, JSON.stringify({ ...manifest, sha512: 'ab'.repeat(64) }));
    await upgradeSite();
    await until('the failed update reported', async () => /update to 9\.9\.9 failed, staying on 0\.1\.0-old: the download does not match the announced SHA-512/.test(agentLog()));
    await until('the old version back online', async () => (await client())?.online === true);
    assert.equal((await client())!.version, OLD);
    assert.equal(sha512(exe), sha512(join(builds.old, NAME)), 'the installed executable is untouched');
    assert.equal(existsSync(`${exe}.update`), false, 'nothing staged is left');
    assert.equal(first.exitCode, null, 'the old version keeps running');

    // The real upgrade.
    publish(builds.new);
    await upgradeSite();
    assert.equal(await firstExit, 0, 'the old version stops after swapping');
    await until('the new version online', async () => (await client())?.online === true && (await client())?.version === NEW);
    assert.equal(sha512(exe), manifest.sha512, 'the installed executable is the new one');
    await until('the replaced version removed', async () => !existsSync(`${exe}.old`));
    assert.match(agentLog(), /updated to 9\.9\.9; restarting/);
  });
});
