// Customer → rep: streams one file or a whole folder on a 'file' channel, chunk by chunk as the
// channel's flow control lets it (flat memory whatever the size), with the SHA-256 of each whole
// file, and resumes a cut transfer from the offset the rep already holds.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, lstat, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DownloadAnswer, type DownloadMessage, type FileChannelMeta, type FileErrorCode } from '../../protocol/files.ts';
import { TAG_DATA, TOOL_CHUNK_BYTES, ToolReader, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';
import type { ToolEventBody } from '../../protocol/sessions.ts';
import { FileError, FileRoot, joinWire, toFileError } from './file-paths.ts';

type DownloadMeta = Extract<FileChannelMeta, { op: 'download' }>;

interface Item {
  kind: 'dir' | 'file';
  /** Relative to the downloaded entry's parent (so it starts with the entry's own name). */
  rel: string;
  abs: string;
  size: number;
}

/** Folders are walked in a fixed order (so a resume finds its place); links are not followed. */
async function walk(abs: string, rel: string, out: Item[]): Promise<void> {
  out.push({ kind: 'dir', rel, abs, size: 0 });
  let names: string[];
  try {
    names = (await readdir(abs)).sort();
  } catch (err) {
    throw toFileError(err, rel);
  }
  for (const name of names) {
    const a = join(abs, name);
    const s = await lstat(a).catch(() => null);
    if (!s) continue;
    if (s.isDirectory()) await walk(a, `${rel}/${name}`, out);
    else if (s.isFile()) out.push({ kind: 'file', rel: `${rel}/${name}`, abs: a, size: s.size });
  }
}

async function hashPrefix(fh: FileHandle, hash: Hash, length: number): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(TOOL_CHUNK_BYTES * 4, Math.max(length, 1)));
  let pos = 0;
  while (pos < length) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
    if (bytesRead === 0) throw new FileError('changed', 'The file got shorter while it was being sent');
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

/** Where a cut download resumes, when the rep asked with every field. */
function resumeOf(m: DownloadMeta): { file: string; offset: number; size: number; mtimeMs: number } | undefined {
  if (m.resumeFile === undefined || m.resumeOffset === undefined || m.resumeSize === undefined || m.resumeMtimeMs === undefined) return undefined;
  return { file: m.resumeFile, offset: m.resumeOffset, size: m.resumeSize, mtimeMs: m.resumeMtimeMs };
}

