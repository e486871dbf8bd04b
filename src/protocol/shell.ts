// Remote shell (CON-7) inside 'shell' channels: raw bytes both ways (TAG_DATA: keystrokes to the
// agent, terminal output back), a few JSON control messages, and the session events that keep the
// transcript.
import { z } from 'zod';

export const MAX_SHELL_COLS = 1000;
export const MAX_SHELL_ROWS = 500;
const Cols = z.number().int().min(2).max(MAX_SHELL_COLS);
const Rows = z.number().int().min(1).max(MAX_SHELL_ROWS);

export const ShellChannelMeta = z.object({ cols: Cols, rows: Rows }).strict();
export type ShellChannelMeta = z.infer<typeof ShellChannelMeta>;

export const ShellRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resize'), cols: Cols, rows: Rows }).strict(),
]);
export type ShellRequest = z.infer<typeof ShellRequest>;

export const ShellNotice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), shellId: z.string(), shell: z.string(), pid: z.number().int() }),
  z.object({ type: z.literal('exit'), exitCode: z.number().int(), signal: z.number().int().optional() }),
  z.object({ type: z.literal('error'), code: z.enum(['spawn_failed', 'bad_message', 'not_granted']), message: z.string() }),
]);
export type ShellNotice = z.infer<typeof ShellNotice>;

/** Most transcript text kept per event, and per shell in the log (a flooding shell is truncated there, not stalled). */
// An event must fit a customer message (16 KiB) even when every character is a JSON escape.
export const SHELL_TRANSCRIPT_EVENT_CHARS = 2 * 1024;
export const SHELL_TRANSCRIPT_MAX_CHARS = 256 * 1024;

export const ShellOpenedEvent = z.object({ kind: z.literal('shell_opened'), shellId: z.string(), shell: z.string(), cols: Cols, rows: Rows });
export const ShellTranscriptEvent = z.object({
  kind: z.literal('shell_transcript'),
  shellId: z.string(),
  stream: z.enum(['input', 'output']),
  text: z.string().max(SHELL_TRANSCRIPT_EVENT_CHARS),
  /** Characters not logged since the previous event (the shell went past the transcript's bound). */
  omitted: z.number().int().min(0).optional(),
});
export const ShellClosedEvent = z.object({ kind: z.literal('shell_closed'), shellId: z.string(), reason: z.string(), exitCode: z.number().int().optional() });
export type ShellTranscriptEvent = z.infer<typeof ShellTranscriptEvent>;
