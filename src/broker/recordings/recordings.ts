// Session recordings (REP-5): a session that starts while the site setting is on gets a recording
// file in the data directory, fed by the channel router's tap (screen and input, raw) and by the
// event log (chat lines); it is closed when the session ends. For replay the file is summarised
// (timeline, chat, who had control) and converted once to an MP4 video, which is kept; an
// administrator may delete it (logged), and the retention setting removes old ones.
import { mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RecordingView, RecordingVideoState, RecordingsDiskUse } from '../../protocol/recordings.ts';
import type { SessionEventBody } from '../../protocol/sessions.ts';
import type { ChannelRouter } from '../channels/channel-router.ts';
import { PasserelleError } from '../errors.ts';
import type { Clock } from '../services/accounts.ts';
import type { SiteService } from '../services/site.ts';
import type { Store } from '../store/store.ts';
import { convertRecording } from './convert.ts';
import { FILE_EXTENSION, RecordingFormatError } from './format.ts';
import { summarizeRecording } from './recording-reader.ts';
import { RecordingTee } from './recording-tee.ts';
import { RecordingWriter } from './recording-writer.ts';

export interface RecordedSession {
  lsid: string;
  participants: Map<number, string>;
}

interface Live {
  writer: RecordingWriter;
  untap: () => void;
}

interface Conversion {
  progress: number;
  done: Promise<string>;
}

export interface RecordingsOptions {
  store: Store;
  site: SiteService;
  clock: Clock;
  log: Logger;
  /** Where recordings go (`<dataDir>/recordings`); null: recording is unavailable (tests without a data directory). */
  dataDir: string | null;
  channels: () => ChannelRouter;
  /** Frames per second of the converted video (default 10). */
  videoFps?: number;
}

