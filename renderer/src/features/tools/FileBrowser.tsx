// The remote file browser of a session (CON-6, USR-11): the customer's folders (from their home),
// sort, hidden files, new folder, rename, delete; upload files or folders (buttons or drag and
// drop) and download, each transfer with progress, speed, time left and cancel; conflicts asked.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictAction, FileEntry, FileSort } from '../../../../src/protocol/files.ts';
import { RemoteFileError, RemoteFiles, type OpenFileChannel } from '../../../../src/console-core/files/remote-files.ts';
import { download, upload, type TransferProgress, type UploadItem } from '../../../../src/console-core/files/transfers.ts';
import { canStreamDownloads, itemsFromDrop, itemsFromFiles, pickDownloadTarget } from './browser-files.ts';
import { formatBytes, formatSeconds } from './format-bytes.ts';
import { desktopShell } from '../../console-api.ts';
import type { DesktopDownloadUpdate } from '../../../../src/console-core/desktop-shell.ts';
import './tools-i18n.ts';

interface Transfer {
  id: number;
  direction: 'upload' | 'download';
  name: string;
  progress: TransferProgress | null;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  detail?: string;
  abort: AbortController;
}

interface Question {
  path: string;
  existing: { kind: string; size: number };
  answer: (a: ConflictAction) => void;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
let nextId = 1;

export function FileBrowser({ open, lsid }: { open: OpenFileChannel; lsid: string }) {
  const { t } = useTranslation();
  const files = useMemo(() => new RemoteFiles(open), [open]);
  useEffect(() => () => files.close(), [files]);
  const [path, setPath] = useState('');
  const [root, setRoot] = useState('');
  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [hidden, setHidden] = useState(false);
  const [sort, setSort] = useState<FileSort>('name');
  const [desc, setDesc] = useState(false);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [question, setQuestion] = useState<Question | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const explain = useCallback((err: unknown) => (err instanceof RemoteFileError ? t(`files.error.${err.code}`, { defaultValue: err.message }) : String((err as Error)?.message ?? err)), [t]);

  const refresh = useCallback(async (p = path) => {
    try {
      const l = await files.list(p, { hidden, sort, desc });
      setEntries(l.entries);
      setRoot(l.root);
      setPath(p);
      setError('');
    } catch (err) {
      setError(explain(err));
    }
  }, [files, path, hidden, sort, desc, explain]);
  useEffect(() => {
    void refresh();
  }, [hidden, sort, desc, files]);

  const act = async (fn: () => Promise<void>) => {
    try {
      await fn();
      await refresh();
    } catch (err) {
      setError(explain(err));
    }
  };

  const update = (id: number, patch: Partial<Transfer>) => setTransfers((list) => list.map((x) => (x.id === id ? { ...x, ...patch } : x)));
  const track = async (direction: Transfer['direction'], name: string, run: (o: { signal: AbortSignal; onProgress: (p: TransferProgress) => void }) => Promise<string>) => {
    const tr: Transfer = { id: nextId++, direction, name, progress: null, status: 'running', abort: new AbortController() };
    setTransfers((list) => [tr, ...list]);
    try {
      const detail = await run({ signal: tr.abort.signal, onProgress: (p) => update(tr.id, { progress: p }) });
      update(tr.id, { status: 'done', detail });
      if (direction === 'upload') await refresh();
    } catch (err) {
      const cancelled = err instanceof RemoteFileError && err.code === 'cancelled';
      update(tr.id, { status: cancelled ? 'cancelled' : 'failed', detail: cancelled ? '' : explain(err) });
    }
  };

  const ask = (p: string, existing: { kind: string; size: number }) => new Promise<ConflictAction>((answer) => setQuestion({ path: p, existing, answer: (a) => (setQuestion(null), answer(a)) }));

  const startUpload = (items: UploadItem[]) => {
    if (items.length === 0) return;
    const first = items.find((i) => !i.path.includes('/')) ?? items[0]!;
    const name = items.filter((i) => !i.path.includes('/')).length > 1 ? t('files.items', { count: items.length }) : first.path;
    const dest = path;
    void track('upload', name, async (o) => {
      const done = await upload(open, dest, items, { ...o, conflict: 'ask', onConflict: ask });
      const sums = done.filter((d) => d.savedAs);
      return sums.length === 1 ? t('files.verified', { sha: sums[0]!.sha256 }) : t('files.savedCount', { count: sums.length });
    });
  };

  // The desktop app: main asks where in the system's save dialog and writes the file itself
  // (src/desktop-core/disk-downloads.ts); this page only follows the transfer.
  const desktopDownloads = desktopShell?.downloads;
  const desktopTransfers = useRef(new Map<number, number>());
  // The end of a download can overtake the reply to its start (both cross IPC): kept until then.
  const earlyEnds = useRef(new Map<number, DesktopDownloadUpdate>());
  const applyDesktopUpdate = useCallback((u: DesktopDownloadUpdate) => {
    const id = desktopTransfers.current.get(u.id);
    if (id === undefined) {
      if (u.status !== 'running') earlyEnds.current.set(u.id, u);
      return;
    }
    if (u.status === 'running') return update(id, { progress: u.progress });
    desktopTransfers.current.delete(u.id);
    const detail = u.status === 'done' ? (u.files?.length === 1 ? t('files.verified', { sha: u.files[0]!.sha256 }) : t('files.savedCount', { count: u.files?.length ?? 0 })) : u.error ? t(`files.error.${u.error.code}`, { defaultValue: u.error.message }) : '';
    update(id, { status: u.status, detail: u.status === 'done' ? `${detail} — ${u.savedTo}` : detail });
  }, [t]);
  useEffect(() => desktopDownloads?.onUpdate(applyDesktopUpdate), [desktopDownloads, applyDesktopUpdate]);

  const startDesktopDownload = async (e: FileEntry, isFolder: boolean) => {
    let started: { id: number; savedTo: string } | null;
    try {
      started = await desktopDownloads!.start({ lsid, path: join(path, e.name), isFolder });
    } catch (err) {
      setError(explain(err));
      return;
    }
    if (!started) return; // the rep closed the save dialog
    const tr: Transfer = { id: nextId++, direction: 'download', name: e.name, progress: null, status: 'running', abort: new AbortController() };
    const remoteId = started.id;
    desktopTransfers.current.set(remoteId, tr.id);
    tr.abort.signal.addEventListener('abort', () => void desktopDownloads!.cancel(remoteId));
    setTransfers((list) => [tr, ...list]);
    const ended = earlyEnds.current.get(remoteId);
    if (ended) {
      earlyEnds.current.delete(remoteId);
      applyDesktopUpdate(ended);
    }
  };

  const startDownload = async (e: FileEntry) => {
    const isFolder = e.kind === 'dir' || (e.kind === 'symlink' && e.target === 'dir');
    if (desktopDownloads) return startDesktopDownload(e, isFolder);
    if (!canStreamDownloads()) {
      setError(t('files.noStreaming'));
      return;
    }
    let target;
    try {
      target = await pickDownloadTarget(e.name, isFolder);
    } catch {
      return; // the rep closed the save dialog
    }
    void track('download', e.name, async (o) => {
      const done = await download(open, join(path, e.name), target, o);
      return done.length === 1 ? t('files.verified', { sha: done[0]!.sha256 }) : t('files.savedCount', { count: done.length });
    });
  };

  const onDrop = (ev: DragEvent) => {
    ev.preventDefault();
    setDragging(false);
    void itemsFromDrop(ev.dataTransfer).then(startUpload, (err) => setError(explain(err)));
  };

  const crumbs = path ? path.split('/') : [];
  const sortButton = (key: FileSort, label: string) => (
    <th scope="col" aria-sort={sort === key ? (desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link" onClick={() => (sort === key ? setDesc(!desc) : (setSort(key), setDesc(false)))}>
        {label}
      </button>
    </th>
  );

  return (
    <section className={`file-browser${dragging ? ' dragging' : ''}`} aria-label={t('files.title')} onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <h3>{t('files.title')}</h3>
      <nav aria-label={t('files.location')} className="crumbs">
        <button type="button" className="link" onClick={() => void refresh('')} title={root}>
          {t('files.home')}
        </button>
        {crumbs.map((c, i) => (
          <span key={i}>
            {' / '}
            <button type="button" className="link" onClick={() => void refresh(crumbs.slice(0, i + 1).join('/'))}>
              {c}
            </button>
          </span>
        ))}
      </nav>
      <div className="session-actions">
        <button type="button" disabled={!path} onClick={() => void refresh(crumbs.slice(0, -1).join('/'))}>{t('files.up')}</button>
        <button type="button" onClick={() => void refresh()}>{t('files.refresh')}</button>
        <label className="check">
          <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
          {t('files.hidden')}
        </label>
        <button type="button" onClick={() => { const name = window.prompt(t('files.newFolderName')); if (name) void act(() => files.mkdir(join(path, name))); }}>{t('files.newFolder')}</button>
        <button type="button" onClick={() => fileInput.current?.click()}>{t('files.uploadFiles')}</button>
        <button type="button" onClick={() => folderInput.current?.click()}>{t('files.uploadFolder')}</button>
        <input ref={fileInput} type="file" multiple hidden aria-label={t('files.uploadFiles')} onChange={(e) => { if (e.target.files) startUpload(itemsFromFiles(e.target.files)); e.target.value = ''; }} />
        <input ref={folderInput} type="file" hidden aria-label={t('files.uploadFolder')} {...{ webkitdirectory: '' }} onChange={(e) => { if (e.target.files) startUpload(itemsFromFiles(e.target.files)); e.target.value = ''; }} />
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <p className="muted small">{t('files.dropHint')}</p>
      <table className="file-table">
        <thead>
          <tr>
            {sortButton('name', t('files.name'))}
            {sortButton('size', t('files.size'))}
            {sortButton('mtime', t('files.modified'))}
            <th scope="col">{t('files.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const isDir = e.kind === 'dir' || (e.kind === 'symlink' && e.target === 'dir');
            return (
              <tr key={e.name} aria-selected={selected === e.name} onClick={() => setSelected(e.name)} className={e.hidden ? 'hidden-entry' : ''}>
                <td>
                  {isDir ? (
                    <button type="button" className="link" onClick={() => void refresh(join(path, e.name))} aria-label={t('files.openFolder', { name: e.name })}>📁 {e.name}</button>
                  ) : (
                    <span>{e.kind === 'symlink' ? '↪ ' : ''}{e.name}{e.target === 'outside' ? ` (${t('files.outside')})` : ''}</span>
                  )}
                </td>
                <td>{isDir ? '—' : formatBytes(e.size)}</td>
                <td>{new Date(e.mtimeMs).toLocaleString()}</td>
                <td className="row-actions">
                  {e.target !== 'outside' && e.target !== 'broken' && <button type="button" onClick={() => void startDownload(e)} aria-label={t('files.downloadName', { name: e.name })}>{t('files.download')}</button>}
                  <button type="button" onClick={() => { const to = window.prompt(t('files.renameTo'), e.name); if (to && to !== e.name) void act(() => files.rename(join(path, e.name), join(path, to))); }} aria-label={t('files.renameName', { name: e.name })}>{t('files.rename')}</button>
                  <button type="button" className="danger" onClick={() => { if (window.confirm(t('files.confirmDelete', { name: e.name }))) void act(() => files.delete(join(path, e.name), isDir)); }} aria-label={t('files.deleteName', { name: e.name })}>{t('files.delete')}</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {entries.length === 0 && !error && <p className="muted">{t('files.empty')}</p>}
      {question && (
        <div role="dialog" aria-modal="true" aria-labelledby="conflict-title" className="dialog">
          <h4 id="conflict-title">{t('files.conflictTitle')}</h4>
          <p>{t('files.conflict', { name: question.path, size: formatBytes(question.existing.size) })}</p>
          <button type="button" onClick={() => question.answer('overwrite')}>{t('files.overwrite')}</button>
          <button type="button" onClick={() => question.answer('rename')}>{t('files.keepBoth')}</button>
          <button type="button" onClick={() => question.answer('skip')}>{t('files.skip')}</button>
        </div>
      )}
      {transfers.length > 0 && (
        <>
          <h4>{t('files.transfers')}</h4>
          <ul className="transfers" aria-label={t('files.transfers')}>
            {transfers.map((x) => {
              const p = x.progress;
              const pct = p && p.total > 0 ? Math.round((p.done / p.total) * 100) : x.status === 'done' ? 100 : 0;
              return (
                <li key={x.id} data-status={x.status}>
                  <span>{x.direction === 'upload' ? '⬆' : '⬇'} {x.name}</span>{' '}
                  <progress max={100} value={pct} aria-label={t('files.progressOf', { name: x.name })} />{' '}
                  <span className="small">
                    {t(`files.status.${x.status}`)}
                    {x.status === 'running' && p && ` — ${formatBytes(p.done)} / ${formatBytes(p.total)}, ${formatBytes(p.bytesPerSecond)}/s${p.secondsLeft !== null ? `, ${t('files.left', { time: formatSeconds(p.secondsLeft) })}` : ''}${p.resuming ? `, ${t('files.resuming')}` : ''}`}
                    {x.detail ? ` — ${x.detail}` : ''}
                  </span>{' '}
                  {x.status === 'running' && <button type="button" onClick={() => x.abort.abort()} aria-label={t('files.cancelName', { name: x.name })}>{t('files.cancel')}</button>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
