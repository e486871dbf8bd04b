// The rep's file browser on the customer's machine: list (sorted, hidden files or not), create a
// folder, rename, delete — all inside the file root (file-paths.ts), each answering a typed error.
import { lstat, mkdir, readdir, realpath, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_LISTING_ENTRIES, type FileEntry, type FileSort } from '../../protocol/files.ts';
import { FileError, FileRoot, checkName, toFileError } from './file-paths.ts';

function kindOf(s: import('node:fs').Stats): FileEntry['kind'] {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isDirectory()) return 'dir';
  if (s.isFile()) return 'file';
  return 'other';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then by the asked key; names that differ only in case keep a stable order. */
export function sortEntries(entries: FileEntry[], sort: FileSort, desc: boolean): FileEntry[] {
  const isDir = (e: FileEntry) => e.kind === 'dir' || (e.kind === 'symlink' && e.target === 'dir');
  const byName = (a: FileEntry, b: FileEntry) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const key = sort === 'size' ? (a: FileEntry, b: FileEntry) => a.size - b.size || byName(a, b)
    : sort === 'mtime' ? (a: FileEntry, b: FileEntry) => a.mtimeMs - b.mtimeMs || byName(a, b)
    : byName;
  return entries.sort((a, b) => (isDir(a) === isDir(b) ? (desc ? -key(a, b) : key(a, b)) : isDir(a) ? -1 : 1));
}

export class FileService {
  constructor(readonly root: FileRoot) {}

  async list(path: string, hidden: boolean, sort: FileSort = 'name', desc = false): Promise<{ entries: FileEntry[]; truncated: boolean }> {
    const dir = await this.root.existing(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw toFileError(err, path || 'the shared folder');
    }
    const entries: FileEntry[] = [];
    for (const name of names) {
      if (!hidden && name.startsWith('.')) continue;
      const abs = join(dir, name);
      let s: import('node:fs').Stats;
      try {
        s = await lstat(abs);
      } catch {
        continue; // gone since readdir
      }
      const entry: FileEntry = { name, kind: kindOf(s), size: s.size, mtimeMs: Math.round(s.mtimeMs), hidden: name.startsWith('.') };
      if (entry.kind === 'symlink') entry.target = await this.linkTarget(abs);
      entries.push(entry);
    }
    sortEntries(entries, sort, desc);
    const truncated = entries.length > MAX_LISTING_ENTRIES;
    return { entries: truncated ? entries.slice(0, MAX_LISTING_ENTRIES) : entries, truncated };
  }

  private async linkTarget(abs: string): Promise<FileEntry['target']> {
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      return 'broken';
    }
    if (!this.root.contains(real)) return 'outside';
    const s = await stat(real);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  }

  async mkdir(path: string): Promise<void> {
    const { abs } = await this.root.entry(path);
    try {
      await mkdir(abs);
    } catch (err) {
      throw toFileError(err, path);
    }
  }

  /** Renames within the root; never replaces another entry (except itself: a case-only rename). */
  async rename(from: string, to: string): Promise<void> {
    const src = await this.root.entry(from);
    const dst = await this.root.entry(to);
    checkName(dst.name);
    const s = await FileRoot.lstatOrNull(src.abs);
    if (!s) throw new FileError('not_found', `"${from}" does not exist`);
    const d = await FileRoot.lstatOrNull(dst.abs);
    if (d && !(d.ino === s.ino && d.dev === s.dev)) throw new FileError('exists', `"${to}" already exists`);
    if (s.isDirectory() && (dst.abs + '/').startsWith(src.abs + '/')) throw new FileError('bad_path', 'A folder cannot be moved into itself');
    try {
      await rename(src.abs, dst.abs);
    } catch (err) {
      throw toFileError(err, from);
    }
  }

  /** Deletes a file, a link (not what it points to) or a folder (an empty one unless `recursive`). */
  async delete(path: string, recursive: boolean): Promise<void> {
    const { abs } = await this.root.entry(path);
    const s = await FileRoot.lstatOrNull(abs);
    if (!s) throw new FileError('not_found', `"${path}" does not exist`);
    try {
      if (!s.isDirectory()) await unlink(abs);
      else if (recursive) await rm(abs, { recursive: true });
      else await rmdir(abs);
    } catch (err) {
      throw toFileError(err, path);
    }
  }
}
