// Reads a session recording back (REP-5) for replay and video conversion: the header, then every
// record in order with its file offset (so replay can seek to a key frame), and how the file
// ends — `complete` (an end record), `truncated` (the broker stopped mid-write: what is there is
// good) or `corrupt` (a bad byte: reading stops at the last good record). Never trusts a length
// or a JSON body it has not checked.
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { decodeHeader, decodeRecord, FILE_HEADER_FIXED, type RawRecord, FLAG_KEY, kindOfCode, MAX_HEADER_JSON, RecordType, type RecordedKind, type RecordingHeader } from './format.ts';
import type { ControlHolder, RecordedChatLine } from './recording-writer.ts';

export type RecordingEntry = { offset: number; t: number } & (
  | { type: 'channel_opened'; channelId: number; kind: RecordedKind; meta: unknown }
  | { type: 'message'; channelId: number; kind: RecordedKind; key: boolean; payload: Buffer }
  | { type: 'channel_closed'; channelId: number; kind: RecordedKind; reason: string }
  | { type: 'control'; holder: ControlHolder | null }
  | { type: 'chat'; line: RecordedChatLine }
  | { type: 'end'; reason: string }
);

export type RecordingEnd = 'complete' | 'truncated' | 'corrupt';

const Holder = z.object({ userId: z.number().int(), name: z.string() }).nullable();
const bodies = {
  [RecordType.channelOpened]: z.object({ channelId: z.number().int(), kind: z.string(), meta: z.unknown() }),
  [RecordType.channelClosed]: z.object({ channelId: z.number().int(), reason: z.string() }),
  [RecordType.control]: z.object({ holder: Holder }),
  [RecordType.chat]: z.object({ from: z.object({ kind: z.enum(['customer', 'rep', 'system']), name: z.string() }), text: z.string(), repsOnly: z.boolean() }),
  [RecordType.end]: z.object({ reason: z.string() }),
} as const;

const CHUNK = 1024 * 1024;

export class RecordingReader {
  /** How the last full read ended (set once `entries()` has run to its end). */
  end: RecordingEnd | null = null;
  /** What was wrong, when `end` is `corrupt`. */
  problem: string | null = null;

  private constructor(
    private readonly fh: FileHandle,
    readonly header: RecordingHeader,
    /** Offset of the first record. */
    readonly dataStart: number,
    readonly size: number,
  ) {}

  /** Opens a recording; throws RecordingFormatError when it is not one (or ENOENT when gone). */
  static async open(file: string): Promise<RecordingReader> {
    const fh = await open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      const first = Buffer.alloc(Math.min(size, FILE_HEADER_FIXED + MAX_HEADER_JSON));
      await fh.read(first, 0, first.length, 0);
      const { header, size: headerSize } = decodeHeader(first);
      return new RecordingReader(fh, header, headerSize, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Every record from `fromOffset` (a record's offset, or the first), in order. */
  async *entries(fromOffset = this.dataStart): AsyncGenerator<RecordingEntry> {
    let buf: Buffer = Buffer.alloc(0);
    let bufStart = fromOffset;
    let pos = fromOffset;
    this.end = null;
    for (;;) {
      const d = decodeRecord(buf);
      if (d.ok) {
        const offset = bufStart;
        buf = buf.subarray(d.size);
        bufStart += d.size;
        const entry = this.entryOf(d.record, offset);
        if (!entry) return;
        yield entry;
        if (entry.type === 'end') {
          this.end = 'complete';
          return;
        }
        continue;
      }
      if (d.reason === 'corrupt') return this.corrupt(d.message, bufStart);
      // Need more bytes: read what the record says it needs (at least a chunk).
      const want = Math.max(CHUNK, d.needed - buf.length);
      const chunk = Buffer.alloc(want);
      const { bytesRead } = await this.fh.read(chunk, 0, want, pos);
      if (bytesRead === 0) {
        // No end record: the broker stopped (or is still writing); what was read is good.
        this.end = 'truncated';
        return;
      }
      pos += bytesRead;
      buf = buf.length ? Buffer.concat([buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  private corrupt(message: string, at: number): void {
    this.end = 'corrupt';
    this.problem = `${message} at byte ${at}`;
  }

  private entryOf(r: RawRecord, offset: number): RecordingEntry | null {
    const base = { offset, t: r.t };
    if (r.type === RecordType.message) {
      const kind = kindOfCode(r.kindCode);
      if (!kind) return this.corrupt(`unknown channel kind ${r.kindCode}`, offset), null;
      return { ...base, type: 'message', channelId: r.channel, kind, key: (r.flags & FLAG_KEY) !== 0, payload: r.payload };
    }
    let json: unknown;
    try {
      json = JSON.parse(r.payload.toString('utf8'));
    } catch {
      return this.corrupt('unreadable record body', offset), null;
    }
    const parsed = bodies[r.type].safeParse(json);
    if (!parsed.success) return this.corrupt('unexpected record body', offset), null;
    const b = parsed.data as Record<string, unknown>;
    switch (r.type) {
      case RecordType.channelOpened: {
        const kind = kindOfCode(r.kindCode);
        if (!kind) return this.corrupt(`unknown channel kind ${r.kindCode}`, offset), null;
        return { ...base, type: 'channel_opened', channelId: b.channelId as number, kind, meta: b.meta };
      }
      case RecordType.channelClosed: {
        const kind = kindOfCode(r.kindCode);
        if (!kind) return this.corrupt(`unknown channel kind ${r.kindCode}`, offset), null;
        return { ...base, type: 'channel_closed', channelId: b.channelId as number, kind, reason: b.reason as string };
      }
      case RecordType.control:
        return { ...base, type: 'control', holder: b.holder as ControlHolder | null };
      case RecordType.chat:
        return { ...base, type: 'chat', line: parsed.data as RecordedChatLine };
      case RecordType.end:
        return { ...base, type: 'end', reason: b.reason as string };
    }
    return null;
  }
}

export interface RecordingSummary {
  header: RecordingHeader;
  end: RecordingEnd;
  problem: string | null;
  durationMs: number;
  bytes: number;
  messages: Partial<Record<RecordedKind, number>>;
  /** Screen key frames: where replay can start drawing. */
  keyFrames: { t: number; offset: number; channelId: number }[];
  /** Who held the mouse and keyboard, from each time on. */
  controlTrack: { t: number; holder: ControlHolder | null }[];
  chat: { t: number; line: RecordedChatLine }[];
}

/** One pass over a recording: what the replay timeline and the converter need to know first. */
export async function summarizeRecording(file: string): Promise<RecordingSummary> {
  const r = await RecordingReader.open(file);
  try {
    const s: RecordingSummary = { header: r.header, end: 'truncated', problem: null, durationMs: 0, bytes: r.size, messages: {}, keyFrames: [], controlTrack: [], chat: [] };
    for await (const e of r.entries()) {
      s.durationMs = Math.max(s.durationMs, e.t);
      if (e.type === 'message') {
        s.messages[e.kind] = (s.messages[e.kind] ?? 0) + 1;
        if (e.kind === 'screen' && e.key) s.keyFrames.push({ t: e.t, offset: e.offset, channelId: e.channelId });
      } else if (e.type === 'control') s.controlTrack.push({ t: e.t, holder: e.holder });
      else if (e.type === 'chat') s.chat.push({ t: e.t, line: e.line });
    }
    s.end = r.end ?? 'truncated';
    s.problem = r.problem;
    return s;
  } finally {
    await r.close();
  }
}
