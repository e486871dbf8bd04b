// The customer side's file tool and the console's file client, over in-memory channels: browsing,
// path safety, transfers with SHA-256, conflicts, resume after a cut, a file changed mid-way.
import assert from 'node:assert/strict';
import { ChannelMeta, readHeader } from '../../src/protocol/channels.ts';
import { Channel } from '../../src/protocol/channel-endpoint.ts';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, symlink, writeFile, appendFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RemoteFiles, RemoteFileError } from '../../src/console-core/files/remote-files.ts';
import { download, upload, type DownloadTarget, type UploadItem } from '../../src/console-core/files/transfers.ts';
import { defaultSha256, nodeSha256, pureSha256 } from '../../src/console-core/files/sha256.ts';
import { pathSegments } from '../../src/endpoint/files/file-paths.ts';
import type { FileChannelMeta } from '../../src/protocol/files.ts';
import { UploadAnswer } from '../../src/protocol/files.ts';
import { TAG_DATA, TOOL_CHUNK_BYTES, ToolReader, encodeControl, dataMessage } from '../../src/protocol/tool-channel.ts';
import { toolHarness, type ToolHarness } from '../support/file-tools.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function memoryTarget(): DownloadTarget & { files: Map<string, Buffer>; dirs: string[]; aborted: string[] } {
  const files = new Map<string, Buffer>();
  const dirs: string[] = [];
  const aborted: string[] = [];
  return {
    files,
    dirs,
    aborted,
    dir: async (p) => void dirs.push(p),
    file: async (p) => {
      let chunks: Buffer[] = [];
      return {
        write: async (b) => void chunks.push(Buffer.from(b)),
        truncate: async () => void (chunks = []),
        close: async () => void files.set(p, Buffer.concat(chunks)),
        abort: async () => void aborted.push(p),
      };
    },
  };
}

function memoryItem(path: string, bytes: Uint8Array): UploadItem {
  return { kind: 'file', path, size: bytes.length, read: async (o, n) => bytes.subarray(o, o + n) };
}

let h: ToolHarness;
beforeEach(async () => (h = await toolHarness()));
afterEach(async () => h.cleanup());

