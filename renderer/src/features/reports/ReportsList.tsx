// REP-3: the sessions matching the filters in the address, one page, sorted by the column the
// user picks; links to each session's detail, transcript and recording; CSV download of it all.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { REPORT_PAGE_SIZES, type ReportSort } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDuration, useDateTime } from '../../format.ts';
import { consoleApi } from '../../console-api.ts';
import { queryFromParams, withParams } from './report-query.ts';
import { useReports } from './reports-store.ts';
import { directDownloadUrl, saveDownload } from './save-download.ts';
import { reportQueryString } from '../../../../src/console-core/reports/reports-area.ts';

const defaultOrder = (sort: ReportSort) => (sort === 'customer' || sort === 'computer' ? 'asc' : 'desc');

export function ReportsList() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const list = useReports((s) => s.list);
  const listError = useReports((s) => s.listError);
  const loading = useReports((s) => s.loadingList);
  const listKey = useReports((s) => s.listKey);
  const load = useReports((s) => s.load);
  const dateTime = useDateTime();
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const key = params.toString();

  useEffect(() => {
    void load(queryFromParams(new URLSearchParams(key)), key);
  }, [key, load]);

  const sort = (params.get('sort') as ReportSort | null) ?? 'start';
  const order = params.get('order') ?? defaultOrder(sort);
  const page = Number(params.get('page') ?? '1') || 1;

  const sortHeader = (column: ReportSort, label: string) => {
    const active = sort === column;
    const next = active ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder(column);
    return (
      <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="link" aria-label={t('reports.sortBy', { column: label })} onClick={() => setParams(withParams(params, { sort: column, order: next, page: null }))}>
          {label}
          {active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };

  const { page: _page, pageSize: _size, ...exportQuery } = queryFromParams(params);
  const csvUrl = directDownloadUrl(`/reports/sessions.csv${reportQueryString(exportQuery)}`);
  const exportCsv = async () => {
    setDownloadError(null);
    try {
      saveDownload(await consoleApi.reports.exportCsv(queryFromParams(params)));
    } catch (e) {
      setDownloadError(e);
    }
  };

  return (
    <section aria-labelledby="report-results-title">
      <div className="toolbar">
        <h2 id="report-results-title">{t('reports.results')}</h2>
        <div className="actions">
          {list && <span className="hint">{t('reports.timesIn', { zone: list.timeZone })}</span>}
          {csvUrl ? (
            <a className="button" href={csvUrl} download>
              {t('reports.downloadCsv')}
            </a>
          ) : (
            <button type="button" onClick={() => void exportCsv()} disabled={!list}>
              {t('reports.downloadCsv')}
            </button>
          )}
        </div>
      </div>
      <ErrorMessage error={listError ?? downloadError} />
      {loading && !list && <p role="status">{t('reports.loading')}</p>}
      {list && (
        <>
          <table aria-label={t('reports.tableLabel')} className="report-table" aria-busy={loading} data-report-query={listKey ?? ''}>
            <thead>
              <tr>
                <th scope="col">{t('reports.lsid')}</th>
                {sortHeader('sequenceNumber', t('reports.seq'))}
                {sortHeader('start', t('reports.start'))}
                <th scope="col">{t('reports.duration')}</th>
                {sortHeader('customer', t('reports.customer'))}
                {sortHeader('computer', t('reports.computer'))}
                <th scope="col">{t('reports.reps')}</th>
                <th scope="col">{t('reports.method')}</th>
                <th scope="col">{t('reports.endReason')}</th>
                <th scope="col">{t('reports.links')}</th>
              </tr>
            </thead>
            <tbody>
              {list.sessions.map((s) => (
                <tr key={s.lsid}>
                  <td className="mono">{s.lsid}</td>
                  <td>{s.sequenceNumber}</td>
                  <td>{dateTime(s.startedAt)}</td>
                  <td>{formatDuration(s.durationSeconds)}</td>
                  <td>{s.customerName}</td>
                  <td>{s.computerName}</td>
                  <td>{s.reps.map((r) => r.name).join(', ')}</td>
                  <td>{t(`reports.method_${s.method}`)}</td>
                  <td>{s.endReason ?? t('reports.running')}</td>
                  <td className="actions">
                    <Link to={s.lsid} state={{ list: key }} aria-label={t('reports.detailOf', { seq: s.sequenceNumber })}>
                      {t('reports.detail')}
                    </Link>
                    <Link to={`${s.lsid}/transcript`} state={{ list: key }} aria-label={t('reports.transcriptOf', { seq: s.sequenceNumber })}>
                      {t('reports.transcript')}
                    </Link>
                    {s.hasRecording ? (
                      <Link to={`${s.lsid}/recording`} state={{ list: key }} aria-label={t('reports.recordingOf', { seq: s.sequenceNumber })}>
                        {t('reports.recording')}
                      </Link>
                    ) : (
                      <span className="hint">{t('reports.noRecording')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.sessions.length === 0 && <p>{t('reports.none')}</p>}
          <nav className="pager" aria-label={t('reports.page', { page })}>
            <button type="button" disabled={page <= 1} onClick={() => setParams(withParams(params, { page: page > 2 ? String(page - 1) : null }))}>
              {t('reports.previous')}
            </button>
            <span>{t('reports.page', { page })}</span>
            <button type="button" disabled={!list.hasMore} onClick={() => setParams(withParams(params, { page: String(page + 1) }))}>
              {t('reports.next')}
            </button>
            <label>
              {t('reports.pageSize')}
              <select value={String(list.pageSize)} onChange={(e) => setParams(withParams(params, { pageSize: e.target.value, page: null }))}>
                {REPORT_PAGE_SIZES.map((n) => (
                  <option key={n} value={String(n)}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        </>
      )}
    </section>
  );
}
