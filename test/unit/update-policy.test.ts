// CON-12 with ACC-2's rules: who updates, from where, and what an update feed may not do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { installSettingsFrom, parseRegQuery, pickInstall, unknownInstall, type InstallSettings } from '../../src/desktop-core/install-settings.ts';
import { checkOffer, compareVersions, decideUpdates, feedUrl, msiUpgradeArgs, sha512Base64, verifyDownloaded } from '../../src/desktop-core/update-policy.ts';

// What `reg query` prints on Windows (and under wine) for the key the MSI writes.
const perUserOutput = [
  '',
  'HKEY_CURRENT_USER\\Software\\Passerelle\\Console',
  '    AllUsers    REG_SZ    ',
  '    InstallDir    REG_SZ    C:\\Users\\ana\\AppData\\Local\\Programs\\Passerelle\\',
  '    InstallKind    REG_SZ    msi',
  '    RunAtStartup    REG_SZ    1',
  '    ShouldAutoUpdate    REG_SZ    1',
  '    StartMenuShortcut    REG_DWORD    0x1',
  '    Version    REG_SZ    0.1.0',
  '',
].join('\r\n');

const msi = (o: Partial<InstallSettings>): InstallSettings => ({ ...unknownInstall, kind: 'msi', source: 'test', ...o });
const base = { packaged: true, platform: 'win32' as NodeJS.Platform, isAppImage: false, brokerUrl: 'https://support.example.com:8443' };

describe('install settings recorded by the MSI', () => {
  it('ACC-2: reg query output is read back into the four choices', () => {
    const values = parseRegQuery(perUserOutput);
    assert.equal(values.get('AllUsers'), '');
    assert.equal(values.get('StartMenuShortcut'), '1');
    const s = installSettingsFrom(values, 'HKCU');
    assert.deepEqual(s, { kind: 'msi', allUsers: false, runAtStartup: true, shouldAutoUpdate: true, installDir: 'C:\\Users\\ana\\AppData\\Local\\Programs\\Passerelle\\', source: 'HKCU' });
  });

  it('ACC-2: an all-users record never self-updates, even if the key says so', () => {
    const s = installSettingsFrom(new Map([['InstallKind', 'msi'], ['AllUsers', '1'], ['ShouldAutoUpdate', '1']]), 'HKLM');
    assert.equal(s.allUsers, true);
    assert.equal(s.shouldAutoUpdate, false);
  });

  it('ACC-2: the record of the running executable wins when both hives have one', () => {
    const machine = msi({ allUsers: true, installDir: 'C:\\Program Files\\Passerelle\\', source: 'HKLM' });
    const user = msi({ installDir: 'C:\\Users\\ana\\AppData\\Local\\Programs\\Passerelle\\', source: 'HKCU' });
    assert.equal(pickInstall([machine, user], 'C:\\Users\\ana\\AppData\\Local\\Programs\\Passerelle\\passerelle.exe').source, 'HKCU');
    assert.equal(pickInstall([machine, user], 'D:\\elsewhere\\passerelle.exe').source, 'HKLM');
    assert.equal(pickInstall([], 'x').kind, 'unknown');
  });
});