describe('remote file browser (CON-6)', { timeout: 30_000 }, () => {
  it('CON-6: lists folders first, sorts by name/size/date, hides dot files unless asked; each listing is an event', async () => {
    await mkdir(join(h.root, 'Documents'));
    await writeFile(join(h.root, 'b.txt'), 'bb');
    await writeFile(join(h.root, 'a10.txt'), 'a');
    await writeFile(join(h.root, 'a2.txt'), 'aaaa');
    await writeFile(join(h.root, '.bashrc'), '#');
    const files = new RemoteFiles(h.openFile);
    const l = await files.list('');
    assert.equal(l.root, h.root);
    assert.deepEqual(l.entries.map((e) => e.name), ['Documents', 'a2.txt', 'a10.txt', 'b.txt'], 'numeric-aware name order, folders first');
    assert.deepEqual((await files.list('', { sort: 'size', desc: true })).entries.map((e) => e.name), ['Documents', 'a2.txt', 'b.txt', 'a10.txt']);
    const all = await files.list('', { hidden: true });
    assert.ok(all.entries.some((e) => e.name === '.bashrc' && e.hidden));
    assert.ok(h.events.some((e) => e.kind === 'file_operation' && e.op === 'list' && e.result === 'ok'));
    files.close();
  });

  it('CON-6: creates a folder, renames (also case-only), deletes; each an event, failures typed', async () => {
    const files = new RemoteFiles(h.openFile);
    await files.mkdir('New folder');
    await writeFile(join(h.root, 'New folder', 'note.txt'), 'x');
    await files.rename('New folder/note.txt', 'New folder/Note.txt');
    assert.deepEqual(await readdir(join(h.root, 'New folder')), ['Note.txt']);
    await assert.rejects(files.mkdir('New folder'), (e: RemoteFileError) => e.code === 'exists');
    await writeFile(join(h.root, 'other.txt'), 'y');
    await assert.rejects(files.rename('other.txt', 'New folder/Note.txt'), (e: RemoteFileError) => e.code === 'exists', 'rename never replaces another file');
    await assert.rejects(files.delete('New folder'), (e: RemoteFileError) => e.code === 'not_empty');
    await files.delete('New folder', true);
    await assert.rejects(files.delete('missing'), (e: RemoteFileError) => e.code === 'not_found');
    const ops = h.events.filter((e) => e.kind === 'file_operation').map((e) => `${e.kind === 'file_operation' && e.op}:${e.result}`);
    assert.deepEqual(ops, ['mkdir:ok', 'rename:ok', 'mkdir:failed', 'rename:failed', 'delete:failed', 'delete:ok', 'delete:failed']);
    files.close();
  });

  it('CON-6: bad paths are refused with bad_path or outside_root: .., absolute, NUL, too long, escaping symlinks; unicode and spaces work', async () => {
    const files = new RemoteFiles(h.openFile);
    for (const bad of ['..', '../etc', 'a/../../x', '/etc', '/', 'a//b', 'a/', './a', 'a\0b', 'x'.repeat(256), 'a/'.repeat(2100) + 'a', '\ud800']) {
      await assert.rejects(files.list(bad), (e: RemoteFileError) => e.code === 'bad_path', JSON.stringify(bad.slice(0, 20)));
      await assert.rejects(files.mkdir(bad), (e: RemoteFileError) => e.code === 'bad_path');
    }
    await symlink('/etc', join(h.root, 'etc-link'));
    await symlink('/etc/passwd', join(h.root, 'passwd-link'));
    await symlink(join(h.root, 'nowhere'), join(h.root, 'broken'));
    const l = await files.list('');
    assert.deepEqual(l.entries.map((e) => `${e.name}:${e.target}`), ['broken:broken', 'etc-link:outside', 'passwd-link:outside']);
    await assert.rejects(files.list('etc-link'), (e: RemoteFileError) => e.code === 'outside_root');
    await assert.rejects(files.mkdir('etc-link/evil'), (e: RemoteFileError) => e.code === 'outside_root');
    const t = memoryTarget();
    await assert.rejects(download(h.openFile, 'passwd-link', t), (e: RemoteFileError) => e.code === 'outside_root');
    await assert.rejects(upload(h.openFile, 'etc-link', [memoryItem('x', Buffer.from('x'))]), (e: RemoteFileError) => e.code === 'outside_root');
    // deleting the link removes the link, not /etc
    await files.delete('etc-link');
    await stat('/etc');
    for (const good of ['Café été', 'école/日本語 ファイル', 'with  two spaces', 'ß']) {
      await files.mkdir(good.split('/')[0]!).catch(() => {});
      if (good.includes('/')) await files.mkdir(good);
    }
    assert.ok((await readdir(h.root)).includes('with  two spaces'));
    assert.deepEqual(await readdir(join(h.root, 'école')), ['日本語 ファイル']);
    files.close();
  });

  it('CON-6: path rules in one place (pathSegments)', () => {
    assert.deepEqual(pathSegments(''), []);
    assert.deepEqual(pathSegments('a b/c'), ['a b', 'c']);
    assert.throws(() => pathSegments('é'.repeat(128)), /255 bytes/, 'the limit is in bytes, not characters');
  });
});

