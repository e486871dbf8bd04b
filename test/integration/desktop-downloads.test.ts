// CON-6: the desktop console's downloads written to disk from the main process (console-core's
// download() with src/desktop-core/disk-download.ts, under Node as in Electron's main), through a
// real broker from the real customer client's tools: folders whole, SHA-256 checked, temporary
// names until verified, nothing left by a failed one, and remote names kept inside the folder.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RemoteFileError } from '../../src/console-core/files/remote-files.ts';
import { download } from '../../src/console-core/files/transfers.ts';
import { DownloadPathError, diskDownloadTarget, localPath } from '../../src/desktop-core/disk-download.ts';
import { createDiskDownloads, type DiskDownloadUpdate } from '../../src/desktop-core/disk-downloads.ts';
import { buildForwarder, createDispatcher } from '../../src/console-core/ipc-forwarder.ts';
import type { DesktopShellApi } from '../../src/console-core/desktop-shell.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { filesSession, type FilesSession } from '../support/files-session.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function walk(dir: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), rel)));
  }
  return out.sort();
}

describe('desktop downloads to disk (CON-6)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let s: FilesSession;
  const dirs: string[] = [];
  before(async () => {
    broker = await startTestBroker();
    admin = await adminClient(broker);
    s = await filesSession(broker, admin);
  });
  after(async () => {
    await s.close();
    await admin.close();
    await broker.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const dest = async () => {
    const d = await mkdtemp(join(tmpdir(), 'passerelle-desktop-dl-'));
    dirs.push(d);
    return d;
  };

  it('CON-6: a folder arrives whole on the rep\'s disk, each file verified, no temporary file left; a single file can take the name chosen in the save dialog', async () => {
    const a = randomBytes(3 * 1024 * 1024 + 17);
    const b = Buffer.from('bonjour');
    await mkdir(join(s.root, 'Dossier été', 'sous'), { recursive: true });
    await writeFile(join(s.root, 'Dossier été', 'a.bin'), a);
    await writeFile(join(s.root, 'Dossier été', 'sous', 'b c.txt'), b);
    const d = await dest();
    const got = await download(s.openFile, 'Dossier été', diskDownloadTarget(d));
    assert.deepEqual(got.map((f) => [f.path, f.sha256]).sort(), [['Dossier été/a.bin', sha(a)], ['Dossier été/sous/b c.txt', sha(b)]].sort());
    assert.deepEqual(await walk(d), ['Dossier été', 'Dossier été/a.bin', 'Dossier été/sous', 'Dossier été/sous/b c.txt']);
    assert.equal(sha(await readFile(join(d, 'Dossier été', 'a.bin'))), sha(a));
    const d2 = await dest();
    await download(s.openFile, 'Dossier été/a.bin', diskDownloadTarget(d2, { rename: { from: 'a.bin', to: 'rapport (2).bin' } }));
    assert.deepEqual(await walk(d2), ['rapport (2).bin']);
  });

  it('CON-6: a download that fails (the file changed on the customer\'s side) leaves nothing on the rep\'s disk', async () => {
    // The file changes before the rep has taken a byte of it: the customer can have at most the
    // channel's windows in flight (a few MiB before the rep reads anything), so with 24 MiB it is
    // still reading when the change lands. (Changing it on the first write raced: by then the
    // whole of a 6 MiB file could be in flight and already checked, 1 failure in CI.)
    const data = randomBytes(24 * 1024 * 1024);
    await writeFile(join(s.root, 'journal.bin'), data);
    const d = await dest();
    const target = diskDownloadTarget(d);
    const err = await download(s.openFile, 'journal.bin', {
      file: async (path, size) => {
        await appendFile(join(s.root, 'journal.bin'), 'plus');
        return target.file(path, size);
      },
    }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof RemoteFileError && err.code === 'changed', String(err));
    assert.deepEqual(await walk(d), [], 'neither the file nor its temporary name');
  });

  it('CON-6: remote names that would leave the chosen folder are refused', () => {
    for (const bad of ['..', '../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b', 'a\0b', 'a\\..\\b', '', 'x'.repeat(256)]) {
      assert.throws(() => localPath('/tmp/dl', bad), DownloadPathError, JSON.stringify(bad));
    }
    assert.equal(localPath('/tmp/dl', 'été/b c.txt'), '/tmp/dl/été/b c.txt');
  });

  // The service main/main.ts serves as `desktop.downloads`, reached as the page reaches it: through
  // the one IPC forwarder (dispatcher on main's side, forwarder on the page's), with Electron's
  // ipcMain/ipcRenderer replaced by direct calls (no Electron binary here). The save dialog is
  // the only part stood in for: `choose` answers what the rep would have picked.
  const served = (choose: (r: { name: string; isFolder: boolean }) => Promise<string | null>) => {
    const service = createDiskDownloads({ openFile: (lsid, meta) => s.core.channels.open(lsid, 'file', meta as never) as never, choose });
    const dispatcher = createDispatcher({ desktop: { downloads: service } });
    const page = buildForwarder<{ desktop: Pick<DesktopShellApi, 'downloads'> }>(dispatcher.shape(), {
      call: (c) => dispatcher.call(structuredClone(c)),
      subscribe: (path, listener) => dispatcher.subscribe(path, (v) => listener(structuredClone(v))),
    });
    const updates: DiskDownloadUpdate[] = [];
    page.desktop.downloads.onUpdate((u) => updates.push(u as DiskDownloadUpdate));
    const ended = (id: number) =>
      new Promise<DiskDownloadUpdate>((resolve) => {
        const t = setInterval(() => {
          const u = updates.find((x) => x.id === id && x.status !== 'running');
          if (!u) return;
          clearInterval(t);
          resolve(u);
        }, 20);
      });
    return { page: page.desktop.downloads, updates, ended, service };
  };

  it('CON-6: the desktop app downloads a file to the name typed in the save dialog, from the main process; the page sees progress and the SHA-256, never the bytes', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 3);
    await writeFile(join(s.root, 'facture mai.pdf'), data);
    const d = await dest();
    const asked: { name: string; isFolder: boolean }[] = [];
    const { page, updates, ended } = served(async (r) => (asked.push(r), join(d, 'facture (copie).pdf')));
    const started = await page.start({ lsid: s.lsid, path: 'facture mai.pdf', isFolder: false });
    assert.ok(started);
    assert.equal(started.savedTo, join(d, 'facture (copie).pdf'));
    assert.deepEqual(asked, [{ name: 'facture mai.pdf', isFolder: false }]);
    const end = await ended(started.id);
    assert.equal(end.status, 'done', JSON.stringify(end.error));
    assert.deepEqual(end.files, [{ path: 'facture mai.pdf', size: data.length, sha256: sha(data) }]);
    assert.deepEqual(await walk(d), ['facture (copie).pdf'], 'no temporary name left');
    assert.equal(sha(await readFile(join(d, 'facture (copie).pdf'))), sha(data));
    const running = updates.filter((u) => u.id === started.id && u.status === 'running');
    assert.ok(running.length >= 1 && running.length < 200, `progress updates are paced: ${running.length}`);
    const last = running.at(-1)?.progress;
    assert.ok(last && last.total === data.length, 'the last progress knows the size');
    assert.ok(updates.every((u) => !('bytes' in u)), 'only updates cross to the page');
  });

  it('CON-6: a folder goes, under its own name, into the folder picked in the dialog; closing the dialog downloads nothing', async () => {
    await mkdir(join(s.root, 'Photos', '2026'), { recursive: true });
    const jpg = randomBytes(70_000);
    await writeFile(join(s.root, 'Photos', '2026', 'plage.jpg'), jpg);
    const d = await dest();
    const { page, ended } = served(async ({ isFolder }) => (isFolder ? d : null));
    const started = await page.start({ lsid: s.lsid, path: 'Photos', isFolder: true });
    assert.ok(started);
    const end = await ended(started.id);
    assert.equal(end.status, 'done', JSON.stringify(end.error));
    assert.deepEqual(await walk(d), ['Photos', 'Photos/2026', 'Photos/2026/plage.jpg']);
    const none = served(async () => null);
    assert.equal(await none.page.start({ lsid: s.lsid, path: 'Photos/2026/plage.jpg', isFolder: false }), null);
    assert.deepEqual(none.updates, [], 'a closed dialog starts nothing');
  });

  it('CON-6: cancelling a desktop download stops it and leaves nothing on the rep\'s disk', async () => {
    await writeFile(join(s.root, 'image disque.iso'), randomBytes(48 * 1024 * 1024));
    const d = await dest();
    const { page, updates, ended } = served(async () => join(d, 'image disque.iso'));
    const started = await page.start({ lsid: s.lsid, path: 'image disque.iso', isFolder: false });
    assert.ok(started);
    while (!updates.some((u) => u.id === started.id && u.progress && u.progress.done > 0)) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await page.cancel(started.id), true);
    const end = await ended(started.id);
    assert.equal(end.status, 'cancelled');
    assert.deepEqual(await walk(d), [], 'neither the file nor its temporary name');
    assert.equal(await page.cancel(started.id), false, 'a finished download cannot be cancelled again');
  });

  it('CON-6: a malformed download request from the page is refused before any dialog opens', async () => {
    let dialogs = 0;
    const { page } = served(async () => (dialogs++, '/tmp/never'));
    for (const bad of [{ lsid: 5, path: 'a', isFolder: false }, { lsid: s.lsid, path: 'a\0b', isFolder: false }, { lsid: s.lsid, path: '', isFolder: true }, { lsid: s.lsid, path: 'a' }, null]) {
      await assert.rejects(page.start(bad as never), /Bad download request/, JSON.stringify(bad));
    }
    assert.equal(dialogs, 0);
    assert.equal(await page.cancel('1' as never), false);
  });
});
