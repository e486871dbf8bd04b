// REP-4: one session's report — summary, both computers, reps, the chat transcript with reps-only
// lines marked, permissions, files, every event in order — in the site's time zone, with the
// self-contained HTML download. `transcriptOnly` shows the transcript alone (the list's link).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import type { SessionReport } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { formatDuration, useDateTime } from '../../format.ts';
import { useReports } from './reports-store.ts';
import { directDownloadUrl, saveDownload } from './save-download.ts';

function Transcript({ report }: { report: SessionReport }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  if (report.transcript.length === 0) return <p>{t('reports.noChat')}</p>;
  return (
    <table aria-label={t('reports.transcript')}>
      <thead>
        <tr>
          <th scope="col">{t('reports.at')}</th>
          <th scope="col">{t('reports.who')}</th>
          <th scope="col">{t('reports.line')}</th>
        </tr>
      </thead>
      <tbody>
        {report.transcript.map((l) => (
          <tr key={l.seq} className={l.repsOnly ? 'reps-only' : undefined}>
            <td>{dateTime(l.at)}</td>
            <td>
              {l.from.name}
              {l.repsOnly && <span className="tag"> ({t('reports.repsOnly')})</span>}
            </td>
            <td className="chat-text">{l.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function detailsOf(body: Record<string, unknown>): string {
  return Object.entries(body)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

export function ReportDetail({ transcriptOnly = false }: { transcriptOnly?: boolean }) {
  const { t, i18n } = useTranslation();
  const { lsid = '' } = useParams();
  const location = useLocation();
  // `relative="path"`: up one segment from reports/:lsid, two from reports/:lsid/transcript.
  const backTo = `${transcriptOnly ? '../..' : '..'}${(location.state as { list?: string } | null)?.list ? `?${(location.state as { list: string }).list}` : ''}`;
  const report = useReports((s) => s.report);
  const error = useReports((s) => s.reportError);
  const open = useReports((s) => s.open);
  const dateTime = useDateTime();
  const [downloadError, setDownloadError] = useState<unknown>(null);

  useEffect(() => {
    void open(lsid);
  }, [lsid, open]);

  const language = (i18n.resolvedLanguage ?? 'en') === 'fr' ? 'fr' : 'en';
  const htmlUrl = directDownloadUrl(`/reports/sessions/${encodeURIComponent(lsid)}/download?lang=${language}`);
  const download = async () => {
    setDownloadError(null);
    try {
      saveDownload(await consoleApi.reports.downloadHtml(lsid, language));
    } catch (e) {
      setDownloadError(e);
    }
  };

  const back = (
    <Link to={backTo} relative="path">
      {t('reports.back')}
    </Link>
  );
  if (error) {
    return (
      <section className="panel">
        {back}
        <ErrorMessage error={error} />
      </section>
    );
  }
  if (!report || report.session.lsid !== lsid) return <p role="status">{t('reports.loading')}</p>;
  const s = report.session;
  const title = transcriptOnly ? t('reports.transcriptOf', { seq: s.sequenceNumber }) : t('reports.detailOf', { seq: s.sequenceNumber });
  const row = (label: string, value: string) => (
    <tr>
      <th scope="row">{label}</th>
      <td>{value}</td>
    </tr>
  );

  return (
    <section aria-labelledby="report-detail-title" className="panel report-detail">
      {back}
      <h1 id="report-detail-title">{title}</h1>
      <div className="toolbar">
        <span className="hint">{t('reports.timesIn', { zone: report.timeZone })}</span>
        {htmlUrl ? (
          <a className="button" href={htmlUrl} download>
            {t('reports.downloadHtml')}
          </a>
        ) : (
          <button type="button" onClick={() => void download()}>
            {t('reports.downloadHtml')}
          </button>
        )}
        {s.hasRecording && (
          <Link to={transcriptOnly ? '../recording' : 'recording'} relative="path">
            {t('reports.recordingOf', { seq: s.sequenceNumber })}
          </Link>
        )}
      </div>
      <ErrorMessage error={downloadError} />
      {transcriptOnly ? (
        <Transcript report={report} />
      ) : (
        <>
          <h2>{t('reports.summary')}</h2>
          <table aria-label={t('reports.summary')}>
            <tbody>
              {row(t('reports.lsid'), s.lsid)}
              {row(t('reports.seq'), String(s.sequenceNumber))}
              {row(t('reports.start'), dateTime(s.startedAt))}
              {row(t('reports.accepted'), dateTime(s.acceptedAt))}
              {row(t('reports.end'), s.endedAt ? dateTime(s.endedAt) : t('reports.running'))}
              {row(t('reports.duration'), formatDuration(s.durationSeconds))}
              {row(t('reports.method'), t(`reports.method_${s.method}`))}
              {row(t('reports.client'), t(`reports.client_${s.clientKind}`))}
              {row(t('reports.endReason'), s.endReason ?? '')}
            </tbody>
          </table>
          <h2>{t('reports.customerComputer')}</h2>
          <table aria-label={t('reports.customerComputer')}>
            <tbody>
              {row(t('reports.name'), report.customer.name)}
              {row(t('reports.computerName'), report.customer.computerName)}
              {row(t('reports.os'), report.customer.os)}
              {row(t('reports.userName'), report.customer.userName)}
              {row(t('reports.publicIp'), report.customer.publicIp)}
              {row(t('reports.privateIp'), report.customer.privateIp)}
            </tbody>
          </table>
          <h2>{t('reports.repsComputers')}</h2>
          {report.reps.length === 0 ? (
            <p>{t('reports.noReps')}</p>
          ) : (
            <table aria-label={t('reports.repsComputers')}>
              <thead>
                <tr>
                  <th scope="col">{t('reports.name')}</th>
                  <th scope="col">{t('reports.addresses')}</th>
                  <th scope="col">{t('reports.firstJoined')}</th>
                </tr>
              </thead>
              <tbody>
                {report.reps.map((r) => (
                  <tr key={r.userId}>
                    <td>{r.name}</td>
                    <td>{r.ips.join(', ')}</td>
                    <td>{dateTime(r.firstJoinedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('reports.transcript')}</h2>
          <Transcript report={report} />
          <h2>{t('reports.permissions')}</h2>
          {report.permissions.length === 0 ? (
            <p>{t('reports.noPermissions')}</p>
          ) : (
            <table aria-label={t('reports.permissions')}>
              <thead>
                <tr>
                  <th scope="col">{t('reports.at')}</th>
                  <th scope="col">{t('reports.permission')}</th>
                  <th scope="col">{t('reports.action')}</th>
                  <th scope="col">{t('reports.by')}</th>
                </tr>
              </thead>
              <tbody>
                {report.permissions.map((p) => (
                  <tr key={p.seq}>
                    <td>{dateTime(p.at)}</td>
                    <td>{t(`queue.permission.${p.permission}`, { defaultValue: p.permission })}</td>
                    <td>{t(`reports.action_${p.action}`)}</td>
                    <td>{p.by === 'policy' ? t('reports.byPolicy') : p.by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('reports.files')}</h2>
          {report.files.length === 0 ? (
            <p>{t('reports.noFiles')}</p>
          ) : (
            <table aria-label={t('reports.files')}>
              <thead>
                <tr>
                  <th scope="col">{t('reports.at')}</th>
                  <th scope="col">{t('reports.what')}</th>
                  <th scope="col">{t('reports.by')}</th>
                  <th scope="col">{t('reports.details')}</th>
                </tr>
              </thead>
              <tbody>
                {report.files.map((f) => (
                  <tr key={f.seq}>
                    <td>{dateTime(f.at)}</td>
                    <td>{f.kind}</td>
                    <td>{f.by}</td>
                    <td>{detailsOf(f.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('reports.events')}</h2>
          <table aria-label={t('reports.eventsLabel')}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('reports.at')}</th>
                <th scope="col">{t('reports.who')}</th>
                <th scope="col">{t('reports.what')}</th>
                <th scope="col">{t('reports.details')}</th>
              </tr>
            </thead>
            <tbody>
              {report.events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{dateTime(e.at)}</td>
                  <td>{e.actor.name}</td>
                  <td>{e.body.kind}</td>
                  <td>{detailsOf(e.body as Record<string, unknown>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
