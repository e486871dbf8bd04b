// "Download the console" (ACC-1) and the MSI mass-deployment command builder (ACC-2) on My Account.
// The list comes from the broker (listConsoleDownloads); the visitor's detected OS comes first.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { buildMsiCommand, defaultMsiOptions, msiOptionProblems, type MsiOptions } from '../../../../src/console-core/msi-command.ts';
import { detectPlatform, type ConsoleDownloads as ConsoleDownloadsBody, type ConsoleDownload, type ConsolePlatform } from '../../../../src/protocol/downloads.ts';
import { consoleApi, desktopShell } from '../../console-api.ts';

const PLATFORMS: ConsolePlatform[] = ['windows', 'macos', 'linux'];

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: ConsoleDownloadsBody };

// Through ConsoleApi, so the desktop app (whose login is a token held in main) lists them too; the
// OS is detected here when the broker could not tell from the request (the desktop app's requests).
async function fetchDownloads(): Promise<ConsoleDownloadsBody> {
  const data = await consoleApi.site.consoleDownloads();
  return { ...data, detected: data.detected ?? detectPlatform(navigator.userAgent) };
}

/** The desktop window has no login cookie: it fetches the same file from the public update feed. */
function hrefOf(d: ConsoleDownload): string {
  return desktopShell ? `/api/v1/updates/console/${encodeURIComponent(d.fileName)}` : d.url;
}

function sizeText(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function DownloadLink({ d }: { d: ConsoleDownload }) {
  const { t } = useTranslation();
  return (
    <li>
      <a className="button" href={hrefOf(d)} download={d.fileName}>
        {t('account.downloads.get', { kind: t(`account.downloads.kinds.${d.kind}`) })}
      </a>{' '}
      <span className="muted">{d.fileName} · {sizeText(d.size)} · {t('account.downloads.version', { version: d.version })}</span>
    </li>
  );
}

function MsiCommandBuilder({ msiFileName }: { msiFileName: string }) {
  const { t } = useTranslation();
  const [o, setO] = useState<MsiOptions>(defaultMsiOptions);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const command = buildMsiCommand(msiFileName, o);
  const problems = msiOptionProblems(o);
  const set = (patch: Partial<MsiOptions>) => { setO({ ...o, ...patch }); setCopied(null); };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <fieldset className="msi-builder">
      <legend>{t('account.downloads.msi.title')}</legend>
      <p className="hint">{t('account.downloads.msi.hint')}</p>
      <label>
        {t('account.downloads.msi.installDir')}
        <input type="text" value={o.installDir} placeholder="C:\Program Files\Passerelle" onChange={(e) => set({ installDir: e.target.value })} />
      </label>
      <label>
        {t('account.downloads.msi.runAtStartup')}
        <select value={o.runAtStartup} onChange={(e) => set({ runAtStartup: e.target.value as MsiOptions['runAtStartup'] })}>
          <option value="0">{t('account.downloads.msi.runAtStartup0')}</option>
          <option value="1">{t('account.downloads.msi.runAtStartup1')}</option>
        </select>
      </label>
      <label>
        {t('account.downloads.msi.allUsers')}
        <select value={o.allUsers} onChange={(e) => set({ allUsers: e.target.value as MsiOptions['allUsers'] })}>
          <option value="1">{t('account.downloads.msi.allUsers1')}</option>
          <option value="">{t('account.downloads.msi.allUsersEmpty')}</option>
        </select>
      </label>
      <label>
        {t('account.downloads.msi.shouldAutoUpdate')}
        <select value={o.allUsers === '1' ? '0' : o.shouldAutoUpdate} disabled={o.allUsers === '1'} onChange={(e) => set({ shouldAutoUpdate: e.target.value as MsiOptions['shouldAutoUpdate'] })}>
          <option value="0">{t('account.downloads.msi.shouldAutoUpdate0')}</option>
          <option value="1">{t('account.downloads.msi.shouldAutoUpdate1')}</option>
        </select>
      </label>
      {o.allUsers === '1' && <p className="hint">{t('account.downloads.msi.allUsersNoUpdate')}</p>}
      {problems.filter((p) => p !== 'auto_update_needs_per_user').map((p) => <p key={p} role="alert" className="error">{t(`account.downloads.msi.problems.${p}`)}</p>)}
      <label htmlFor="msi-command">{t('account.downloads.msi.command')}</label>
      <pre><code id="msi-command" data-testid="msi-command">{command}</code></pre>
      <button type="button" onClick={() => void copy()}>{t('account.downloads.msi.copy')}</button>{' '}
      <span role="status">{copied === 'yes' ? t('account.downloads.msi.copied') : copied === 'failed' ? t('account.downloads.msi.copyFailed') : ''}</span>
    </fieldset>
  );
}

export function ConsoleDownloads() {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [platform, setPlatform] = useState<ConsolePlatform | null>(null);

  useEffect(() => {
    let live = true;
    fetchDownloads().then(
      (data) => { if (live) { setLoad({ state: 'ready', data }); setPlatform(data.detected ?? data.downloads[0]?.platform ?? 'windows'); } },
      (e: unknown) => { if (live) setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) }); },
    );
    return () => { live = false; };
  }, []);

  const downloads = load.state === 'ready' ? load.data.downloads : [];
  const chosen = useMemo(() => downloads.filter((d) => d.platform === platform), [downloads, platform]);
  const others = useMemo(() => downloads.filter((d) => d.platform !== platform), [downloads, platform]);
  const msi = downloads.find((d) => d.kind === 'msi');

  return (
    <section aria-labelledby="downloads-title" className="card">
      <h2 id="downloads-title">{t('account.downloads.title')}</h2>
      {load.state === 'loading' && <p>{t('account.downloads.loading')}</p>}
      {load.state === 'error' && <p role="alert" className="error">{t('account.downloads.loadFailed', { message: load.message })}</p>}
      {load.state === 'ready' && downloads.length === 0 && <p role="status">{t('account.downloads.noneOnBroker')}</p>}
      {load.state === 'ready' && downloads.length > 0 && (
        <>
          <label htmlFor="console-platform">{t('account.downloads.platform')}</label>
          <select id="console-platform" value={platform ?? ''} onChange={(e) => setPlatform(e.target.value as ConsolePlatform)}>
              {PLATFORMS.map((p) => (
                <option key={p} value={p}>
                  {t(`account.downloads.platforms.${p}`)}{load.data.detected === p ? ` ${t('account.downloads.detected')}` : ''}
                </option>
              ))}
          </select>
          {chosen.length > 0
            ? <ul className="downloads" aria-label={t('account.downloads.forPlatform', { platform: t(`account.downloads.platforms.${platform}`) })}>{chosen.map((d) => <DownloadLink key={d.kind} d={d} />)}</ul>
            : <p role="status">{t('account.downloads.noneForPlatform', { platform: t(`account.downloads.platforms.${platform}`) })}</p>}
          {others.length > 0 && (
            <>
              <h3>{t('account.downloads.others')}</h3>
              <ul className="downloads" aria-label={t('account.downloads.others')}>{others.map((d) => <DownloadLink key={d.kind} d={d} />)}</ul>
            </>
          )}
        </>
      )}
      <MsiCommandBuilder msiFileName={msi?.fileName ?? 'Passerelle.msi'} />
    </section>
  );
}
