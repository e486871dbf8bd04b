// JMP-5 for the MSI: a Jump Client installed from the MSI under wine (its agent started by the
// install) updates itself when the site is upgraded with a newer Windows executable: it renames
// its running passerelle-jump.exe aside, puts the checked new one in its place, starts it and
// comes back online with the new version.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { buildJumpMsi } from '../../src/installers/jump-msi.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';
import { createWinePrefix, hasWine, type WinePrefix } from '../support/wine.ts';

const NAME = 'passerelle-jump-win-x64.exe';
const OLD = '0.1.0-old';
const NEW = '9.9.9';
const missing = hasWine();

describe('Self-update of an MSI-installed Jump Client under wine (JMP-5)', { skip: missing ?? false }, () => {
  const root = mkdtempSync(join(tmpdir(), 'passerelle-msi-update-'));
  const site = join(root, 'site');
  const dataDir = join(root, 'data');
  let broker: TestBroker;
  let admin: ApiClient;
  let wine: WinePrefix;
  let port = 0;

  const build = (out: string, version: string) =>
    execFileSync(process.execPath, ['scripts/build-jump-sea.mjs', '--windows', '--out', out], { cwd: appRoot().root, env: { ...process.env, PASSERELLE_JUMP_VERSION: version }, stdio: 'ignore' });
  const publish = (from: string) => {
    copyFileSync(join(from, NAME), join(site, NAME));
    copyFileSync(join(from, `${NAME}.update.json`), join(site, `${NAME}.update.json`));
  };
  async function startSite(): Promise<void> {
    broker = await startTestBroker({ dataDir, jumpInstallersDir: site, port, jump: { heartbeatSeconds: 1 } });
    port = Number(new URL(broker.url).port);
    admin = await adminClient(broker);
  }
  const client = async () => ((await admin.get('/api/v1/jump-clients')).body as { clients: { online: boolean; version: string }[] }).clients[0];
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 900; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  before(async () => {
    build(join(root, 'old'), OLD);
    build(join(root, 'new'), NEW);
    for (const d of [site, dataDir]) mkdirSync(d);
    publish(join(root, 'old'));
    buildJumpMsi({ exe: join(root, 'old', NAME), version: appRoot().version }, join(site, 'passerelle-jump-win-x64.msi'));
    wine = createWinePrefix();
    execFileSync('wine', ['winecfg', '/v', 'win10'], { env: wine.env, stdio: 'ignore', timeout: 120_000 });
    mkdirSync(wine.host('C:\\pkg'), { recursive: true });
    await startSite();
  });
  after(async () => {
    wine?.close();
    await admin?.close();
    await broker?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('JMP-5: after a site upgrade the MSI-installed Jump Client swaps in the new version and comes back online with it', async () => {
    const d = await createDeployment(admin, { platform: 'windows-x64-msi' });
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    writeFileSync(wine.host('C:\\pkg\\j.msi'), Buffer.from(await res.arrayBuffer()));
    const dir = 'C:\\Apps\\PJ';
    const install = spawn('wine', ['msiexec', '/i', 'C:\\pkg\\j.msi', '/qn', `KEY_INFO=${d.keyInfo}`, `installdir=${dir}`], { env: wine.env, stdio: 'ignore' });
    assert.equal(await new Promise((r) => install.once('exit', r)), 0, 'installed');
    await until('the MSI-installed agent online with the old version', async () => (await client())?.online === true && (await client())?.version === OLD);

    publish(join(root, 'new'));
    await admin.close();
    await broker.stop();
    await startSite();
    await until('the new version online', async () => (await client())?.online === true && (await client())?.version === NEW);
    const exe = join(wine.host(dir), 'passerelle-jump.exe');
    assert.equal(createHash('sha512').update(readFileSync(exe)).digest('hex'), JSON.parse(readFileSync(join(root, 'new', `${NAME}.update.json`), 'utf8')).sha512);
    await until('the replaced version removed', async () => !existsSync(`${exe}.old`));
  });
});
