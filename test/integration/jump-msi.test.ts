// JMP-3 (and JMP-2's rules through it): the Jump Client MSI, built with wixl around the Windows
// single executable, downloaded from the wizard's link (the broker writes the site and its pin
// into the package), installed for real with wine's `msiexec /i … /qn` and the guide's
// properties, checked in files and registry, registered and online, then uninstalled cleanly.
// Bad input: an existing folder, a bad jc_jump_group, a bad jc_tag, a forged KEY_INFO, no KEY_INFO
// and a package not from a site: each refused, nothing left behind, and the reason logged.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import { JUMP_REGISTRY_KEY, JUMP_RUN_KEY, JUMP_RUN_VALUE, buildJumpMsi, jumpMsiPath } from '../../src/installers/jump-msi.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { createDeployment } from '../support/jump.ts';
import { createWinePrefix, hasWine, type WinePrefix } from '../support/wine.ts';

const { root, version } = appRoot();
const dist = join(root, 'dist', 'jump');
const exe = join(dist, 'passerelle-jump-win-x64.exe');
const missing = hasWine();

describe('The Jump Client MSI under wine (JMP-3)', { skip: missing ?? false }, () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let wine: WinePrefix;
  let keyInfo = '';
  const pkg = 'C:\\pkg\\passerelle-jump-win-x64.msi';
  let logN = 0;

  /** msiexec without blocking this process (the broker answers the registration from here). */
  function msiexec(args: string[]): Promise<{ status: number | null; log: string }> {
    const log = `C:\\logs\\jump-msi-${++logN}.log`;
    const child = spawn('wine', ['msiexec', ...args, '/l*v', log], { env: wine.env, stdio: 'ignore' });
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve({ status: code, log: existsSync(wine.host(log)) ? readFileSync(wine.host(log), 'latin1') : '' }));
    });
  }

  const listed = async (q: string) => ((await admin.get(`/api/v1/jump-clients${q ? `?q=${encodeURIComponent(q)}` : ""}`)).body as { clients: any[] }).clients;
  async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 300): Promise<T> {
    for (let i = 0; i < tries; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gave up waiting for ${what}`);
  }
  const errorLog = () => {
    const f = wine.host('C:\\ProgramData\\Passerelle\\jump-install-errors.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  };
  function assertNothingInstalled(where: string, dir: string): void {
    assert.equal(wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`), null, `${where}: ${JUMP_REGISTRY_KEY} left behind`);
    assert.ok(!wine.regQuery(`HKLM\\${JUMP_RUN_KEY}`)?.has(JUMP_RUN_VALUE), `${where}: Run entry left behind`);
    assert.ok(!existsSync(join(wine.host(dir), 'passerelle-jump.exe')), `${where}: executable left in ${dir}`);
    assert.ok(!existsSync(join(wine.host(dir), 'identity.json')), `${where}: identity left in ${dir}`);
  }

  before(async () => {
    if (!existsSync(exe)) execFileSync(process.execPath, ['scripts/build-jump-sea.mjs', '--windows'], { cwd: root, stdio: 'ignore' });
    buildJumpMsi({ exe, version }, jumpMsiPath(dist));
    wine = createWinePrefix();
    execFileSync('wine', ['winecfg', '/v', 'win10'], { env: wine.env, stdio: 'ignore', timeout: 120_000 });
    for (const d of ['C:\\pkg', 'C:\\logs']) mkdirSync(wine.host(d), { recursive: true });
    broker = await startTestBroker();
    admin = await adminClient(broker);
    const d = await createDeployment(admin, { platform: 'windows-x64-msi', maxInstalls: 5, tag: 'from-wizard' });
    keyInfo = d.keyInfo;
    assert.match(d.commands[0].command, /^msiexec \/i passerelle-jump-win-x64\.msi \/qn KEY_INFO=\S+ jc_jump_group=user:admin jc_tag=from-wizard installdir=/);
    const res = await fetch(d.downloadUrl, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    assert.equal(res.status, 200);
    writeFileSync(wine.host(pkg), Buffer.from(await res.arrayBuffer()));
    // An unpersonalised copy: what the build produces before a site serves it.
    writeFileSync(wine.host('C:\\pkg\\unpersonalised.msi'), readFileSync(jumpMsiPath(dist)));
  });
  after(async () => {
    wine?.close();
    await admin?.close();
    await broker?.stop();
  });

  it('JMP-3: the downloaded MSI carries the site and its pin, installs with KEY_INFO, jc_jump_group, jc_tag, jc_comments and installdir, registers, comes online, and uninstalls cleanly', async () => {
    const props = execFileSync('msiinfo', ['export', wine.host(pkg), 'Property'], { encoding: 'utf8' });
    assert.match(props, new RegExp(`PASSERELLE_SITE\\t${broker.url.replace(/[.]/g, '\\.')}`));
    assert.ok(props.includes(`PASSERELLE_PIN\t${broker.fingerprint}`), 'the pin of the site that served it');

    const dir = 'C:\\Apps\\Passerelle Jump';
    const install = await msiexec(['/i', pkg, '/qn', `KEY_INFO=${keyInfo}`, 'jc_jump_group=user:admin', 'jc_tag=servers', 'jc_comments=Poste de la comptabilité, 2e étage', `installdir=${dir}`]);
    assert.equal(install.status, 0, `install failed\n${install.log.slice(-3000)}\n${errorLog()}`);

    const files = readdirSync(wine.host(dir)).sort();
    assert.ok(files.includes('passerelle-jump.exe') && files.includes('identity.json'), `${files.join()}\n${errorLog()}`);
    const identity = JSON.parse(readFileSync(join(wine.host(dir), 'identity.json'), 'utf8'));
    assert.equal(identity.broker, broker.url);
    assert.equal(identity.pin, broker.fingerprint);
    assert.ok(!readFileSync(join(wine.host(dir), 'identity.json'), 'utf8').includes(keyInfo), 'the deployment key is not kept');

    const reg = wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`);
    assert.ok(reg, 'choices recorded in HKLM');
    assert.equal(reg.get('InstallDir')?.toLowerCase(), `${dir}\\`.toLowerCase());
    assert.equal(reg.get('Version'), version);
    assert.equal(reg.get('Site'), broker.url);
    assert.equal(reg.get('JumpGroup'), 'user:admin');
    assert.equal(reg.get('Tag'), 'servers');
    assert.equal(reg.get('InstallKind'), 'msi');
    assert.equal(wine.regQuery(`HKLM\\${JUMP_RUN_KEY}`)?.get(JUMP_RUN_VALUE), `"${dir}\\passerelle-jump.exe" run --install-dir "${dir}\\."`);

    const c = (await listed('servers'))[0];
    assert.ok(c, 'registered');
    assert.equal(c.tag, 'servers', 'jc_tag overrides the wizard tag');
    assert.equal(c.comments, 'Poste de la comptabilité, 2e étage');
    assert.equal(c.jumpGroup, 'user:admin');
    assert.equal(c.platform, 'win32-x64');
    assert.equal(c.id, identity.clientId);
    // The install starts the agent (and the Run key starts it at log-on).
    await until('the MSI-installed agent online', async () => ((await listed('servers'))[0]?.online ? true : undefined));

    const remove = await msiexec(['/x', pkg, '/qn']);
    assert.equal(remove.status, 0, `uninstall failed\n${remove.log.slice(-3000)}`);
    assertNothingInstalled('after uninstall', dir);
    assert.ok(!existsSync(wine.host(dir)), 'the folder is removed');
    await until('the stopped agent offline', async () => ((await listed('servers'))[0]?.online === false ? true : undefined));
  });

  it('JMP-3: removed from the Jump Clients list, an MSI-installed client uninstalls itself with msiexec /x of its product code: files, registry, Run entry and the product registration go, and it leaves the list', async () => {
    if (wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`)) await msiexec(['/x', pkg, '/qn']);
    const dir = 'C:\\Apps\\Removed Jump';
    const install = await msiexec(['/i', pkg, '/qn', `KEY_INFO=${keyInfo}`, 'jc_tag=to-remove', `installdir=${dir}`]);
    assert.equal(install.status, 0, `install failed\n${install.log.slice(-3000)}\n${errorLog()}`);
    const c = await until('the MSI-installed agent online', async () => (await listed('to-remove')).find((x) => x.online));
    const { productCode } = JSON.parse(readFileSync(join(wine.host(dir), 'msi.json'), 'utf8'));
    assert.match(productCode, /^\{[0-9A-F-]{36}\}$/i, 'msi-install kept the product code');
    assert.equal(wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`)?.get('ProductCode'), productCode);
    const product = `HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${productCode}`;
    assert.ok(wine.regQuery(product), 'Windows lists the installed product');

    assert.equal((await admin.delete(`/api/v1/jump-clients/${c.id}`)).status, 200);
    // The agent hears it, tells the site, and hands over to Windows Installer.
    await until('the package removed by msiexec', async () => (wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`) === null && !existsSync(wine.host(dir)) ? true : undefined), 600);
    assertNothingInstalled('after removal from the list', dir);
    assert.equal(wine.regQuery(product), null, 'Windows no longer lists the product');
    assert.ok(existsSync(wine.host('C:\\ProgramData\\Passerelle\\jump-uninstall.log')), "msiexec's log of the removal");
    await until('the client gone from the list', async () => ((await listed('to-remove')).length === 0 ? true : undefined));
  });

  it('JMP-3, JMP-2: an existing folder, bad property values, a forged or missing KEY_INFO and an unpersonalised package are refused with nothing left behind; the reason goes to the log', async () => {
    // A failed first test may have left the product installed (then /i would only repair it).
    if (wine.regQuery(`HKLM\\${JUMP_REGISTRY_KEY}`)) await msiexec(['/x', pkg, '/qn']);
    const existing = 'C:\\Apps\\Existing';
    mkdirSync(wine.host(existing), { recursive: true });
    writeFileSync(join(wine.host(existing), 'notes.txt'), 'mine');
    const before = (await listed('')).length;
    const forged = keyInfo.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    const cases: { name: string; args: string[]; dir: string; atLaunch: boolean; logged?: RegExp }[] = [
      { name: 'existing folder', args: [`KEY_INFO=${keyInfo}`, `installdir=${existing}`], dir: existing, atLaunch: false },
      { name: 'jc_jump_group=admin', args: [`KEY_INFO=${keyInfo}`, 'jc_jump_group=admin', 'installdir=C:\\Apps\\J1'], dir: 'C:\\Apps\\J1', atLaunch: true },
      { name: 'jc_jump_group=user:no body', args: [`KEY_INFO=${keyInfo}`, 'jc_jump_group=user:no body', 'installdir=C:\\Apps\\J2'], dir: 'C:\\Apps\\J2', atLaunch: false, logged: /jc_jump_group/ },
      { name: 'jc_tag too long', args: [`KEY_INFO=${keyInfo}`, `jc_tag=${'x'.repeat(65)}`, 'installdir=C:\\Apps\\J3'], dir: 'C:\\Apps\\J3', atLaunch: false, logged: /jc_tag/ },
      { name: 'forged KEY_INFO', args: [`KEY_INFO=${forged}`, 'installdir=C:\\Apps\\J4'], dir: 'C:\\Apps\\J4', atLaunch: false, logged: /refused/ },
      { name: 'no KEY_INFO', args: ['installdir=C:\\Apps\\J5'], dir: 'C:\\Apps\\J5', atLaunch: true },
    ];
    for (const c of cases) {
      const r = await msiexec(['/i', pkg, '/qn', ...c.args]);
      assert.notEqual(r.status, 0, `${c.name} must fail`);
      if (c.atLaunch) {
        assert.match(r.log, /LaunchConditions/, `${c.name}: stopped by the launch conditions`);
        assert.doesNotMatch(r.log, /InstallFiles/, `${c.name}: no file copied`);
      }
      if (c.logged) assert.match(errorLog(), c.logged, `${c.name}: reason in the install error log`);
      assertNothingInstalled(c.name, c.dir);
    }
    assert.deepEqual(readdirSync(wine.host(existing)), ['notes.txt'], 'the existing folder is untouched');
    const plain = await msiexec(['/i', 'C:\\pkg\\unpersonalised.msi', '/qn', `KEY_INFO=${keyInfo}`, 'installdir=C:\\Apps\\J6']);
    assert.notEqual(plain.status, 0, 'a package no site served is refused');
    assert.match(plain.log, /LaunchConditions/);
    assertNothingInstalled('unpersonalised', 'C:\\Apps\\J6');
    assert.equal((await listed('')).length, before, 'no refused install registered');
  });
});
