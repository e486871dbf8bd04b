// What a downloaded customer client carries about its site (address, certificate pin, and the portal
// ticket or the web chat session it resumes), appended to the executable by the broker and read
// back by the client. Layout, at the very end of the file: JSON bytes, their length (u32
// big-endian), then the 16-byte magic.
import { z } from 'zod';

export const TRAILER_MAGIC = 'PASSERELLE-CFG01';
export const TRAILER_FIXED_BYTES = 4 + TRAILER_MAGIC.length;
export const MAX_EMBEDDED_CONFIG_BYTES = 4096;

export const EmbeddedConfig = z
  .object({
    broker: z.string().regex(/^https:\/\/[^\s/]+$/),
    pin: z.string().regex(/^[0-9A-Fa-f:]{64,95}$/).optional(),
    ticket: z.string().min(1).max(128).optional(),
    /** A client downloaded from the web chat (POR-5) resumes that session instead of joining anew. */
    resume: z.object({ lsid: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), resumeToken: z.string().min(1).max(128) }).strict().optional(),
    /** A Jump Client installer's deployment key (JMP-1); never written to the installed client. */
    keyInfo: z.string().min(1).max(200).optional(),
  })
  .strict();
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;

export function encodeTrailer(config: EmbeddedConfig): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(EmbeddedConfig.parse(config)));
  const out = new Uint8Array(json.length + TRAILER_FIXED_BYTES);
  out.set(json, 0);
  new DataView(out.buffer).setUint32(json.length, json.length);
  out.set(new TextEncoder().encode(TRAILER_MAGIC), json.length + 4);
  return out;
}

/** From the file's last TRAILER_FIXED_BYTES: the JSON length, or null when there is no trailer. */
export function trailerLength(tail: Uint8Array): number | null {
  if (tail.length !== TRAILER_FIXED_BYTES) return null;
  if (new TextDecoder().decode(tail.subarray(4)) !== TRAILER_MAGIC) return null;
  const length = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0);
  return length <= MAX_EMBEDDED_CONFIG_BYTES ? length : null;
}

export function decodeTrailerJson(json: Uint8Array): EmbeddedConfig {
  return EmbeddedConfig.parse(JSON.parse(new TextDecoder().decode(json)));
}
