// The session workspace's tools for what the customer granted: the screen (screen_view, with
// control when screen_control is granted too), the file browser (file_transfer) and remote shells
// (shell), each in its own tab.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionSummary } from '../../../../src/protocol/index.ts';
import { AnnotatedScreen } from '../annotation/AnnotatedScreen.tsx';
import { FileBrowser } from './FileBrowser.tsx';
import { ShellView } from './ShellView.tsx';
import { fileOpener, inputOpener, screenOpener, shellOpener } from './tool-channels.ts';
import './tools.css';
import './tools-i18n.ts';
import '../screen/screen-i18n.ts';

type Tab = 'screen' | 'files' | 'shell';

export function SessionTools({ session }: { session: SessionSummary }) {
  const { t } = useTranslation();
  const screen = session.grants.includes('screen_view') && session.capabilities.includes('screen');
  const control = screen && session.grants.includes('screen_control') && session.capabilities.includes('input');
  const files = session.grants.includes('file_transfer');
  const shell = session.grants.includes('shell');
  const openFile = useMemo(() => fileOpener(session.lsid), [session.lsid]);
  const openShell = useMemo(() => shellOpener(session.lsid), [session.lsid]);
  const openScreen = useMemo(() => screenOpener(session.lsid), [session.lsid]);
  const openInput = useMemo(() => (control ? inputOpener(session.lsid) : null), [session.lsid, control]);
  const available: Tab[] = [...(screen ? ['screen' as const] : []), ...(files ? ['files' as const] : []), ...(shell ? ['shell' as const] : [])];
  const [tab, setTab] = useState<Tab | null>(null);
  if (available.length === 0) return null;
  const current = tab && available.includes(tab) ? tab : available[0]!;
  return (
    <section className="session-tools" aria-label={t('tools.title')}>
      <div role="tablist" aria-label={t('tools.title')} className="session-actions">
        {screen && <button type="button" role="tab" aria-selected={current === 'screen'} onClick={() => setTab('screen')}>{t('screen.title')}</button>}
        {files && <button type="button" role="tab" aria-selected={current === 'files'} onClick={() => setTab('files')}>{t('files.title')}</button>}
        {shell && <button type="button" role="tab" aria-selected={current === 'shell'} onClick={() => setTab('shell')}>{t('shell.title')}</button>}
      </div>
      <div hidden={current !== 'screen'}>{screen && (openScreen ? <AnnotatedScreen lsid={session.lsid} open={openScreen} openInput={openInput} annotations={session.grants.includes('annotations') && session.capabilities.includes('annotation')} clipboard={!!openInput && session.capabilities.includes('clipboard')} /> : <p className="muted">{t('screen.unavailable')}</p>)}</div>
      <div hidden={current !== 'files'}>{files && (openFile ? <FileBrowser open={openFile} lsid={session.lsid} /> : <p className="muted">{t('tools.unavailable')}</p>)}</div>
      <div hidden={current !== 'shell'}>{shell && (openShell ? <ShellView open={openShell} /> : <p className="muted">{t('tools.unavailable')}</p>)}</div>
    </section>
  );
}
