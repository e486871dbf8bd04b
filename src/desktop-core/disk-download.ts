// Desktop downloads (CON-6): where the desktop console writes what it downloads, straight from
// the main process to the folder the rep chose in the save dialog. Each file is written under a
// hidden temporary name next to its place and renamed only once its SHA-256 matched; a cancelled
// or failed one leaves nothing. Remote names come from the customer's machine: each must stay
// inside the chosen folder (no "..", absolute path, NUL or empty part), else it is refused.
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { DownloadFileSink, DownloadTarget } from '../console-core/files/transfers.ts';

export class DownloadPathError extends Error {
  constructor(readonly path: string) {
    super(`The customer's machine sent a path that would leave the download folder: ${JSON.stringify(path.slice(0, 200))}`);
    this.name = 'DownloadPathError';
  }
}

/** `remote` (slash-separated, relative) under `root`, or a DownloadPathError. */
export function localPath(root: string, remote: string): string {
  const parts = remote.split('/');
  if (remote.length === 0 || remote.length > 4096 || remote.includes('\0') || remote.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..' || p.length > 255)) throw new DownloadPathError(remote);
  const base = resolve(root);
  const full = resolve(base, ...parts);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || resolve(base, rel) !== full) throw new DownloadPathError(remote);
  return full;
}

export interface DiskDownloadOptions {
  /**
   * Where the first file or folder of the download goes when the rep named it in the save dialog
   * (a single file saved as "report (2).pdf"); other paths keep their names under `root`.
   */
  rename?: { from: string; to: string };
}

/** A download target writing under `root` (the folder the rep chose). */
export function diskDownloadTarget(root: string, o: DiskDownloadOptions = {}): DownloadTarget {
  const place = (remote: string) => {
    const r = o.rename;
    if (r && (remote === r.from || remote.startsWith(`${r.from}/`))) return localPath(root, r.to + remote.slice(r.from.length));
    return localPath(root, remote);
  };
  return {
    async dir(path) {
      await mkdir(place(path), { recursive: true });
    },
    async file(path): Promise<DownloadFileSink> {
      const final = place(path);
      await mkdir(dirname(final), { recursive: true });
      const temp = join(dirname(final), `.${final.slice(dirname(final).length + 1)}.passerelle-part`);
      let fh: FileHandle | null = await open(temp, 'w', 0o600);
      let pos = 0;
      const closeHandle = async () => {
        const h = fh;
        fh = null;
        await h?.close();
      };
      return {
        async write(bytes) {
          if (!fh) throw new Error('the file is closed');
          let done = 0;
          while (done < bytes.length) {
            const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, pos + done);
            done += bytesWritten;
          }
          pos += bytes.length;
        },
        async truncate() {
          await fh?.truncate(0);
          pos = 0;
        },
        async close() {
          await fh?.datasync().catch(() => undefined);
          await closeHandle();
          await rename(temp, final);
        },
        async abort() {
          await closeHandle().catch(() => undefined);
          await rm(temp, { force: true });
        },
      };
    },
  };
}
