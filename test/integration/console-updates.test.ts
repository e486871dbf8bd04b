// CON-12 and ACC-1 against a real broker: an administrator publishes a console build with one
// command; the broker serves electron-updater's generic feed and My Account's downloads from its
// data directory; electron-updater's own client reads the feed and verifies sha512 on download.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { appRoot } from '../../src/broker/app-root.ts';
import { FEED_SUBDIR } from '../../src/broker/services/console-releases.ts';
import { checkOffer, compareVersions, feedUrl, verifyDownloaded } from '../../src/desktop-core/update-policy.ts';
import { adminClient, ApiClient, createRep, startTestBroker, type TestBroker } from '../support/broker.ts';
import { genericProvider } from '../support/updater-client.ts';

const root = appRoot().root;
const WIN_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/156 Safari/537.36';
const LINUX_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156 Safari/537.36';

/** Fake installers with distinct contents (what `npm run dist` leaves in release/). */
function fakeRelease(version: string, kinds: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), `pt-release-${version}-`));
  for (const [name, size] of Object.entries(kinds)) writeFileSync(join(dir, name.replace('{v}', version)), Buffer.alloc(size, `${name}${version}`));
  return dir;
}

function publish(from: string, dataDir: string, ...extra: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'index.ts'), 'publish-console', '--from', from, '--data', dataDir, ...extra], { encoding: 'utf8', cwd: root });
}

