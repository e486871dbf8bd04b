// Downloads and uploads between the rep and the customer's machine, over one 'file' channel per
// transfer: streamed chunk by chunk (the channel's flow control paces them, so memory stays
// flat), each file's SHA-256 checked end to end, and a cut connection resumed where it stopped
// (the rep keeps its hash state; the customer's side re-reads what it already has).
import { DownloadMessage, UploadAnswer, type ConflictAction, type ConflictPolicy, type FileChannelMeta, type FileEntry } from '../../protocol/files.ts';
import { TOOL_CHUNK_BYTES, ToolMessageError, ToolReader, dataMessage, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';
import { RemoteFileError, type OpenFileChannel } from './remote-files.ts';
import { defaultSha256, type Sha256, type Sha256Factory } from './sha256.ts';

export interface TransferProgress {
  done: number;
  total: number;
  /** Smoothed over the last seconds. */
  bytesPerSecond: number;
  secondsLeft: number | null;
  file: string | null;
  filesDone: number;
  filesTotal: number;
  /** The connection was cut and the transfer is waiting to resume. */
  resuming: boolean;
}

export interface TransferOptions {
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  sha256?: Sha256Factory;
  /** How often and how patiently a cut transfer is resumed (default: 40 tries, up to 2 s apart). */
  retries?: number;
  retryDelayMs?: (attempt: number) => number;
}

export interface TransferredFile {
  path: string;
  size: number;
  sha256: string;
  /** For an upload: the name it was saved under (after a "rename" conflict answer), or null when skipped. */
  savedAs?: string | null;
}

/** Where a download goes: a folder on the rep's disk, the browser's download, memory in tests. */
export interface DownloadTarget {
  dir?(path: string): Promise<void>;
  file(path: string, size: number): Promise<DownloadFileSink>;
}
export interface DownloadFileSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Back to zero bytes (the file changed on the customer's side while cut: it is sent again). */
  truncate?(): Promise<void>;
  /** Keeps the file: its SHA-256 matched. */
  close(): Promise<void>;
  /** Drops the file: it is wrong or the transfer was cancelled. */
  abort(): Promise<void>;
}

export type UploadItem =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; size: number; read(offset: number, length: number): Promise<Uint8Array> };

/** Reasons a channel closes for good: no resume after these. */
const final = new Set(['cancelled', 'failed', 'bad_meta', 'permission_revoked', 'session_ended', 'closed_by_rep', 'done']);

class Progress {
  private samples: { t: number; done: number }[] = [];
  p: TransferProgress = { done: 0, total: 0, bytesPerSecond: 0, secondsLeft: null, file: null, filesDone: 0, filesTotal: 0, resuming: false };
  private last = 0;

  constructor(private readonly cb?: (p: TransferProgress) => void) {}

  update(patch: Partial<TransferProgress>, force = false): void {
    Object.assign(this.p, patch);
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.samples.push({ t: now, done: this.p.done });
    while (this.samples.length > 2 && now - this.samples[0]!.t > 3000) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (now - first.t) / 1000;
    this.p.bytesPerSecond = dt > 0 ? (this.p.done - first.done) / dt : 0;
    this.p.secondsLeft = this.p.bytesPerSecond > 0 ? Math.max(0, (this.p.total - this.p.done) / this.p.bytesPerSecond) : null;
    this.cb?.({ ...this.p });
  }
}

const defaultDelay = (attempt: number) => Math.min(100 * 2 ** attempt, 2000);