export class RecordingsService {
  private readonly live = new Map<string, Live>();
  private readonly recorded = new Set<string>();
  private readonly conversions = new Map<string, Conversion>();
  private readonly failures = new Map<string, string>();
  /** Replays reading a file; a deletion waits for none of them (reads fail cleanly instead). */
  readonly dir: string | null;
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RecordingsOptions) {
    this.dir = o.dataDir ? join(o.dataDir, 'recordings') : null;
  }

  async init(): Promise<void> {
    if (this.dir) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const lsid of await this.o.store.listRecordedLsids()) this.recorded.add(lsid);
    await this.applyRetention().catch((err: unknown) => this.o.log.error({ err }, 'recording retention failed'));
    this.retentionTimer = setInterval(() => {
      this.applyRetention().catch((err: unknown) => this.o.log.error({ err }, 'recording retention failed'));
    }, 60 * 60 * 1000);
    this.retentionTimer.unref();
  }

  stop(): void {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
  }

  has(lsid: string): boolean {
    return this.recorded.has(lsid);
  }

  /** A new session: recorded when the setting is on (returns whether; the customer is then told). */
  async start(s: RecordedSession): Promise<boolean> {
    if (!this.dir || !(await this.o.site.settings()).recordSessions) return false;
    const file = `${s.lsid}${FILE_EXTENSION}`;
    try {
      const writer = await RecordingWriter.create({
        file: join(this.dir, file),
        lsid: s.lsid,
        now: () => this.o.clock.now().getTime(),
        onFailure: (err) => this.o.log.error({ lsid: s.lsid, err: err.message }, 'session recording stopped'),
      });
      await this.o.store.insertRecording({ lsid: s.lsid, file, startedAt: this.o.clock.now().toISOString() });
      const router = this.o.channels();
      const tee = new RecordingTee(writer, (userId) => s.participants.get(userId) ?? `#${userId}`, (channelId) => void router.requestKeyFrame(s.lsid, channelId));
      this.live.set(s.lsid, { writer, untap: router.tap(s.lsid, tee.tap) });
      this.recorded.add(s.lsid);
      this.o.log.info({ lsid: s.lsid }, 'session recording started');
      return true;
    } catch (err) {
      this.o.log.error({ lsid: s.lsid, err }, 'session recording could not start');
      return false;
    }
  }

  /** Every event of a running session passes here: chat lines go into the recording. */
  event(lsid: string, actor: { kind: 'customer' | 'rep' | 'system'; name: string }, body: SessionEventBody): void {
    const l = this.live.get(lsid);
    if (!l || body.kind !== 'chat') return;
    l.writer.chat({ from: { kind: actor.kind, name: actor.name }, text: body.text, repsOnly: body.repsOnly === true });
  }

  /** The session ended: the end record is written and the file closed. */
  async finish(lsid: string, reason: string): Promise<void> {
    const l = this.live.get(lsid);
    if (!l) return;
    this.live.delete(lsid);
    l.untap();
    const stats = await l.writer.close(reason);
    const rec = await this.o.store.getRecording(lsid);
    const durationMs = Math.max(0, this.o.clock.now().getTime() - Date.parse(rec?.startedAt ?? this.o.clock.now().toISOString()));
    await this.o.store.finishRecording(lsid, { endedAt: this.o.clock.now().toISOString(), bytes: stats.bytesWritten, durationMs });
    this.o.log.info({ lsid, bytes: stats.bytesWritten, dropped: stats.droppedFrames, failed: stats.failed }, 'session recording finished');
  }

  private async fileOf(lsid: string): Promise<{ raw: string; video: string; recording: boolean }> {
    const rec = await this.o.store.getRecording(lsid);
    if (!rec || rec.deletedAt || !this.dir) throw new PasserelleError('recording_not_found', `Session ${lsid} has no recording`);
    return { raw: join(this.dir, rec.file), video: join(this.dir, `${lsid}.mp4`), recording: this.live.has(lsid) };
  }

  /** What replay needs first: duration, chat lines, the control track, and the video's state. */
  async view(lsid: string): Promise<RecordingView> {
    const f = await this.fileOf(lsid);
    try {
      const s = await summarizeRecording(f.raw);
      return {
        lsid,
        startedAt: s.header.startedAt,
        durationMs: s.durationMs,
        bytes: s.bytes,
        end: f.recording && s.end === 'truncated' ? 'recording' : s.end,
        problem: s.problem,
        hasScreen: (s.messages.screen ?? 0) > 0,
        controlTrack: s.controlTrack,
        chat: s.chat.map((c) => ({ t: c.t, ...c.line })),
        video: await this.videoState(lsid),
      };
    } catch (err) {
      throw this.readError(lsid, err);
    }
  }

  async videoState(lsid: string): Promise<RecordingVideoState> {
    const c = this.conversions.get(lsid);
    if (c) return { state: 'converting', progress: c.progress, bytes: 0, problem: null };
    const rec = await this.o.store.getRecording(lsid);
    if (rec?.videoFile) return { state: 'ready', progress: 1, bytes: rec.videoBytes, problem: null };
    const problem = this.failures.get(lsid);
    return { state: problem ? 'failed' : 'none', progress: 0, bytes: 0, problem: problem ?? null };
  }

  /** Starts the conversion to video once (later calls share it); resolves with the file when done. */
  async convert(lsid: string): Promise<{ state: RecordingVideoState; done: Promise<string> }> {
    const f = await this.fileOf(lsid);
    if (f.recording) throw new PasserelleError('conflict', 'The session is still being recorded; convert it once it has ended');
    const running = this.conversions.get(lsid);
    if (running) return { state: await this.videoState(lsid), done: running.done };
    const rec = await this.o.store.getRecording(lsid);
    if (rec?.videoFile) return { state: await this.videoState(lsid), done: Promise.resolve(f.video) };
    const c: Conversion = { progress: 0, done: Promise.resolve('') };
    this.failures.delete(lsid);
    c.done = (async () => {
      try {
        await convertRecording(f.raw, f.video, { fps: this.o.videoFps ?? 10, onProgress: (p) => (c.progress = p) });
        const still = await this.o.store.getRecording(lsid);
        if (!still || still.deletedAt) {
          await rm(f.video, { force: true });
          throw new PasserelleError('recording_not_found', 'The recording was deleted during its conversion');
        }
        await this.o.store.setRecordingVideo(lsid, `${lsid}.mp4`, (await stat(f.video)).size);
        this.o.log.info({ lsid }, 'recording converted to video');
        return f.video;
      } catch (err) {
        const e = this.readError(lsid, err);
        this.failures.set(lsid, e.message);
        this.o.log.warn({ lsid, err: e.message }, 'recording conversion failed');
        throw e;
      } finally {
        this.conversions.delete(lsid);
      }
    })();
    c.done.catch(() => undefined);
    this.conversions.set(lsid, c);
    return { state: await this.videoState(lsid), done: c.done };
  }

  /** The converted video's path (404 when not converted yet). */
  async videoFile(lsid: string): Promise<string> {
    const f = await this.fileOf(lsid);
    const rec = await this.o.store.getRecording(lsid);
    if (!rec?.videoFile) throw new PasserelleError('conflict', 'The recording has not been converted yet');
    return f.video;
  }

  /** An administrator deletes a session's recording (logged, the row kept with who and why). */
  async delete(lsid: string, by: { username: string; address: string }, reason: string): Promise<void> {
    const f = await this.fileOf(lsid);
    if (f.recording) throw new PasserelleError('conflict', 'The session is still being recorded');
    await this.o.store.markRecordingDeleted(lsid, { at: this.o.clock.now().toISOString(), by: by.username, reason });
    this.recorded.delete(lsid);
    await rm(f.raw, { force: true });
    await rm(f.video, { force: true });
    this.o.log.warn({ lsid, by: by.username, address: by.address, reason }, 'session recording deleted');
  }

  /** Removes recordings older than the retention setting (0: keep them). */
  async applyRetention(): Promise<number> {
    const days = (await this.o.site.settings()).recordingRetentionDays;
    if (!days || !this.dir) return 0;
    const before = new Date(this.o.clock.now().getTime() - days * 86_400_000).toISOString();
    let n = 0;
    for (const r of await this.o.store.listRecordingsStartedBefore(before)) {
      if (this.live.has(r.lsid)) continue;
      await this.o.store.markRecordingDeleted(r.lsid, { at: this.o.clock.now().toISOString(), by: 'retention', reason: `older than ${days} days` });
      this.recorded.delete(r.lsid);
      await rm(join(this.dir, r.file), { force: true });
      await rm(join(this.dir, `${r.lsid}.mp4`), { force: true });
      n++;
    }
    if (n) this.o.log.info({ removed: n, days }, 'old recordings removed');
    return n;
  }

  async diskUse(): Promise<RecordingsDiskUse> {
    const d = await this.o.store.recordingsDiskUse();
    // Running recordings have no size in the store yet: count what is on disk so far.
    let running = 0;
    for (const l of this.live.values()) running += l.writer.info.bytesWritten;
    const s = await this.o.site.settings();
    return { count: d.count, rawBytes: d.rawBytes + running, videoBytes: d.videoBytes, retentionDays: s.recordingRetentionDays, recordSessions: s.recordSessions };
  }

  private readError(lsid: string, err: unknown): Error {
    if (err instanceof PasserelleError) return err;
    if (err instanceof RecordingFormatError) return new PasserelleError('recording_unreadable', `The recording of ${lsid} cannot be read: ${err.message}`, { reason: err.reason });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new PasserelleError('recording_not_found', `The recording of ${lsid} is gone`);
    if (err instanceof Error && err.name === 'ConversionError') return new PasserelleError('recording_unreadable', err.message);
    return err as Error;
  }
}
