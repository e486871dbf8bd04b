// Presentation reports in the Reports tab (REP-6): the period filter (kept in the address, so a
// report can be bookmarked), the list, and one presentation's detail: presenter, public and
// private IPs, start and end, each attendee with join and leave times, every event. Times to the
// second, in the site's time zone; the broker decides who may read them and logs each reading.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import type { PresentationReport, PresentationReportList, PresentationReportQueryInput } from '../../../../src/protocol/presentations.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { formatDuration } from '../../format.ts';
import { useSiteTimeZone } from '../../stores/site-store.ts';
import './i18n.ts';

/** Date and time to the second (join and leave times are seconds apart), in the site's zone. */
function useSecondsDateTime(zone?: string): (iso: string | null) => string {
  const { i18n } = useTranslation();
  const siteZone = useSiteTimeZone();
  const language = i18n.resolvedLanguage ?? 'en';
  return (iso) => {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium', timeZone: zone ?? siteZone }).format(d);
    } catch {
      return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
    }
  };
}

const REASONS = new Set(['left', 'removed', 'connection_lost', 'presentation_ended', 'ended_by_presenter', 'presenter_connection_lost', 'broker_shutdown', 'broker_restart']);

/** A leave or end reason in words; one this console does not know is shown as the broker wrote it. */
export function reasonText(t: (k: string) => string, reason: string | null): string {
  if (!reason) return '';
  return REASONS.has(reason) ? t(`presentationReports.reason_${reason}`) : reason;
}

const QUERY_KEYS = ['from', 'days', 'to', 'page'] as const;

