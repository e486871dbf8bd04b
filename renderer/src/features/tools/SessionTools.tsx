// The session workspace's tools for what the customer granted: the file browser (file_transfer)
// and remote shells (shell), each in its own tab.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionSummary } from '../../../../src/protocol/index.ts';
import { FileBrowser } from './FileBrowser.tsx';
import { ShellView } from './ShellView.tsx';
import { fileOpener, shellOpener } from './tool-channels.ts';
import './tools.css';
import './tools-i18n.ts';

export function SessionTools({ session }: { session: SessionSummary }) {
  const { t } = useTranslation();
  const files = session.grants.includes('file_transfer');
  const shell = session.grants.includes('shell');
  const openFile = useMemo(() => fileOpener(session.lsid), [session.lsid]);
  const openShell = useMemo(() => shellOpener(session.lsid), [session.lsid]);
  const [tab, setTab] = useState<'files' | 'shell'>(files ? 'files' : 'shell');
  if (!files && !shell) return null;
  const current = tab === 'files' && !files ? 'shell' : tab === 'shell' && !shell ? 'files' : tab;
  return (
    <section className="session-tools" aria-label={t('tools.title')}>
      <div role="tablist" aria-label={t('tools.title')} className="session-actions">
        {files && <button type="button" role="tab" aria-selected={current === 'files'} onClick={() => setTab('files')}>{t('files.title')}</button>}
        {shell && <button type="button" role="tab" aria-selected={current === 'shell'} onClick={() => setTab('shell')}>{t('shell.title')}</button>}
      </div>
      <div hidden={current !== 'files'}>{files && (openFile ? <FileBrowser open={openFile} /> : <p className="muted">{t('tools.unavailable')}</p>)}</div>
      <div hidden={current !== 'shell'}>{shell && (openShell ? <ShellView open={openShell} /> : <p className="muted">{t('tools.unavailable')}</p>)}</div>
    </section>
  );
}
