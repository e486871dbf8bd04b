// Reads the site configuration a downloaded customer client carries (src/protocol/embedded-config.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { TRAILER_FIXED_BYTES, decodeTrailerJson, trailerLength, type EmbeddedConfig } from '../protocol/embedded-config.ts';

/** The configuration appended to `file` (this executable), or undefined when there is none. */
export function readTrailer(file: string): EmbeddedConfig | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size < TRAILER_FIXED_BYTES) return undefined;
    const tail = Buffer.alloc(TRAILER_FIXED_BYTES);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const length = trailerLength(tail);
    if (length === null || length > size - TRAILER_FIXED_BYTES) return undefined;
    const json = Buffer.alloc(length);
    readSync(fd, json, 0, length, size - TRAILER_FIXED_BYTES - length);
    return decodeTrailerJson(json);
  } catch {
    // A damaged trailer is no configuration: the client then asks for its options.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
