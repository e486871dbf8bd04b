// Reads the site configuration a downloaded customer client carries (src/protocol/embedded-config.ts).
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
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

/** How many bytes of `file` come before its trailer (the whole file when it has none). */
export function bytesBeforeTrailer(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < TRAILER_FIXED_BYTES) return size;
    const tail = Buffer.alloc(TRAILER_FIXED_BYTES);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const length = trailerLength(tail);
    return length === null || length > size - TRAILER_FIXED_BYTES ? size : size - TRAILER_FIXED_BYTES - length;
  } finally {
    closeSync(fd);
  }
}

/** Copies `from` to `to` without its trailer: an installed Jump Client never keeps the deployment key. */
export function copyWithoutTrailer(from: string, to: string): void {
  const keep = bytesBeforeTrailer(from);
  const src = openSync(from, 'r');
  const dst = openSync(to, 'w', 0o755);
  try {
    const buf = Buffer.alloc(1024 * 1024);
    for (let pos = 0; pos < keep; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, keep - pos), pos);
      if (n === 0) break;
      writeSync(dst, buf, 0, n);
      pos += n;
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}
