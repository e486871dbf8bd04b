// Where the rep may reach on the customer's disk, and how a path from the wire becomes one there.
//
// Root policy: every path is relative to one root directory, the customer's home by default
// (`--files-root` to change it). A path is refused (`bad_path`) when it is absolute, has an empty,
// `.` or `..` segment, a NUL, ill-formed Unicode, a segment over 255 bytes or more than 4096
// characters. Symbolic links inside the root are followed; one leading outside (or through a
// link outside) is listed but never opened, written through or listed into (`outside_root`).
// Names are kept byte for byte (no Unicode normalisation, no case folding): on Linux `a.txt` and
// `A.txt` are two files, and renaming one to the other is an ordinary rename. What is checked
// is checked just before use; a local user racing the agent with links is outside this policy.
import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { MAX_REMOTE_PATH_CHARS, type FileErrorCode } from '../../protocol/files.ts';

export class FileError extends Error {
  constructor(readonly code: FileErrorCode, message: string) {
    super(message);
    this.name = 'FileError';
  }
}

const errnoCodes: Record<string, FileErrorCode> = {
  ENOENT: 'not_found',
  EEXIST: 'exists',
  ENOTDIR: 'not_a_directory',
  EISDIR: 'is_a_directory',
  EACCES: 'permission_denied',
  EPERM: 'permission_denied',
  EROFS: 'permission_denied',
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  ENOTEMPTY: 'not_empty',
  ENAMETOOLONG: 'bad_path',
  EFBIG: 'too_large',
  ELOOP: 'outside_root',
};

/** Turns a node fs error into a FileError with a code the console understands. */
export function toFileError(err: unknown, what: string): FileError {
  if (err instanceof FileError) return err;
  const errno = (err as NodeJS.ErrnoException)?.code ?? '';
  const code = errnoCodes[errno] ?? 'io_error';
  return new FileError(code, `${what}: ${(err as Error)?.message ?? String(err)}`);
}

const encoder = new TextEncoder();

/** The segments of a wire path ('' is the root: no segments); throws `bad_path`. */
export function pathSegments(path: string): string[] {
  if (typeof path !== 'string') throw new FileError('bad_path', 'A path must be a string');
  if (path === '') return [];
  if (path.length > MAX_REMOTE_PATH_CHARS) throw new FileError('bad_path', `A path is limited to ${MAX_REMOTE_PATH_CHARS} characters`);
  if (path.includes('\0')) throw new FileError('bad_path', 'A path cannot contain NUL');
  if (/\p{Cs}/u.test(path)) throw new FileError('bad_path', 'A path must be well-formed Unicode');
  if (path.startsWith('/')) throw new FileError('bad_path', 'Paths are relative to the shared folder; absolute paths are refused');
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw new FileError('bad_path', `The path segment "${s}" is not allowed (no empty, "." or ".." segments)`);
    if (encoder.encode(s).length > 255) throw new FileError('bad_path', 'A file name is limited to 255 bytes');
  }
  return segments;
}

/** A name for one entry (no '/'); throws `bad_path`. */
export function checkName(name: string): string {
  const segs = pathSegments(name);
  if (segs.length !== 1) throw new FileError('bad_path', 'A name cannot contain "/"');
  return name;
}

export function joinWire(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

export class FileRoot {
  private constructor(readonly real: string) {}

  static async open(dir: string): Promise<FileRoot> {
    return new FileRoot(await realpath(dir));
  }

  contains(real: string): boolean {
    return real === this.real || real.startsWith(this.real.endsWith(sep) ? this.real : this.real + sep);
  }

  /** An existing entry, links followed; refused if it ends up outside the root. */
  async existing(path: string): Promise<string> {
    const segs = pathSegments(path);
    let real: string;
    try {
      real = await realpath(join(this.real, ...segs));
    } catch (err) {
      throw toFileError(err, path || 'the shared folder');
    }
    if (!this.contains(real)) throw new FileError('outside_root', `"${path}" leads outside the shared folder`);
    return real;
  }

  /**
   * An entry to create, rename or delete itself (a link is not followed): its parent resolved
   * inside the root, and its own name. The root itself is not such an entry.
   */
  async entry(path: string): Promise<{ parent: string; name: string; abs: string }> {
    const segs = pathSegments(path);
    if (segs.length === 0) throw new FileError('bad_path', 'The shared folder itself cannot be changed');
    const name = segs.pop()!;
    const parent = await this.existing(segs.join('/'));
    return { parent, name, abs: join(parent, name) };
  }

  /** What is at `abs` without following a final link, or null when nothing is. */
  static async lstatOrNull(abs: string): Promise<import('node:fs').Stats | null> {
    try {
      return await lstat(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw toFileError(err, abs);
    }
  }
}
