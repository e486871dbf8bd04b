// Appends one session's recording as it happens (REP-5). The broker's channel fan-out feeds it
// through a tap: every screen/input message, plus who holds control and the chat lines. Calls
// never wait on the disk: records queue in memory and are written in order by one loop; if the
// disk falls behind, screen delta frames are dropped until the next key frame (so replay never
// shows a broken picture), and past a hard limit the recording stops rather than eat memory.
import { open, type FileHandle } from 'node:fs/promises';
import { encodeHeader, encodeRecord, FLAG_KEY, KIND_CODES, RecordType, type RecordedKind } from './format.ts';

export interface ControlHolder {
  userId: number;
  name: string;
}

export interface RecordedChatLine {
  from: { kind: 'customer' | 'rep' | 'system'; name: string };
  text: string;
  repsOnly: boolean;
}

export interface RecordingWriterOptions {
  file: string;
  lsid: string;
  /** Wall clock in ms (tests inject one). */
  now?: () => number;
  /** Queued bytes beyond which screen delta frames are dropped (default 32 MiB). */
  softLimitBytes?: number;
  /** Queued bytes beyond which the recording stops (default 128 MiB). */
  hardLimitBytes?: number;
  /** The recording stopped on a disk error or the hard limit; the session goes on unrecorded. */
  onFailure?: (err: Error) => void;
}

export interface RecordingStats {
  bytesWritten: number;
  records: number;
  droppedFrames: number;
  failed: string | null;
}

export class RecordingWriter {
  private queue: Buffer[] = [];
  private queued = 0;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private failure: Error | null = null;
  private readonly waitingKey = new Set<number>();
  private readonly stats: RecordingStats = { bytesWritten: 0, records: 0, droppedFrames: 0, failed: null };
  private readonly soft: number;
  private readonly hard: number;

  private constructor(
    private readonly fh: FileHandle,
    private readonly startMs: number,
    private readonly o: RecordingWriterOptions,
  ) {
    this.soft = o.softLimitBytes ?? 32 * 1024 * 1024;
    this.hard = o.hardLimitBytes ?? 128 * 1024 * 1024;
  }

  /** Creates the file (refusing to overwrite one) and writes its header. */
  static async create(o: RecordingWriterOptions): Promise<RecordingWriter> {
    const now = o.now ?? Date.now;
    const startMs = now();
    const fh = await open(o.file, 'wx', 0o600);
    const w = new RecordingWriter(fh, startMs, o);
    w.enqueue(encodeHeader({ lsid: o.lsid, startedAt: new Date(startMs).toISOString() }));
    w.stats.records = 0;
    return w;
  }

  /** A channel of the session opened (its kind and the meta it was opened with). */
  channelOpened(channelId: number, kind: RecordedKind, meta: unknown): void {
    this.json(RecordType.channelOpened, kind, channelId, { channelId, kind, meta });
    if (kind === 'screen') this.waitingKey.add(channelId);
  }

  /**
   * One message of a channel, as sent. Returns false when it was not recorded: a screen delta
   * frame while the disk is behind or before the channel's first key frame (ask for one), or the
   * recording is over.
   */
  message(channelId: number, kind: RecordedKind, payload: Uint8Array, opts: { key?: boolean } = {}): boolean {
    if (!this.writable()) return false;
    const key = opts.key === true;
    if (kind === 'screen' && !key) {
      if (this.queued > this.soft) this.waitingKey.add(channelId);
      if (this.waitingKey.has(channelId)) {
        this.stats.droppedFrames++;
        return false;
      }
    }
    if (kind === 'screen' && key) this.waitingKey.delete(channelId);
    const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.enqueue(encodeRecord({ type: RecordType.message, kindCode: KIND_CODES[kind], flags: key ? FLAG_KEY : 0, channel: channelId, t: this.t(), payload: buf }));
    return true;
  }

  /**
   * Whether asking the producer for a key frame would help now: the channel waits for one and the
   * disk has caught up (asking while it is behind would only add big frames to drop).
   */
  wantsKeyFrame(channelId: number): boolean {
    return this.writable() && this.waitingKey.has(channelId) && this.queued <= this.soft;
  }

  /** Whether the next screen frame of this channel must be a key frame to be recorded. */
  needsKeyFrame(channelId: number): boolean {
    return this.waitingKey.has(channelId);
  }

  channelClosed(channelId: number, kind: RecordedKind, reason: string): void {
    this.json(RecordType.channelClosed, kind, channelId, { channelId, reason });
    this.waitingKey.delete(channelId);
  }

  /** Who holds the mouse and keyboard from now on (null: nobody). */
  control(holder: ControlHolder | null): void {
    this.json(RecordType.control, null, 0, { holder });
  }

  chat(line: RecordedChatLine): void {
    this.json(RecordType.chat, null, 0, line);
  }

  /** Writes the end record and everything queued, then closes the file. */
  async close(reason: string): Promise<RecordingStats> {
    if (!this.closed) {
      this.json(RecordType.end, null, 0, { reason });
      this.closed = true;
    }
    await this.drain();
    await this.fh.close().catch(() => undefined);
    return { ...this.stats };
  }

  /** Resolves once everything queued so far is on disk (or the recording failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  get info(): RecordingStats {
    return { ...this.stats };
  }

  private writable(): boolean {
    return !this.closed && !this.failure;
  }

  private t(): number {
    return Math.max(0, Math.min(0xffffffff, (this.o.now ?? Date.now)() - this.startMs));
  }

  private json(type: RecordType, kind: RecordedKind | null, channel: number, body: unknown): void {
    if (!this.writable()) return;
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    this.enqueue(encodeRecord({ type, kindCode: kind ? KIND_CODES[kind] : 0, flags: 0, channel, t: this.t(), payload }));
  }

  private enqueue(b: Buffer): void {
    if (this.queued + b.length > this.hard) {
      this.fail(new Error(`recording of ${this.o.lsid} stopped: the disk is ${this.queued} bytes behind`));
      return;
    }
    this.queue.push(b);
    this.queued += b.length;
    this.stats.records++;
    if (!this.flushing) this.flushing = this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue;
        this.queue = [];
        const size = batch.reduce((n, b) => n + b.length, 0);
        // One writev per batch, in order; the file only ever grows.
        let written = 0;
        while (written < size) {
          const { bytesWritten } = await this.fh.writev(written === 0 ? batch : [Buffer.concat(batch).subarray(written)]);
          written += bytesWritten;
        }
        this.queued -= size;
        this.stats.bytesWritten += size;
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.flushing = null;
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.stats.failed = err.message;
    this.queue = [];
    this.queued = 0;
    this.o.onFailure?.(err);
  }
}