describe('update policy', () => {
  it('CON-12/ACC-2: MSI installs update only per user with SHOULDAUTOUPDATE=1', () => {
    assert.deepEqual(decideUpdates({ ...base, install: msi({ allUsers: false, shouldAutoUpdate: true }) }), { enabled: true, channel: 'msi', installWith: 'msiexec' });
    assert.deepEqual(decideUpdates({ ...base, install: msi({ allUsers: false, shouldAutoUpdate: false }) }), { enabled: false, reason: 'msi_auto_update_off' });
    assert.deepEqual(decideUpdates({ ...base, install: msi({ allUsers: true, shouldAutoUpdate: true }) }), { enabled: false, reason: 'msi_all_users' });
    assert.deepEqual(decideUpdates({ ...base, install: msi({ allUsers: true, shouldAutoUpdate: false }) }), { enabled: false, reason: 'msi_all_users' });
  });

  it('CON-12: NSIS, DMG and AppImage installs update through electron-updater; deb and dev runs do not', () => {
    assert.deepEqual(decideUpdates({ ...base, install: unknownInstall }), { enabled: true, channel: 'latest', installWith: 'electron-updater' });
    assert.equal(decideUpdates({ ...base, platform: 'darwin', install: unknownInstall }).enabled, true);
    assert.equal(decideUpdates({ ...base, platform: 'linux', isAppImage: true, install: unknownInstall }).enabled, true);
    assert.deepEqual(decideUpdates({ ...base, platform: 'linux', install: unknownInstall }), { enabled: false, reason: 'unsupported_package' });
    assert.deepEqual(decideUpdates({ ...base, packaged: false, install: unknownInstall }), { enabled: false, reason: 'development' });
    assert.equal(feedUrl('https://support.example.com:8443/'), 'https://support.example.com:8443/api/v1/updates/console/');
  });

  it('CON-12: the per-user MSI upgrade keeps the first install\'s choices', () => {
    assert.deepEqual(msiUpgradeArgs('C:\\t\\P.msi', msi({ runAtStartup: true, installDir: 'C:\\Apps\\P\\' })),
      ['/i', 'C:\\t\\P.msi', '/qn', 'ALLUSERS=""', 'RUNATSTARTUP=1', 'SHOULDAUTOUPDATE=1', 'INSTALLDIR=C:\\Apps\\P\\']);
  });
});

describe('what a feed may offer', () => {
  const feed = 'https://support.example.com:8443/api/v1/updates/console/';
  const sha = sha512Base64(Buffer.from('x'));
  const offer = (o: object = {}) => ({ version: '0.2.0', files: [{ url: 'Passerelle-Setup-0.2.0.exe', sha512: sha, size: 1 }], ...o });

  it('CON-12: a newer build from the same site with a sha512 is accepted', () => {
    assert.equal(checkOffer(offer(), '0.1.0', feed), null);
    assert.equal(checkOffer(offer({ files: [{ url: 'https://support.example.com:8443/api/v1/updates/console/P.exe', sha512: sha }] }), '0.1.0', feed), null);
  });

  it('CON-12: downgrade, same version, another host, bad sha512 and garbage are refused', () => {
    assert.equal(checkOffer(offer({ version: '0.0.9' }), '0.1.0', feed)?.code, 'downgrade');
    assert.equal(checkOffer(offer({ version: '0.1.0-beta.1' }), '0.1.0', feed)?.code, 'downgrade');
    assert.equal(checkOffer(offer({ version: '0.1.0' }), '0.1.0', feed)?.code, 'not_newer');
    assert.equal(checkOffer(offer({ files: [{ url: 'https://evil.example.net/P.exe', sha512: sha }] }), '0.1.0', feed)?.code, 'other_host');
    assert.equal(checkOffer(offer({ files: [{ url: 'http://support.example.com:8443/P.exe', sha512: sha }] }), '0.1.0', feed)?.code, 'other_host', 'plain http is another origin');
    assert.equal(checkOffer(offer({ files: [{ url: '//evil.example.net/P.exe', sha512: sha }] }), '0.1.0', feed)?.code, 'other_host');
    assert.equal(checkOffer(offer({ files: [{ url: 'P.exe', sha512: 'abc' }] }), '0.1.0', feed)?.code, 'bad_sha512');
    assert.equal(checkOffer(offer({ files: [{ url: 'P.exe' }] }), '0.1.0', feed)?.code, 'bad_sha512');
    assert.equal(checkOffer(offer({ version: 'latest' }), '0.1.0', feed)?.code, 'malformed');
    assert.equal(checkOffer(offer({ files: [] }), '0.1.0', feed)?.code, 'malformed');
    assert.ok(compareVersions('1.10.0', '1.9.9') > 0);
  });

  it('CON-12: a truncated or altered download is refused before msiexec runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-upd-'));
    const file = join(dir, 'P.msi');
    const body = Buffer.alloc(4096, 7);
    writeFileSync(file, body);
    const expected = { url: 'P.msi', sha512: sha512Base64(body), size: body.length };
    assert.equal(await verifyDownloaded(file, expected), null);
    writeFileSync(file, body.subarray(0, 4000));
    assert.match((await verifyDownloaded(file, expected))!.message, /truncated/);
    const altered = Buffer.from(body);
    altered[10] = 8;
    writeFileSync(file, altered);
    assert.equal((await verifyDownloaded(file, expected))?.code, 'bad_sha512');
    rmSync(dir, { recursive: true });
  });
});
