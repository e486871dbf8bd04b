// Session recordings over REST (REP-5): what replay needs to draw its timeline, the state of the
// conversion to video, and the disk use the Status page shows.
import { z } from 'zod';

export const RecordingHolder = z.object({ userId: z.number().int(), name: z.string() }).nullable();

export const RecordingVideoState = z.object({
  state: z.enum(['none', 'converting', 'ready', 'failed']),
  /** 0..1 while converting. */
  progress: z.number(),
  bytes: z.number().int(),
  /** Why the last conversion failed. */
  problem: z.string().nullable(),
});
export type RecordingVideoState = z.infer<typeof RecordingVideoState>;

export const RecordingView = z.object({
  lsid: z.string(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  bytes: z.number().int(),
  /** recording: the session still runs; truncated: the broker stopped mid-way (what is there is good). */
  end: z.enum(['recording', 'complete', 'truncated', 'corrupt']),
  problem: z.string().nullable(),
  hasScreen: z.boolean(),
  /** Who held the mouse and keyboard from each moment on (ms since the start). */
  controlTrack: z.array(z.object({ t: z.number().int(), holder: RecordingHolder })),
  chat: z.array(z.object({ t: z.number().int(), from: z.object({ kind: z.enum(['customer', 'rep', 'system']), name: z.string() }), text: z.string(), repsOnly: z.boolean() })),
  video: RecordingVideoState,
});
export type RecordingView = z.infer<typeof RecordingView>;

export const RecordingsDiskUse = z.object({
  count: z.number().int(),
  rawBytes: z.number().int(),
  videoBytes: z.number().int(),
  retentionDays: z.number().int(),
  recordSessions: z.boolean(),
});
export type RecordingsDiskUse = z.infer<typeof RecordingsDiskUse>;

export const DeleteRecordingBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();
