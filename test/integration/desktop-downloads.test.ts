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
});
