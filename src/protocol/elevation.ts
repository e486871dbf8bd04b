// CON-8: between the customer client (running as the customer) and its elevated helper (running
// as root after sudo): a Unix socket in a folder only the customer can enter, one connection per
// tool channel. Each connection starts with a hello (the helper's token and the channel's kind and
// meta), then frames: [u32 length of what follows][u8 type][payload].
import { z } from 'zod';

export const HelperFrame = { message: 1, event: 2, close: 3, hello: 4 } as const;
/** A tool message (≤ 4 MiB, the file channel's bound) plus room for the header. */
export const MAX_HELPER_FRAME = 4 * 1024 * 1024 + 64;

/** The kinds the elevated helper serves: what is worth administrator rights. */
export const ElevatedKind = z.enum(['shell', 'file']);
export type ElevatedKind = z.infer<typeof ElevatedKind>;

export const HelperHello = z.object({
  token: z.string().regex(/^[0-9a-f]{64}$/),
  kind: ElevatedKind,
  meta: z.record(z.string(), z.unknown()),
}).strict();
export type HelperHello = z.infer<typeof HelperHello>;

/** The helper's first line on stdout once it listens. */
export const HelperReady = z.object({ ready: z.literal(true), uid: z.number().int() }).strict();

/** The helper's command line after its program: socket path, token file, files root, the client's pid. */
export const HelperArgs = z.tuple([
  z.string().startsWith('/').max(4096),
  z.string().startsWith('/').max(4096),
  z.string().startsWith('/').max(4096),
  z.string().regex(/^[1-9][0-9]{0,9}$/).transform(Number),
]);
