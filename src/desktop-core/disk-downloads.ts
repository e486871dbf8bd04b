// The desktop console's downloads (CON-6), as main/ serves them to the page: the rep clicks
// "Download", main asks where in the system's save dialog (a file name for a file, a folder for a
// folder), then console-core's download() writes there from the main process through
// diskDownloadTarget (temporary names, renamed once each SHA-256 matched). The bytes never cross
// to the renderer; the page gets one update per change of state and about ten a second of progress.
// Everything the page sends is checked here: it comes over IPC from a web page.
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { RemoteFileError, type OpenFileChannel } from '../console-core/files/remote-files.ts';
import { download, type TransferProgress } from '../console-core/files/transfers.ts';
import type { FileChannelMeta } from '../protocol/files.ts';
import type { ToolChannel } from '../protocol/tool-channel.ts';
import { DownloadPathError, diskDownloadTarget } from './disk-download.ts';

export interface DiskDownloadsDeps {
  /** A file channel in session `lsid` (console-core's `channels.open(lsid, 'file', meta)`). */
  openFile(lsid: string, meta: FileChannelMeta): Promise<ToolChannel>;
  /**
   * Asks the rep where to save (main: dialog.showSaveDialog for a file, showOpenDialog with
   * openDirectory for a folder). The full path of the chosen file, or the chosen folder; null when
   * the rep cancelled.
   */
  choose(request: { name: string; isFolder: boolean }): Promise<string | null>;
}

export type DiskDownloadStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface DiskDownloadUpdate {
  id: number;
  /** The remote name (last part of the remote path). */
  name: string;
  /** Where it goes on the rep's disk: the file, or the folder the rep picked. */
  savedTo: string;
  status: DiskDownloadStatus;
  progress: TransferProgress | null;
  /** When done: each file's SHA-256 (the count for a folder); when failed: the error's code and message. */
  files?: { path: string; size: number; sha256: string }[];
  error?: { code: string; message: string };
}

const StartRequest = z.object({
  lsid: z.string().min(1).max(100),
  /** Slash-separated, under the customer's file root (the agent checks it again). */
  path: z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'NUL in path'),
  isFolder: z.boolean(),
});

const PROGRESS_EVERY_MS = 100;

/**
 * The downloads service main serves as `desktop.downloads`: a plain object (the IPC forwarder
 * walks plain objects only). `start` resolves once the transfer is under way (or null when the
 * rep cancelled the dialog); its course arrives through `onUpdate`.
 */
export function createDiskDownloads(deps: DiskDownloadsDeps) {
  const running = new Map<number, AbortController>();
  const listeners = new Set<(u: DiskDownloadUpdate) => void>();
  let nextId = 1;
  const emit = (u: DiskDownloadUpdate) => {
    for (const l of [...listeners]) l(u);
  };

  return {
    async start(request: unknown): Promise<{ id: number; savedTo: string } | null> {
      const r = StartRequest.safeParse(request);
      if (!r.success) throw new RemoteFileError('bad_message', `Bad download request: ${r.error.issues[0]?.message ?? 'invalid'}`);
      const { lsid, path, isFolder } = r.data;
      const name = path.split('/').filter(Boolean).pop() ?? path;
      const chosen = await deps.choose({ name, isFolder });
      if (!chosen) return null;
      // A file: saved under the name typed in the dialog, in its folder. A folder: placed, under
      // its own name, inside the folder picked.
      const target = isFolder ? diskDownloadTarget(chosen) : diskDownloadTarget(dirname(chosen), { rename: { from: name, to: basename(chosen) } });
      const id = nextId++;
      const abort = new AbortController();
      running.set(id, abort);
      const base = { id, name, savedTo: chosen };
      let lastProgress = 0;
      emit({ ...base, status: 'running', progress: null });
      const open: OpenFileChannel = (meta) => deps.openFile(lsid, meta);
      void download(open, path, target, {
        signal: abort.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < PROGRESS_EVERY_MS && p.done < p.total) return;
          lastProgress = now;
          emit({ ...base, status: 'running', progress: p });
        },
      }).then(
        (files) => emit({ ...base, status: 'done', progress: null, files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })) }),
        (err: unknown) => {
          const cancelled = err instanceof RemoteFileError && err.code === 'cancelled';
          const code = err instanceof RemoteFileError ? err.code : err instanceof DownloadPathError ? 'bad_path' : 'failed';
          emit({ ...base, status: cancelled ? 'cancelled' : 'failed', progress: null, ...(cancelled ? {} : { error: { code, message: err instanceof Error ? err.message : String(err) } }) });
        },
      ).finally(() => running.delete(id));
      return { id, savedTo: chosen };
    },

    /** Stops a running download; what it wrote so far is removed. False when it is not running. */
    async cancel(id: unknown): Promise<boolean> {
      const a = typeof id === 'number' ? running.get(id) : undefined;
      if (!a) return false;
      a.abort();
      return true;
    },

    onUpdate(listener: (u: DiskDownloadUpdate) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Stops every download (the app quits). */
    dispose(): void {
      for (const a of running.values()) a.abort();
      listeners.clear();
    },
  };
}

export type DiskDownloads = ReturnType<typeof createDiskDownloads>;