describe('file transfer (CON-6, USR-11)', { timeout: 60_000 }, () => {
  it('USR-11: downloads a file and a folder; SHA-256 checked both ends and logged', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(h.root, 'big.bin'), big);
    await mkdir(join(h.root, 'proj/src'), { recursive: true });
    await writeFile(join(h.root, 'proj/README'), 'hello');
    await writeFile(join(h.root, 'proj/src/main.c'), 'int main(){}');
    await writeFile(join(h.root, 'proj/empty'), '');
    const t = memoryTarget();
    const progress: number[] = [];
    const [f] = await download(h.openFile, 'big.bin', t, { onProgress: (p) => progress.push(p.done) });
    assert.equal(f!.sha256, sha(big));
    assert.ok(t.files.get('big.bin')!.equals(big));
    assert.equal(progress.at(-1), big.length);
    const folder = await download(h.openFile, 'proj', t);
    assert.deepEqual(t.dirs, ['proj', 'proj/src']);
    assert.deepEqual(folder.map((x) => x.path), ['proj/README', 'proj/empty', 'proj/src/main.c']);
    assert.equal(t.files.get('proj/src/main.c')!.toString(), 'int main(){}');
    await Promise.all(h.handlers);
    const logged = h.events.filter((e) => e.kind === 'file_transfer');
    assert.deepEqual(logged.map((e) => e.kind === 'file_transfer' && `${e.direction}:${e.path}:${e.result}`), ['download:big.bin:completed', 'download:proj/README:completed', 'download:proj/empty:completed', 'download:proj/src/main.c:completed']);
    assert.equal(logged[0]!.kind === 'file_transfer' && logged[0]!.sha256, sha(big));
  });

  it('USR-11: uploads a file and a folder into a folder, written under a temporary name and renamed when verified', async () => {
    const data = randomBytes(1024 * 1024 + 3);
    await mkdir(join(h.root, 'in'));
    const saved = await upload(h.openFile, 'in', [
      memoryItem('one.bin', data),
      { kind: 'dir', path: 'dir' },
      { kind: 'dir', path: 'dir/sub' },
      memoryItem('dir/sub/a.txt', Buffer.from('A')),
    ], { sha256: () => { const x = createHash('sha256'); return { update: (b) => void x.update(b), digest: () => x.digest('hex') }; } });
    assert.deepEqual(saved.map((s) => s.savedAs), ['one.bin', 'dir/sub/a.txt']);
    assert.ok((await readFile(join(h.root, 'in/one.bin'))).equals(data));
    assert.equal(await readFile(join(h.root, 'in/dir/sub/a.txt'), 'utf8'), 'A');
    assert.deepEqual((await readdir(join(h.root, 'in'))).sort(), ['dir', 'one.bin'], 'no temporary file left');
    await Promise.all(h.handlers);
    assert.ok(h.events.some((e) => e.kind === 'file_transfer' && e.direction === 'upload' && e.path === 'in/one.bin' && e.sha256 === sha(data) && e.result === 'completed'));
  });

  it('CON-6: conflicts are asked: overwrite, rename (name (1).ext), skip', async () => {
    await writeFile(join(h.root, 'a.txt'), 'old');
    await writeFile(join(h.root, 'b.txt'), 'old');
    await writeFile(join(h.root, 'c.txt'), 'old');
    const asked: string[] = [];
    const answers: Record<string, 'overwrite' | 'rename' | 'skip'> = { 'a.txt': 'overwrite', 'b.txt': 'rename', 'c.txt': 'skip' };
    const saved = await upload(h.openFile, '', ['a.txt', 'b.txt', 'c.txt'].map((n) => memoryItem(n, Buffer.from('new'))), {
      conflict: 'ask',
      onConflict: async (p, existing) => (asked.push(`${p}:${existing.size}`), answers[p]!),
    });
    assert.deepEqual(asked, ['a.txt:3', 'b.txt:3', 'c.txt:3']);
    assert.deepEqual(saved.map((s) => s.savedAs), ['a.txt', 'b (1).txt', null]);
    assert.equal(await readFile(join(h.root, 'a.txt'), 'utf8'), 'new');
    assert.equal(await readFile(join(h.root, 'b.txt'), 'utf8'), 'old');
    assert.equal(await readFile(join(h.root, 'b (1).txt'), 'utf8'), 'new');
    assert.equal(await readFile(join(h.root, 'c.txt'), 'utf8'), 'old');
    await Promise.all(h.handlers);
    assert.ok(h.events.some((e) => e.kind === 'file_transfer' && e.path === 'c.txt' && e.result === 'skipped'));
  });

  it('CON-6: a wrong SHA-256 or too many bytes leave nothing under the real name nor a temporary file', async () => {
    const ch = await h.openFile({ op: 'upload', transferId: 'test-transfer-1', path: '', conflict: 'overwrite' });
    const reader = new ToolReader(ch, UploadAnswer);
    await ch.write(encodeControl({ type: 'file', path: 'x.bin', size: 3 }));
    await reader.next();
    await ch.write(dataMessage(Buffer.from('abc')));
    await ch.write(encodeControl({ type: 'file_end', sha256: '0'.repeat(64) }));
    const err = await reader.next();
    assert.equal(err?.kind === 'control' && err.msg.type === 'error' && err.msg.code, 'checksum_mismatch');
    await ch.closed;
    const ch2 = await h.openFile({ op: 'upload', transferId: 'test-transfer-2', path: '', conflict: 'overwrite' });
    await ch2.write(encodeControl({ type: 'file', path: 'y.bin', size: 2 }));
    await ch2.write(dataMessage(Buffer.from('abc')));
    await ch2.closed;
    await Promise.all(h.handlers);
    assert.deepEqual(await readdir(h.root), []);
    assert.deepEqual(h.events.filter((e) => e.kind === 'file_transfer').map((e) => e.kind === 'file_transfer' && e.error), ['checksum_mismatch', 'too_large']);
  });

  it('CON-6: a download cut mid-way resumes from the byte it stopped at, and an upload too', async () => {
    const big = randomBytes(4 * 1024 * 1024);
    await writeFile(join(h.root, 'big.bin'), big);
    const metas: FileChannelMeta[] = [];
    let cut = true;
    // The first channel is cut after ~2 MiB (two chunks), like a dropped connection.
    const cutting = async (meta: FileChannelMeta) => {
      metas.push(meta);
      const ch = await h.open('file', meta, 256 * 1024);
      if (cut) {
        cut = false;
        const it = ch[Symbol.asyncIterator]();
        let n = 0;
        return {
          ...ch,
          kind: ch.kind, meta: ch.meta, closed: ch.closed, write: ch.write.bind(ch), close: ch.close.bind(ch),
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              const r = await it.next();
              if (!r.done) n += r.value.payload.length;
              if (n > 2 * 1024 * 1024) {
                ch.close('connection_lost');
                return { value: undefined, done: true as const };
              }
              return r;
            },
          }),
        };
      }
      return ch;
    };
    const t = memoryTarget();
    const [f] = await download(cutting, 'big.bin', t, { retryDelayMs: () => 1 });
    assert.equal(f!.sha256, sha(big));
    assert.ok(t.files.get('big.bin')!.equals(big));
    assert.equal(metas.length, 2);
    const resumedAt = metas[1]!.op === 'download' ? metas[1]!.resumeOffset! : -1;
    // The broker takes only flat channel meta: the resume must pass its schema.
    assert.ok(ChannelMeta.safeParse(metas[1]).success, 'the resume meta is flat');
    assert.ok(resumedAt > 0 && resumedAt <= 2 * 1024 * 1024, `resumed at ${resumedAt}`);
    await Promise.all(h.handlers);
    assert.ok(h.events.some((e) => e.kind === 'file_transfer' && e.result === 'interrupted'));
    assert.ok(h.events.some((e) => e.kind === 'file_transfer' && e.result === 'completed' && e.resumedAt === resumedAt));

    // Upload: the agent keeps its temporary file and says where to go on from.
    let offsets: number[] = [];
    cut = true;
    const item = memoryItem('up.bin', big);
    const reading: UploadItem = { ...item, read: async (o, n) => (offsets.push(o), (item as any).read(o, n)) } as UploadItem;
    const cuttingUp = async (meta: FileChannelMeta) => {
      const ch = await h.open('file', meta, 256 * 1024);
      if (cut) {
        cut = false;
        let sent = 0;
        const w = ch.write.bind(ch);
        return Object.assign(Object.create(ch), { write: async (p: Uint8Array) => { sent += p.length; if (sent > 2 * 1024 * 1024) { ch.close('connection_lost'); throw new Error('cut'); } return w(p); }, [Symbol.asyncIterator]: () => ch[Symbol.asyncIterator](), close: ch.close.bind(ch), closed: ch.closed, meta: ch.meta, kind: ch.kind });
      }
      return ch;
    };
    offsets = [];
    const [u] = await upload(cuttingUp, '', [reading], { retryDelayMs: () => 1, transferId: 'resume-test-1' });
    assert.equal(u!.sha256, sha(big));
    assert.ok((await readFile(join(h.root, 'up.bin'))).equals(big));
    assert.deepEqual((await readdir(h.root)).sort(), ['big.bin', 'up.bin']);
  });

  it('CON-6: a file that changes while it is sent is reported (changed), not delivered as if whole', async () => {
    await writeFile(join(h.root, 'log.txt'), randomBytes(2 * 1024 * 1024));
    const t = memoryTarget();
    let appended = false;
    const p = download(h.openFile, 'log.txt', {
      file: async (path, size) => {
        const s = await t.file(path, size);
        return { ...s, write: async (b) => { if (!appended) { appended = true; await appendFile(join(h.root, 'log.txt'), 'more'); } return s.write(b); } };
      },
    });
    await assert.rejects(p, (e: RemoteFileError) => e.code === 'changed');
    await Promise.all(h.handlers);
    assert.ok(h.events.some((e) => e.kind === 'file_transfer' && e.error === 'changed'));
  });

  it('CON-6: the pure SHA-256 (web console) matches node crypto', () => {
    for (const n of [0, 1, 55, 56, 64, 65, 1000, 70_000]) {
      const b = randomBytes(n);
      const x = pureSha256();
      x.update(b.subarray(0, n >> 1));
      x.update(b.subarray(n >> 1));
      assert.equal(x.digest(), sha(b), `${n} bytes`);
      const d = defaultSha256();
      d.update(b.subarray(0, n >> 1));
      d.update(b.subarray(n >> 1));
      assert.equal(d.digest(), sha(b), `${n} bytes, default`);
    }
    // Under Node (desktop, benches) transfers hash with node:crypto, not the pure one.
    assert.ok(nodeSha256);
    assert.equal(defaultSha256, nodeSha256);
  });

  it('CON-6: a file chunk is one frame, so a receiver that stops reading holds no more than its window (flat memory)', async () => {
    // Two real channel ends wired to each other; the receiving tool does not read.
    const sender = new Channel({ id: 1, kind: 'file' });
    const receiver = new Channel({ id: 1, kind: 'file' });
    let dataFrames = 0;
    sender.attach({ send: (f) => { if (readHeader(f).type === 'data') dataFrames++; receiver.handleFrame(readHeader(f), f); } }, { resync: false });
    receiver.attach({ send: (f) => sender.handleFrame(readHeader(f), f) }, { resync: false });
    const upChunk = dataMessage(new Uint8Array(TOOL_CHUNK_BYTES)); // what upload() sends
    const downChunk = new Uint8Array(1 + TOOL_CHUNK_BYTES); // what the download sender reads into
    downChunk[0] = TAG_DATA;
    let written = 0;
    for (let i = 0; i < 32; i++) void sender.write(i % 2 ? upChunk : downChunk).then(() => written++);
    await new Promise((r) => setImmediate(r));
    assert.equal(dataFrames, written, 'each chunk went out as one DATA frame');
    // The window is 4 MiB to start with: four chunks, then the sender waits for the tool to read.
    assert.equal(written, 4, `${written} chunks sent to a receiver that read none`);
    const it = receiver[Symbol.asyncIterator]();
    for (let i = 0; i < 32; i++) assert.equal((await it.next()).value!.payload.length, 1 + TOOL_CHUNK_BYTES);
    assert.equal(dataFrames, 32);
    sender.close();
  });
});