export async function sendDownload(ch: ToolChannel, root: FileRoot, meta: DownloadMeta, report: (e: ToolEventBody) => void): Promise<void> {
  const resume = resumeOf(meta);
  const send = (m: DownloadMessage) => ch.write(encodeControl(m));
  const pending = new Map<string, { name: string; size: number; sha256: string; resumedAt: number }>();
  let current: { rel: string; size: number; resumedAt: number } | null = null;
  let allVerified: () => void = () => {};
  const verifiedAll = new Promise<void>((r) => (allVerified = r));
  let finished = false;
  const wirePath = (rel: string) => (meta.path === '' ? rel.split('/').slice(1).join('/') : joinWire(meta.path.split('/').slice(0, -1).join('/'), rel));

  // The rep's verdicts arrive while later files are still being sent.
  const reader = new ToolReader(ch, DownloadAnswer);
  const reading = (async () => {
    for (;;) {
      const m = await reader.next().catch(() => null);
      if (!m) return;
      if (m.kind !== 'control') continue;
      const p = pending.get(m.msg.path);
      if (!p) continue;
      pending.delete(m.msg.path);
      const ok = m.msg.ok && m.msg.sha256 === p.sha256;
      report({ kind: 'file_transfer', direction: 'download', path: wirePath(m.msg.path), name: p.name, size: p.size, sha256: p.sha256, result: ok ? 'completed' : 'failed', ...(ok ? {} : { error: 'checksum_mismatch' as const }), ...(p.resumedAt ? { resumedAt: p.resumedAt } : {}) });
      if (finished && pending.size === 0) allVerified();
    }
  })();

  const fail = async (code: FileErrorCode, message: string, rel?: string) => {
    if (rel !== undefined) report({ kind: 'file_transfer', direction: 'download', path: wirePath(rel), name: basename(rel), size: current?.size ?? 0, result: 'failed', error: code });
    await send({ type: 'error', code, message, ...(rel !== undefined ? { path: rel } : {}) }).catch(() => {});
    ch.close('failed');
  };

  let items: Item[];
  let kind: 'file' | 'folder';
  try {
    const abs = await root.existing(meta.path);
    const s = await lstat(abs);
    const name = meta.path === '' ? basename(root.real) : basename(meta.path);
    if (s.isDirectory()) {
      items = [];
      await walk(abs, name, items);
      kind = 'folder';
    } else if (s.isFile()) {
      items = [{ kind: 'file', rel: name, abs, size: s.size }];
      kind = 'file';
    } else throw new FileError('not_found', `"${meta.path}" is not a file or a folder`);
  } catch (err) {
    const e = toFileError(err, meta.path);
    report({ kind: 'file_transfer', direction: 'download', path: meta.path, name: basename(meta.path), size: 0, result: 'failed', error: e.code });
    await fail(e.code, e.message);
    return;
  }

  // A resume starts at the file that was being sent; the ones before it arrived.
  let start = 0;
  if (resume) {
    const i = items.findIndex((it) => it.rel === resume.file);
    if (i >= 0) start = i;
  }
  const files = items.filter((i) => i.kind === 'file');
  try {
    await send({ type: 'start', kind, name: items[0]!.rel.split('/')[0]!, size: files.reduce((n, f) => n + f.size, 0), files: files.length });
    for (const item of items.slice(start)) {
      if (item.kind === 'dir') {
        await send({ type: 'dir', path: item.rel });
        continue;
      }
      let fh: FileHandle;
      try {
        fh = await open(item.abs, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (err) {
        const e = toFileError(err, item.rel);
        await fail(e.code, e.message, item.rel);
        return;
      }
      try {
        const s0 = await fh.stat();
        const size = s0.size;
        const r = resume;
        const offset = r && r.file === item.rel && r.size === size && r.mtimeMs === Math.round(s0.mtimeMs) && r.offset <= size ? r.offset : 0;
        current = { rel: item.rel, size, resumedAt: offset };
        const hash = createHash('sha256');
        if (offset > 0) await hashPrefix(fh, hash, offset);
        await send({ type: 'file', path: item.rel, size, mtimeMs: Math.round(s0.mtimeMs), offset });
        // One chunk is read ahead while the previous one goes out: the disk and the socket overlap.
        // Each chunk is read into a buffer of the channel's (with room for the frame header, reused
        // once the rep has it), so it is sent without a copy and no megabyte is allocated per chunk.
        const readAt = async (at: number) => {
          const n = Math.min(TOOL_CHUNK_BYTES, size - at);
          const buf = ch.allocPayload ? ch.allocPayload(1 + n) : new Uint8Array(1 + n);
          buf[0] = TAG_DATA;
          const { bytesRead } = await fh.read(buf, 1, n, at);
          return bytesRead === n ? buf : buf.subarray(0, 1 + bytesRead);
        };
        let pos = offset;
        let next = pos < size ? readAt(pos) : null;
        try {
          while (next) {
            const data = await next;
            const bytesRead = data.length - 1;
            if (bytesRead === 0) throw new FileError('changed', `"${item.rel}" got shorter while it was being sent`);
            hash.update(data.subarray(1)); // before write(): the buffer is the channel's after
            pos += bytesRead;
            next = pos < size ? readAt(pos) : null;
            next?.catch(() => undefined); // awaited next turn; a channel error first must not leave it unhandled
            await ch.write(data);
          }
        } finally {
          // A read still in flight (the channel failed first) lands before the file is closed.
          await next?.catch(() => undefined);
        }
        const s1 = await fh.stat();
        if (s1.size !== size || s1.mtimeMs !== s0.mtimeMs) throw new FileError('changed', `"${item.rel}" changed while it was being sent`);
        const sha256 = hash.digest('hex');
        pending.set(item.rel, { name: basename(item.rel), size, sha256, resumedAt: offset });
        await send({ type: 'file_end', path: item.rel, sha256, size });
      } finally {
        await fh.close();
      }
    }
    current = null;
    finished = true;
    await send({ type: 'end' });
    if (pending.size === 0) allVerified();
    // The rep closes the channel once it has answered every file.
    await Promise.race([verifiedAll, ch.closed]);
  } catch (err) {
    if (err instanceof FileError) {
      await fail(err.code, err.message, current?.rel);
      return;
    }
    // The channel went away under us: a cut connection (the rep resumes) or a cancel.
    const reason = await Promise.race([ch.closed, Promise.resolve('closed')]);
    if (current) report({ kind: 'file_transfer', direction: 'download', path: wirePath(current.rel), name: basename(current.rel), size: current.size, result: reason === 'cancelled' ? 'cancelled' : 'interrupted', ...(reason === 'cancelled' ? { error: 'cancelled' as const } : {}) });
  } finally {
    void reading;
  }
  // Files sent but never confirmed before the rep left: say so rather than claim success.
  const reason = await Promise.race([ch.closed, Promise.resolve('')]);
  for (const [rel, p] of pending) report({ kind: 'file_transfer', direction: 'download', path: wirePath(rel), name: p.name, size: p.size, sha256: p.sha256, result: reason === 'cancelled' ? 'cancelled' : 'interrupted' });
}