function queryOf(params: URLSearchParams): PresentationReportQueryInput {
  const q: PresentationReportQueryInput = {};
  for (const k of QUERY_KEYS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  return q;
}

export function PresentationReportsList() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState(() => ({ from: params.get('from') ?? '', days: params.get('days') ?? '', to: params.get('to') ?? '' }));
  const [list, setList] = useState<PresentationReportList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const key = params.toString();
  const dateTime = useSecondsDateTime(list?.timeZone);

  useEffect(() => setForm({ from: params.get('from') ?? '', days: params.get('days') ?? '', to: params.get('to') ?? '' }), [params]);
  useEffect(() => {
    let stop = false;
    setLoading(true);
    setError(null);
    consoleApi.presentationReports.list(queryOf(new URLSearchParams(key))).then(
      (l) => !stop && (setList(l), setLoading(false)),
      (e: unknown) => !stop && (setError(e), setList(null), setLoading(false)),
    );
    return () => {
      stop = true;
    };
  }, [key]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of ['from', 'days', 'to'] as const) if (form[k].trim()) next.set(k, form[k].trim());
    setParams(next);
  };
  const page = Number(params.get('page') ?? '1') || 1;
  const goPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p <= 1) next.delete('page');
    else next.set('page', String(p));
    setParams(next);
  };

  return (
    <section aria-labelledby="presentation-reports-title" className="panel">
      <h1 id="presentation-reports-title">{t('presentationReports.title')}</h1>
      <p>
        <Link to="..">{t('presentationReports.sessionsLink')}</Link>
      </p>
      <form className="report-filters" onSubmit={submit} aria-labelledby="presentation-period-title">
        <h2 id="presentation-period-title">{t('presentationReports.period')}</h2>
        <p className="hint" id="presentation-period-help">{t('presentationReports.periodHelp')}</p>
        <fieldset aria-describedby="presentation-period-help">
          <legend>{t('presentationReports.period')}</legend>
          <label>
            {t('presentationReports.from')}
            <input type="date" value={form.from} min="2000-01-01" max="2199-12-31" onChange={(e) => setForm((f) => ({ ...f, from: e.target.value }))} />
          </label>
          <label>
            {t('presentationReports.days')}
            <input type="number" inputMode="numeric" min={1} max={366} value={form.days} onChange={(e) => setForm((f) => ({ ...f, days: e.target.value }))} />
          </label>
          <label>
            {t('presentationReports.to')}
            <input type="date" value={form.to} min="2000-01-01" max="2199-12-31" onChange={(e) => setForm((f) => ({ ...f, to: e.target.value }))} />
          </label>
        </fieldset>
        <p className="actions">
          <button type="submit">{t('presentationReports.run')}</button>{' '}
          <button type="button" onClick={() => setParams(new URLSearchParams())}>
            {t('presentationReports.reset')}
          </button>
        </p>
      </form>
      <h2 id="presentation-results">{t('presentationReports.results')}</h2>
      <ErrorMessage error={error} />
      {loading && <p role="status">{t('presentationReports.loading')}</p>}
      {list && !loading && (
        <>
          <p className="hint">{t('presentationReports.timesIn', { zone: list.timeZone })}</p>
          {list.presentations.length === 0 ? (
            <p>{t('presentationReports.none')}</p>
          ) : (
            <table className="report-table" aria-label={t('presentationReports.tableLabel')}>
              <thead>
                <tr>
                  <th scope="col">{t('presentationReports.name')}</th>
                  <th scope="col">{t('presentationReports.presenter')}</th>
                  <th scope="col">{t('presentationReports.start')}</th>
                  <th scope="col">{t('presentationReports.end')}</th>
                  <th scope="col">{t('presentationReports.duration')}</th>
                  <th scope="col">{t('presentationReports.attendeeCount')}</th>
                  <th scope="col">{t('presentationReports.listed')}</th>
                  <th scope="col">{t('presentationReports.endReason')}</th>
                  <th scope="col">{t('presentationReports.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {list.presentations.map((p) => (
                  <tr key={p.presentationId}>
                    <td>{p.name}</td>
                    <td>{p.presenter.name}</td>
                    <td>{dateTime(p.startedAt)}</td>
                    <td>{p.endedAt ? dateTime(p.endedAt) : t('presentationReports.running')}</td>
                    <td>{formatDuration(p.durationSeconds)}</td>
                    <td>{p.attendeeCount}</td>
                    <td>{p.listed ? t('presentationReports.yes') : t('presentationReports.no')}</td>
                    <td>{reasonText(t, p.endReason)}</td>
                    <td>
                      <Link to={p.presentationId} state={{ list: key }} aria-label={t('presentationReports.detailOf', { name: p.name })}>
                        {t('presentationReports.detail')}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager" aria-label={t('presentationReports.results')}>
            <button type="button" disabled={page <= 1} onClick={() => goPage(page - 1)}>
              {t('presentationReports.previous')}
            </button>
            <span>{t('presentationReports.page', { page })}</span>
            <button type="button" disabled={!list.hasMore} onClick={() => goPage(page + 1)}>
              {t('presentationReports.next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

export function PresentationReportDetail() {
  const { t } = useTranslation();
  const { presentationId = '' } = useParams();
  const location = useLocation();
  const list = (location.state as { list?: string } | null)?.list;
  const [report, setReport] = useState<PresentationReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const dateTime = useSecondsDateTime(report?.timeZone);

  useEffect(() => {
    let stop = false;
    setReport(null);
    setError(null);
    consoleApi.presentationReports.get(presentationId).then(
      (r) => !stop && setReport(r),
      (e: unknown) => !stop && setError(e),
    );
    return () => {
      stop = true;
    };
  }, [presentationId]);

  const p = report?.presentation;
  return (
    <section aria-labelledby="presentation-report-title" className="panel report-detail">
      <p>
        <Link to={`..${list ? `?${list}` : ''}`} relative="path">
          {t('presentationReports.back')}
        </Link>
      </p>
      <h1 id="presentation-report-title">{p ? t('presentationReports.detailOf', { name: p.name }) : t('presentationReports.title')}</h1>
      <ErrorMessage error={error} />
      {!report && !error && <p role="status">{t('presentationReports.loading')}</p>}
      {report && p && (
        <>
          <p className="hint">{t('presentationReports.timesIn', { zone: report.timeZone })}</p>
          <h2 id="presentation-summary">{t('presentationReports.summary')}</h2>
          <dl aria-labelledby="presentation-summary">
            <dt>{t('presentationReports.presenter')}</dt>
            <dd>{p.presenter.name}</dd>
            <dt>{t('presentationReports.publicIp')}</dt>
            <dd className="mono">{p.publicIp}</dd>
            <dt>{t('presentationReports.privateIp')}</dt>
            <dd className="mono">{p.privateIp}</dd>
            <dt>{t('presentationReports.start')}</dt>
            <dd>{dateTime(p.startedAt)}</dd>
            <dt>{t('presentationReports.end')}</dt>
            <dd>{p.endedAt ? dateTime(p.endedAt) : t('presentationReports.running')}</dd>
            <dt>{t('presentationReports.duration')}</dt>
            <dd>{formatDuration(p.durationSeconds)}</dd>
            <dt>{t('presentationReports.listed')}</dt>
            <dd>{p.listed ? t('presentationReports.yes') : t('presentationReports.no')}</dd>
            <dt>{t('presentationReports.endReason')}</dt>
            <dd>{reasonText(t, p.endReason)}</dd>
          </dl>
          <h2>{t('presentationReports.attendees')}</h2>
          {report.attendees.length === 0 ? (
            <p>{t('presentationReports.noAttendees')}</p>
          ) : (
            <table aria-label={t('presentationReports.attendeesLabel')}>
              <thead>
                <tr>
                  <th scope="col">{t('presentationReports.attendee')}</th>
                  <th scope="col">{t('presentationReports.address')}</th>
                  <th scope="col">{t('presentationReports.joined')}</th>
                  <th scope="col">{t('presentationReports.left')}</th>
                  <th scope="col">{t('presentationReports.leaveReason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.attendees.map((a) => (
                  <tr key={a.attendeeId}>
                    <th scope="row">{a.name}</th>
                    <td className="mono">{a.address}</td>
                    <td>{dateTime(a.joinedAt)}</td>
                    <td>{a.leftAt ? dateTime(a.leftAt) : t('presentationReports.stillThere')}</td>
                    <td>{reasonText(t, a.leaveReason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('presentationReports.events')}</h2>
          <table aria-label={t('presentationReports.eventsLabel')}>
            <thead>
              <tr>
                <th scope="col">{t('presentationReports.at')}</th>
                <th scope="col">{t('presentationReports.event')}</th>
                <th scope="col">{t('presentationReports.who')}</th>
                <th scope="col">{t('presentationReports.details')}</th>
              </tr>
            </thead>
            <tbody>
              {report.events.map((e) => (
                <tr key={e.seq}>
                  <td>{dateTime(e.at)}</td>
                  <td>{t(`presentationReports.kind_${e.kind}`)}</td>
                  <td>{e.actor.name}</td>
                  <td className="chat-text">{[e.text, reasonText(t, e.reason), e.actor.address].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