describe('console update feed and downloads', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: ApiClient;
  let release: string;
  const cleanup: string[] = [];

  before(async () => {
    broker = await startTestBroker();
    admin = await adminClient(broker);
    rep = (await createRep(admin)).api;
    release = fakeRelease('0.2.0', { 'Passerelle-{v}-x64.msi': 300_000, 'Passerelle-Setup-{v}.exe': 200_000, 'Passerelle-{v}-x86_64.AppImage': 250_000, 'Passerelle_{v}_amd64.deb': 150_000, 'notes.txt': 10 });
    cleanup.push(release);
  });
  after(async () => {
    await admin.close();
    await rep.close();
    await broker.stop();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it('ACC-1: a broker with no console build says so instead of offering broken links', async () => {
    const res = await rep.request('GET', '/api/v1/downloads/console', undefined, { headers: { 'user-agent': WIN_UA } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { detected: 'windows', downloads: [] });
    const file = await rep.get('/api/v1/downloads/console/msi');
    assert.equal(file.status, 404);
    assert.equal(file.body.error.code, 'not_found');
    assert.equal((await rep.get('/api/v1/updates/console/latest.yml')).status, 404);
  });

  it('CON-12: one admin command publishes a build (feed documents with sha512, downloads manifest)', () => {
    const r = publish(release, broker.dataDir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /published msi +Passerelle-0\.2\.0-x64\.msi/);
    assert.match(r.stdout, /console 0\.2\.0 is now offered/);
    const dir = join(broker.dataDir, FEED_SUBDIR);
    const latest = yaml.load(readFileSync(join(dir, 'latest.yml'), 'utf8')) as any;
    const exe = readFileSync(join(release, 'Passerelle-Setup-0.2.0.exe'));
    assert.equal(latest.version, '0.2.0');
    assert.equal(latest.files[0].url, 'Passerelle-Setup-0.2.0.exe');
    assert.equal(latest.files[0].sha512, createHash('sha512').update(exe).digest('base64'));
    assert.equal(latest.files[0].size, exe.length);
    const bad = publish(mkdtempSync(join(tmpdir(), 'pt-empty-')), broker.dataDir, '--version', '0.2.1');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /no console installer/);
  });

  it('ACC-1: the visitor\'s OS comes first; every installer is listed and served with its name and type', async () => {
    const win = await rep.request('GET', '/api/v1/downloads/console', undefined, { headers: { 'user-agent': WIN_UA } });
    assert.equal(win.body.detected, 'windows');
    assert.deepEqual(win.body.downloads.map((d: any) => [d.platform, d.kind]), [['windows', 'msi'], ['windows', 'nsis'], ['linux', 'appimage'], ['linux', 'deb']]);
    const linux = await rep.request('GET', '/api/v1/downloads/console', undefined, { headers: { 'user-agent': LINUX_UA } });
    assert.equal(linux.body.detected, 'linux');
    const expected: Record<string, [string, string, number]> = {
      msi: ['Passerelle-0.2.0-x64.msi', 'application/x-msi', 300_000],
      nsis: ['Passerelle-Setup-0.2.0.exe', 'application/vnd.microsoft.portable-executable', 200_000],
      appimage: ['Passerelle-0.2.0-x86_64.AppImage', 'application/vnd.appimage', 250_000],
      deb: ['Passerelle_0.2.0_amd64.deb', 'application/vnd.debian.binary-package', 150_000],
    };
    for (const [kind, [name, type, size]] of Object.entries(expected)) {
      const res = await rep.get(`/api/v1/downloads/console/${kind}`);
      assert.equal(res.status, 200, kind);
      assert.equal(res.headers.get('content-type'), type, kind);
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${name}"; filename*=UTF-8''${name}`);
      assert.equal(Number(res.headers.get('content-length')), size);
    }
    assert.equal((await rep.get('/api/v1/downloads/console/dmg')).status, 404, 'no macOS build on this broker');
    assert.equal((await rep.get('/api/v1/downloads/console/zip')).status, 400, 'not an installer kind');
    const anonymous = new ApiClient(broker);
    assert.equal((await anonymous.get('/api/v1/downloads/console')).status, 401);
    await anonymous.close();
  });

  it('CON-12: electron-updater\'s GenericProvider reads every channel and the sha512 download check passes', async () => {
    const feed = feedUrl(broker.url);
    for (const [platform, channel, file] of [['win32', 'latest', 'Passerelle-Setup-0.2.0.exe'], ['win32', 'msi', 'Passerelle-0.2.0-x64.msi'], ['linux', 'latest', 'Passerelle-0.2.0-x86_64.AppImage']] as const) {
      const { provider, executor } = genericProvider(feed, broker.certificate, platform, channel);
      const info = await provider.getLatestVersion();
      assert.equal(info.version, '0.2.0');
      assert.equal(checkOffer(info, '0.1.0', feed), null, `${channel}/${platform} offer accepted`);
      const [resolved] = provider.resolveFiles(info);
      assert.equal(resolved!.url.href, `${feed}${file}`);
      const dest = join(mkdtempSync(join(tmpdir(), 'pt-dl-')), file);
      cleanup.push(join(dest, '..'));
      await executor.download(resolved!.url, dest, { sha512: resolved!.info.sha512, headers: null as any });
      assert.equal(await verifyDownloaded(dest, resolved!.info), null);
    }
  });

  it('CON-12: a feed whose sha512 does not match, or a truncated file, is refused by the download check', async () => {
    const dir = join(broker.dataDir, FEED_SUBDIR);
    const feed = feedUrl(broker.url);
    const { provider, executor } = genericProvider(feed, broker.certificate, 'win32', 'latest');
    const info = await provider.getLatestVersion();
    const [resolved] = provider.resolveFiles(info);
    const dest = join(mkdtempSync(join(tmpdir(), 'pt-dl-')), 'x.exe');
    cleanup.push(join(dest, '..'));
    const wrong = createHash('sha512').update('something else').digest('base64');
    await assert.rejects(executor.download(resolved!.url, dest, { sha512: wrong, headers: null as any }), /sha512 checksum mismatch/);
    // Truncate the installer on the broker: the stream ends early, the digest differs.
    const exe = join(dir, 'Passerelle-Setup-0.2.0.exe');
    const full = readFileSync(exe);
    writeFileSync(exe, full.subarray(0, 1000));
    await assert.rejects(executor.download(resolved!.url, dest, { sha512: resolved!.info.sha512, headers: null as any }), /sha512 checksum mismatch/);
    writeFileSync(exe, full);
  });

  it('CON-12: a feed pointing at another host, or offering an older version, is refused before download', async () => {
    const dir = join(broker.dataDir, FEED_SUBDIR);
    const feed = feedUrl(broker.url);
    const original = readFileSync(join(dir, 'latest.yml'), 'utf8');
    const doc = yaml.load(original) as any;
    // Replaced by rename, never rewritten in place: a response being streamed keeps its own bytes
    // (an in-place rewrite changed the length under it and broke the next response on the socket).
    const replace = (text: string) => {
      writeFileSync(join(dir, 'latest.yml.tmp'), text);
      renameSync(join(dir, 'latest.yml.tmp'), join(dir, 'latest.yml'));
    };
    replace(yaml.dump({ ...doc, files: [{ ...doc.files[0], url: 'https://downloads.example.net/Passerelle-Setup-0.2.0.exe' }] }));
    const { provider } = genericProvider(feed, broker.certificate, 'win32', 'latest');
    assert.equal(checkOffer(await provider.getLatestVersion(), '0.1.0', feed)?.code, 'other_host');
    replace(original);
    assert.equal(checkOffer(await provider.getLatestVersion(), '0.3.0', feed)?.code, 'downgrade');
    assert.ok(compareVersions('0.2.0', '0.3.0') < 0);
  });

  it('CON-12: the feed serves only its own files (no traversal, no manifest)', async () => {
    for (const name of ['..%2Fpasserelle.db', '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', 'downloads.json', '.hidden', 'latest.yml%00.exe']) {
      const res = await rep.get(`/api/v1/updates/console/${name}`);
      assert.ok([400, 404].includes(res.status), `${name}: ${res.status}`);
    }
    const yml = await new ApiClient(broker).get('/api/v1/updates/console/msi.yml');
    assert.equal(yml.status, 200, 'the feed needs no login (electron-updater fetches it anonymously)');
    assert.match(yml.headers.get('content-type') ?? '', /^text\/yaml/);
  });

  it('CON-12: publishing a newer build replaces the older installers', () => {
    const next = fakeRelease('0.3.0', { 'Passerelle-{v}-x64.msi': 1000 });
    cleanup.push(next);
    const r = publish(next, broker.dataDir);
    assert.equal(r.status, 0, r.stderr);
    const dir = join(broker.dataDir, FEED_SUBDIR);
    const manifest = JSON.parse(readFileSync(join(dir, 'downloads.json'), 'utf8'));
    assert.deepEqual(manifest.artifacts.map((a: any) => a.fileName), ['Passerelle-0.3.0-x64.msi']);
    assert.throws(() => readFileSync(join(dir, 'Passerelle-0.2.0-x64.msi')), /ENOENT/);
  });
});