async function retryable<T>(o: TransferOptions, progress: Progress, attemptOnce: (isRetry: boolean) => Promise<T | 'cut'>): Promise<T> {
  const retries = o.retries ?? 40;
  let cuts = 0;
  for (;;) {
    if (o.signal?.aborted) throw new RemoteFileError('cancelled', 'Cancelled');
    let r: T | 'cut';
    try {
      r = await attemptOnce(cuts > 0);
    } catch (err) {
      // Opening failed (the customer is away, reconnecting): retry like a cut, unless final.
      if (err instanceof RemoteFileError || cuts === 0) throw err;
      r = 'cut';
    }
    if (r !== 'cut') return r;
    if (++cuts > retries) throw new RemoteFileError('channel_closed', 'The connection to the customer was lost and the transfer could not resume');
    progress.update({ resuming: true }, true);
    await new Promise((res) => setTimeout(res, (o.retryDelayMs ?? defaultDelay)(cuts)));
  }
}

function watchAbort(ch: ToolChannel, signal?: AbortSignal): () => void {
  if (!signal) return () => {};
  const onAbort = () => ch.close('cancelled');
  signal.addEventListener('abort', onAbort);
  return () => signal.removeEventListener('abort', onAbort);
}

/** Downloads a file or a folder (`path` under the customer's file root) into `target`. */
export async function download(open: OpenFileChannel, path: string, target: DownloadTarget, o: TransferOptions = {}): Promise<TransferredFile[]> {
  const sha = o.sha256 ?? defaultSha256;
  const progress = new Progress(o.onProgress);
  const files: TransferredFile[] = [];
  const done = new Map<string, TransferredFile>();
  let cur: { path: string; size: number; mtimeMs: number; offset: number; sink: DownloadFileSink; hash: Sha256 } | null = null;
  let lastDone: { path: string; size: number; mtimeMs: number } | null = null;
  let doneBytes = 0;
  const dirs = new Set<string>();

  const attempt = async (): Promise<TransferredFile[] | 'cut'> => {
    const resume = cur ? { file: cur.path, offset: cur.offset, size: cur.size, mtimeMs: cur.mtimeMs } : lastDone ? { file: lastDone.path, offset: lastDone.size, size: lastDone.size, mtimeMs: lastDone.mtimeMs } : undefined;
    const meta: FileChannelMeta = { op: 'download', path, ...(resume ? { resumeFile: resume.file, resumeOffset: resume.offset, resumeSize: resume.size, resumeMtimeMs: resume.mtimeMs } : {}) };
    const ch = await open(meta);
    const unwatch = watchAbort(ch, o.signal);
    progress.update({ resuming: false }, true);
    const reader = new ToolReader(ch, DownloadMessage);
    let skipping: string | null = null;
    try {
      for (;;) {
        let m;
        try {
          m = await reader.next();
        } catch (err) {
          if (err instanceof ToolMessageError) throw new RemoteFileError('bad_message', err.message);
          throw err;
        }
        if (!m) break;
        if (m.kind === 'data') {
          if (skipping) continue;
          if (!cur) throw new RemoteFileError('bad_message', 'File data outside a file');
          await cur.sink.write(m.bytes);
          cur.hash.update(m.bytes);
          cur.offset += m.bytes.length;
          progress.update({ done: doneBytes + cur.offset });
          continue;
        }
        const msg = m.msg;
        switch (msg.type) {
          case 'start':
            progress.update({ total: msg.size, filesTotal: msg.files }, true);
            break;
          case 'dir':
            if (!dirs.has(msg.path)) {
              dirs.add(msg.path);
              await target.dir?.(msg.path);
            }
            break;
          case 'file': {
            skipping = done.has(msg.path) ? msg.path : null;
            if (skipping) break;
            if (cur && cur.path === msg.path) {
              if (msg.offset === cur.offset) break; // resumed where we stopped
              if (msg.offset !== 0 || !cur.sink.truncate) throw new RemoteFileError('changed', `"${msg.path}" changed on the customer's side`);
              await cur.sink.truncate();
              cur = { ...cur, size: msg.size, mtimeMs: msg.mtimeMs, offset: 0, hash: sha() };
              break;
            }
            if (cur) await cur.sink.abort();
            if (msg.offset !== 0) throw new RemoteFileError('bad_message', 'A resumed file that was not asked for');
            cur = { path: msg.path, size: msg.size, mtimeMs: msg.mtimeMs, offset: 0, sink: await target.file(msg.path, msg.size), hash: sha() };
            progress.update({ file: msg.path }, true);
            break;
          }
          case 'file_end': {
            if (skipping === msg.path) {
              await ch.write(encodeControl({ type: 'verified', path: msg.path, sha256: done.get(msg.path)!.sha256, ok: true }));
              skipping = null;
              break;
            }
            if (!cur || cur.path !== msg.path) throw new RemoteFileError('bad_message', 'The end of a file that was not being sent');
            const ours = cur.hash.digest();
            const ok = ours === msg.sha256 && cur.offset === msg.size;
            await ch.write(encodeControl({ type: 'verified', path: msg.path, sha256: ours, ok }));
            if (!ok) {
              await cur.sink.abort();
              cur = null;
              throw new RemoteFileError('checksum_mismatch', `"${msg.path}": the SHA-256 of what arrived differs from the customer's`);
            }
            await cur.sink.close();
            const f = { path: msg.path, size: msg.size, sha256: ours };
            files.push(f);
            done.set(msg.path, f);
            lastDone = { path: cur.path, size: cur.size, mtimeMs: cur.mtimeMs };
            doneBytes += msg.size;
            cur = null;
            progress.update({ done: doneBytes, filesDone: files.length }, true);
            break;
          }
          case 'end':
            ch.close('done');
            return files;
          case 'error':
            throw new RemoteFileError(msg.code, msg.message);
        }
      }
      const reason = await ch.closed;
      if (final.has(reason) || o.signal?.aborted) throw new RemoteFileError(o.signal?.aborted ? 'cancelled' : 'channel_closed', `The transfer stopped (${reason})`);
      return 'cut';
    } catch (err) {
      if (err instanceof RemoteFileError) {
        await cur?.sink.abort().catch(() => {});
        cur = null;
        ch.close(err.code === 'cancelled' ? 'cancelled' : 'failed');
        throw err;
      }
      // A write to a channel that just closed: a cut.
      return 'cut';
    } finally {
      unwatch();
    }
  };
  try {
    return await retryable(o, progress, attempt);
  } catch (err) {
    const left = cur as { sink: DownloadFileSink } | null;
    await left?.sink.abort().catch(() => {});
    throw err;
  }
}

