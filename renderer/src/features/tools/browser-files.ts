// The rep's side of transfers in a browser: a download streams into a file (or folder) the rep
// picks, through the File System Access API's writable streams (Chromium) — never the whole file
// in memory; an upload reads picked or dropped files slice by slice.
import type { DownloadFileSink, DownloadTarget, UploadItem } from '../../../../src/console-core/files/transfers.ts';

interface WritableLike {
  write(data: BufferSource | { type: 'truncate'; size: number } | { type: 'seek'; position: number }): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
interface FileHandleLike {
  createWritable(o?: { keepExistingData?: boolean }): Promise<WritableLike>;
}
interface DirHandleLike {
  getDirectoryHandle(name: string, o?: { create?: boolean }): Promise<DirHandleLike>;
  getFileHandle(name: string, o?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string): Promise<void>;
}
type PickerWindow = Window & {
  showSaveFilePicker?: (o?: { suggestedName?: string }) => Promise<FileHandleLike>;
  showDirectoryPicker?: (o?: { mode?: 'readwrite' }) => Promise<DirHandleLike>;
};

export function canStreamDownloads(): boolean {
  const w = window as PickerWindow;
  return typeof w.showSaveFilePicker === 'function' && typeof w.showDirectoryPicker === 'function';
}

async function sinkOf(handle: FileHandleLike, drop: () => Promise<void>): Promise<DownloadFileSink> {
  const w = await handle.createWritable({ keepExistingData: false });
  return {
    write: (b) => w.write(b as BufferSource),
    truncate: async () => {
      await w.write({ type: 'truncate', size: 0 });
      await w.write({ type: 'seek', position: 0 });
    },
    close: () => w.close(),
    abort: async () => {
      await w.abort().catch(() => {});
      await drop().catch(() => {});
    },
  };
}

/** Asks where to save (a file, or a folder for a folder download), then writes there as bytes arrive. */
export async function pickDownloadTarget(name: string, isFolder: boolean): Promise<DownloadTarget> {
  const w = window as PickerWindow;
  if (!isFolder) {
    const handle = await w.showSaveFilePicker!({ suggestedName: name });
    return { file: () => sinkOf(handle, async () => {}) };
  }
  const root = await w.showDirectoryPicker!({ mode: 'readwrite' });
  const dirOf = async (segments: string[]) => {
    let d = root;
    for (const s of segments) d = await d.getDirectoryHandle(s, { create: true });
    return d;
  };
  return {
    dir: async (path) => void (await dirOf(path.split('/'))),
    file: async (path) => {
      const segs = path.split('/');
      const fileName = segs.pop()!;
      const dir = await dirOf(segs);
      return sinkOf(await dir.getFileHandle(fileName, { create: true }), () => dir.removeEntry(fileName));
    },
  };
}

function fileItem(path: string, f: File): UploadItem {
  return { kind: 'file', path, size: f.size, read: async (o, n) => new Uint8Array(await f.slice(o, o + n).arrayBuffer()) };
}

/** Files from an <input type=file> (with `webkitdirectory`, their relative paths keep the folders). */
export function itemsFromFiles(files: FileList | File[]): UploadItem[] {
  const items: UploadItem[] = [];
  const dirs = new Set<string>();
  for (const f of Array.from(files)) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const segs = rel.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = segs.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        items.push({ kind: 'dir', path: d });
      }
    }
    items.push(fileItem(rel, f));
  }
  return items;
}

interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, err: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (e: EntryLike[]) => void, err: (e: unknown) => void): void };
}

async function walkEntry(e: EntryLike, prefix: string, out: UploadItem[]): Promise<void> {
  const path = prefix ? `${prefix}/${e.name}` : e.name;
  if (e.isFile && e.file) {
    const f = await new Promise<File>((ok, err) => e.file!(ok, err));
    out.push(fileItem(path, f));
    return;
  }
  if (!e.isDirectory || !e.createReader) return;
  out.push({ kind: 'dir', path });
  const reader = e.createReader();
  for (;;) {
    const batch = await new Promise<EntryLike[]>((ok, err) => reader.readEntries(ok, err));
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, path, out);
  }
}

/** What was dropped on the file browser: files and whole folders. */
export async function itemsFromDrop(dt: DataTransfer): Promise<UploadItem[]> {
  const entries = Array.from(dt.items)
    .map((i) => (i.webkitGetAsEntry?.() ?? null) as EntryLike | null)
    .filter((e): e is EntryLike => e !== null);
  if (entries.length === 0) return itemsFromFiles(dt.files);
  const out: UploadItem[] = [];
  for (const e of entries) await walkEntry(e, '', out);
  return out;
}
