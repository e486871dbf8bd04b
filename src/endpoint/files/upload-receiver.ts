// Rep → customer: receives files and folders into a directory of the file root. Each file is
// written under a hidden temporary name beside its destination, hashed as it arrives, and moved
// to its real name only when its SHA-256 matches the rep's — so nothing partial sits where the
// customer would trust it. A cut transfer keeps its temporary file and resumes from its length.
import { createHash, type Hash } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { UploadMessage, type ConflictAction, type FileChannelMeta, type UploadAnswer } from '../../protocol/files.ts';
import { ToolMessageError, ToolReader, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';
import type { ToolEventBody } from '../../protocol/sessions.ts';
import { FileError, FileRoot, joinWire, toFileError } from './file-paths.ts';

type UploadMeta = Extract<FileChannelMeta, { op: 'upload' }>;

export function tempName(transferId: string, rel: string): string {
  return `.passerelle-${transferId}-${createHash('sha256').update(rel).digest('hex').slice(0, 12)}.part`;
}

/** `report.pdf` → `report (1).pdf`, `report (2).pdf` …: the first name free in `dir`, taken atomically with link(). */
async function placeUnderFreeName(temp: string, dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${stem} (${n})${ext && ext !== name ? ext : ''}`;
    try {
      await link(temp, join(dir, candidate));
      await unlink(temp);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new FileError('exists', `No free name for "${name}"`);
}

async function hashFile(fh: FileHandle, hash: Hash, length: number): Promise<void> {
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let pos = 0;
  while (pos < length) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

/** Chunks written at once by one upload; each holds its chunk until written (4 MiB at most). */
const WRITES_IN_FLIGHT = 4;

/** Positional writes of one file, several in flight; the first failure is kept and thrown by write() or check(). */
class WriteBehind {
  private readonly inflight = new Set<Promise<void>>();
  private error: FileError | null = null;

  constructor(private readonly fh: FileHandle, private readonly path: string) {}

  async write(bytes: Uint8Array, pos: number): Promise<void> {
    while (this.inflight.size >= WRITES_IN_FLIGHT && !this.error) await Promise.race(this.inflight);
    this.check();
    const p: Promise<void> = this.writeAll(bytes, pos)
      .catch((err: unknown) => {
        this.error ??= toFileError(err, this.path);
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async writeAll(bytes: Uint8Array, pos: number): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, written, bytes.length - written, pos + written);
      written += bytesWritten;
    }
  }

  /** Resolves once no write is in flight (never rejects). */
  async settled(): Promise<void> {
    await Promise.all(this.inflight);
  }

  check(): void {
    if (this.error) throw this.error;
  }
}

export async function receiveUpload(ch: ToolChannel, root: FileRoot, meta: UploadMeta, report: (e: ToolEventBody) => void): Promise<void> {
  const answer = (m: UploadAnswer) => ch.write(encodeControl(m));
  const reader = new ToolReader(ch, UploadMessage);
  const wire = (rel: string) => joinWire(meta.path, rel);
  let dest: string;
  try {
    dest = await root.existing(meta.path);
    if (!(await stat(dest)).isDirectory()) throw new FileError('not_a_directory', `"${meta.path}" is not a folder`);
  } catch (err) {
    const e = toFileError(err, meta.path);
    report({ kind: 'file_transfer', direction: 'upload', path: meta.path.slice(0, 4096), name: basename(meta.path).slice(0, 255), size: 0, result: 'failed', error: e.code });
    await answer({ type: 'error', code: e.code, message: e.message }).catch(() => {});
    ch.close('failed');
    return;
  }

  let current: { rel: string; size: number; temp: string; fh: FileHandle | null; resumedAt: number } | null = null;
  const fail = async (err: unknown) => {
    const e = toFileError(err, current?.rel ?? meta.path);
    if (current) {
      await current.fh?.close().catch(() => {});
      // A file that cannot be right is not kept, even for a resume.
      if (e.code !== 'cancelled') await unlink(current.temp).catch(() => {});
      report({ kind: 'file_transfer', direction: 'upload', path: wire(current.rel), name: basename(current.rel), size: current.size, result: 'failed', error: e.code });
    } else if (e.code !== 'cancelled') {
      // Refused before any file began (a bad name or folder): logged all the same.
      report({ kind: 'file_transfer', direction: 'upload', path: meta.path.slice(0, 4096), name: basename(meta.path).slice(0, 255), size: 0, result: 'failed', error: e.code });
    }
    await answer({ type: 'error', code: e.code, message: e.message, ...(current ? { path: current.rel } : {}) }).catch(() => {});
    ch.close('failed');
  };

  try {
    for (;;) {
      const m = await reader.next();
      if (!m) break;
      if (m.kind === 'data') throw new FileError('bad_message', 'File data arrived outside a file');
      const msg = m.msg;
      if (msg.type === 'end') {
        await answer({ type: 'end' });
        return;
      }
      if (msg.type === 'dir') {
        const { abs } = await root.entry(wire(msg.path));
        try {
          await mkdir(abs);
        } catch (err) {
          // An existing folder is merged into; anything else is an error.
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(abs)).isDirectory()) throw toFileError(err, msg.path);
        }
        await answer({ type: 'dir_ok', path: msg.path });
        continue;
      }
      if (msg.type !== 'file') throw new FileError('bad_message', `Unexpected "${msg.type}"`);

      const target = await root.entry(wire(msg.path));
      const existing = await FileRoot.lstatOrNull(target.abs);
      let action: ConflictAction = 'overwrite';
      if (existing) {
        if (msg.resolved) action = msg.resolved;
        else if (meta.conflict !== 'ask') action = meta.conflict;
        else {
          await answer({ type: 'conflict', path: msg.path, existing: { kind: existing.isDirectory() ? 'dir' : existing.isFile() ? 'file' : existing.isSymbolicLink() ? 'symlink' : 'other', size: existing.size, mtimeMs: Math.round(existing.mtimeMs) } });
          const r = await reader.next();
          if (!r) break;
          if (r.kind !== 'control' || r.msg.type !== 'resolve') throw new FileError('bad_message', 'Expected the answer to the conflict');
          action = r.msg.action;
        }
        if (action === 'skip') {
          report({ kind: 'file_transfer', direction: 'upload', path: wire(msg.path), name: target.name, size: msg.size, result: 'skipped' });
          await answer({ type: 'skipped', path: msg.path });
          continue;
        }
        if (action === 'overwrite' && existing.isDirectory()) throw new FileError('is_a_directory', `"${msg.path}" is a folder; it is not replaced by a file`);
      }

      const temp = join(target.parent, tempName(meta.transferId, msg.path));
      const partial = await FileRoot.lstatOrNull(temp);
      const offset = partial?.isFile() && partial.size <= msg.size ? partial.size : 0;
      current = { rel: msg.path, size: msg.size, temp, fh: null, resumedAt: offset };
      const fh = await open(temp, offset > 0 ? 'r+' : 'w', 0o600).catch((err) => {
        throw toFileError(err, msg.path);
      });
      current.fh = fh;
      const hash = createHash('sha256');
      if (offset > 0) await hashFile(fh, hash, offset);
      await answer({ type: 'ready', path: msg.path, offset });

      let pos = offset;
      let sha256: string | null = null;
      // Write-behind: up to WRITES_IN_FLIGHT chunks are being written (positional writes, in the
      // thread pool) while the next ones arrive and are hashed here.
      const writes = new WriteBehind(fh, msg.path);
      try {
        while (sha256 === null) {
          const d = await reader.next();
          if (!d) break;
          if (d.kind === 'data') {
            if (pos + d.bytes.length > msg.size) throw new FileError('too_large', `More bytes than the announced ${msg.size} for "${msg.path}"`);
            await writes.write(d.bytes, pos);
            hash.update(d.bytes);
            pos += d.bytes.length;
          } else if (d.msg.type === 'file_end') sha256 = d.msg.sha256;
          else throw new FileError('bad_message', `Unexpected "${d.msg.type}" in the middle of a file`);
        }
      } finally {
        // Every write has landed (or failed) before the file is checked, closed, kept for a resume or deleted.
        await writes.settled();
      }
      writes.check(); // a failed write (disk full…) fails the file, even when the channel closed meanwhile
      if (sha256 === null) break; // the channel closed mid-file: keep the temporary file for a resume
      if (pos !== msg.size) throw new FileError('bad_message', `"${msg.path}": ${pos} bytes received, ${msg.size} announced`);
      const ours = hash.digest('hex');
      if (ours !== sha256) throw new FileError('checksum_mismatch', `"${msg.path}": SHA-256 differs (received ${ours}), not saved`);
      await fh.datasync().catch(() => {});
      await fh.close();
      current.fh = null;
      let savedAs = target.name;
      if (existing && action === 'rename') savedAs = await placeUnderFreeName(temp, target.parent, target.name);
      else await rename(temp, target.abs).catch((err) => {
        throw toFileError(err, msg.path);
      });
      const savedRel = joinWire(msg.path.split('/').slice(0, -1).join('/'), savedAs);
      report({ kind: 'file_transfer', direction: 'upload', path: wire(savedRel), name: savedAs, size: msg.size, sha256: ours, result: 'completed', ...(current.resumedAt ? { resumedAt: current.resumedAt } : {}) });
      await answer({ type: 'saved', path: msg.path, savedAs: savedRel, sha256: ours, size: msg.size });
      current = null;
    }
  } catch (err) {
    if (err instanceof FileError || err instanceof ToolMessageError) {
      await fail(err instanceof ToolMessageError ? new FileError('bad_message', err.message) : err);
      return;
    }
    // A write to a closed channel: the connection went; fall through to the interrupted case.
  }
  // The channel closed before `end`: a cut connection (the rep resumes) or a cancel.
  if (current) {
    await current.fh?.close().catch(() => {});
    const reason = await Promise.race([ch.closed, Promise.resolve('closed')]);
    if (reason === 'cancelled') await unlink(current.temp).catch(() => {});
    report({ kind: 'file_transfer', direction: 'upload', path: wire(current.rel), name: basename(current.rel), size: current.size, result: reason === 'cancelled' ? 'cancelled' : 'interrupted', ...(reason === 'cancelled' ? { error: 'cancelled' as const } : {}) });
  }
}