export interface UploadOptions extends TransferOptions {
  conflict?: ConflictPolicy;
  /** Asked when `conflict` is 'ask' and the name is taken; the default skips. */
  onConflict?: (path: string, existing: Pick<FileEntry, 'kind' | 'size' | 'mtimeMs'>) => Promise<ConflictAction>;
  transferId?: string;
}

function newTransferId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Uploads files and folders (`items`, parents before children) into the folder `destDir`. */
export async function upload(open: OpenFileChannel, destDir: string, items: UploadItem[], o: UploadOptions = {}): Promise<TransferredFile[]> {
  const sha = o.sha256 ?? defaultSha256;
  const transferId = o.transferId ?? newTransferId();
  const progress = new Progress(o.onProgress);
  const fileItems = items.filter((i) => i.kind === 'file');
  progress.update({ total: fileItems.reduce((n, f) => n + (f.kind === 'file' ? f.size : 0), 0), filesTotal: fileItems.length }, true);
  const results: TransferredFile[] = [];
  const resolutions = new Map<string, ConflictAction>();
  let index = 0;
  let doneBytes = 0;

  const attempt = async (): Promise<TransferredFile[] | 'cut'> => {
    const ch = await open({ op: 'upload', transferId, path: destDir, conflict: o.conflict ?? 'ask' });
    const unwatch = watchAbort(ch, o.signal);
    progress.update({ resuming: false }, true);
    const reader = new ToolReader(ch, UploadAnswer);
    const send = (m: unknown) => ch.write(encodeControl(m));
    const answer = async () => {
      let m;
      try {
        m = await reader.next();
      } catch (err) {
        if (err instanceof ToolMessageError) throw new RemoteFileError('bad_message', err.message);
        throw err;
      }
      if (!m) return null;
      if (m.kind !== 'control') throw new RemoteFileError('bad_message', 'Unexpected data from the customer');
      if (m.msg.type === 'error') throw new RemoteFileError(m.msg.code, m.msg.message);
      return m.msg;
    };
    try {
      for (; index < items.length; index++) {
        const item = items[index]!;
        if (item.kind === 'dir') {
          await send({ type: 'dir', path: item.path });
          const a = await answer();
          if (!a) return cutOrFinal(ch, o);
          continue;
        }
        const resolved = resolutions.get(item.path);
        await send({ type: 'file', path: item.path, size: item.size, ...(resolved ? { resolved } : {}) });
        let a = await answer();
        if (!a) return cutOrFinal(ch, o);
        if (a.type === 'conflict') {
          const action = o.onConflict ? await o.onConflict(item.path, a.existing) : 'skip';
          resolutions.set(item.path, action);
          await send({ type: 'resolve', action });
          a = await answer();
          if (!a) return cutOrFinal(ch, o);
        }
        if (a.type === 'skipped') {
          results.push({ path: item.path, size: item.size, sha256: '', savedAs: null });
          doneBytes += item.size;
          progress.update({ done: doneBytes, filesDone: results.length }, true);
          continue;
        }
        if (a.type !== 'ready') throw new RemoteFileError('bad_message', `Unexpected "${a.type}"`);
        progress.update({ file: item.path }, true);
        const hash = sha();
        let pos = 0;
        while (pos < a.offset) {
          const bytes = await item.read(pos, Math.min(4 * TOOL_CHUNK_BYTES, a.offset - pos));
          hash.update(bytes);
          pos += bytes.length;
        }
        // The next chunk is read while this one is hashed and sent: the disk and the socket overlap.
        const readAt = (at: number) => item.read(at, Math.min(TOOL_CHUNK_BYTES, item.size - at));
        let next = pos < item.size ? readAt(pos) : null;
        while (next) {
          const bytes = await next;
          if (bytes.length === 0) throw new RemoteFileError('changed', `"${item.path}" got shorter while it was being sent`);
          pos += bytes.length;
          next = pos < item.size ? readAt(pos) : null;
          next?.catch(() => undefined); // awaited next turn; a channel error first must not leave it unhandled
          hash.update(bytes);
          await ch.write(dataMessage(bytes, ch));
          progress.update({ done: doneBytes + pos });
        }
        const ours = hash.digest();
        await send({ type: 'file_end', sha256: ours });
        const saved = await answer();
        if (!saved) return cutOrFinal(ch, o);
        if (saved.type !== 'saved' || saved.sha256 !== ours) throw new RemoteFileError('checksum_mismatch', `"${item.path}" was not saved intact`);
        results.push({ path: item.path, size: item.size, sha256: ours, savedAs: saved.savedAs });
        doneBytes += item.size;
        progress.update({ done: doneBytes, filesDone: results.length }, true);
      }
      await send({ type: 'end' });
      const end = await answer();
      if (!end) return cutOrFinal(ch, o);
      ch.close('done');
      return results;
    } catch (err) {
      if (err instanceof RemoteFileError) {
        ch.close(err.code === 'cancelled' ? 'cancelled' : 'failed');
        throw err;
      }
      return cutOrFinal(ch, o);
    } finally {
      unwatch();
    }
  };
  return retryable(o, progress, attempt);
}

async function cutOrFinal(ch: ToolChannel, o: TransferOptions): Promise<'cut'> {
  const reason = await ch.closed;
  if (o.signal?.aborted) throw new RemoteFileError('cancelled', 'Cancelled');
  if (final.has(reason)) throw new RemoteFileError('channel_closed', `The transfer stopped (${reason})`);
  return 'cut';
}
