// Support session reports (REP-1..4, USR-9): REP-2 filters resolved against the site's time zone,
// the list, the detail built from the event log, the CSV and HTML downloads, and the audit of who
// read which report (issue 10 item 3). Routes only validate and serialise around this.
import type { Logger } from 'pino';
import {
  DEFAULT_REPORT_PAGE_SIZE,
  type FileEntry,
  type PermissionEntry,
  type ReportAccessAction,
  type ReportAccessEntry,
  type SessionReport,
  type SessionReportList,
  type SessionReportQuery,
  type SessionReportRow,
  type TranscriptLine,
} from '../../../protocol/reports.ts';
import type { SessionEvent } from '../../../protocol/sessions.ts';
import { PasserelleError } from '../../errors.ts';
import type { ReportOrder, SessionReportFilter, SessionReportRecord } from '../../store/reports-store.ts';
import type { SessionEventRecord } from '../../store/sessions-store.ts';
import type { Store, UserRecord } from '../../store/store.ts';
import type { Clock } from '../accounts.ts';
import { eventOf } from '../session-log.ts';
import type { SiteService } from '../site.ts';
import { CSV_HEADER, csvLine, csvRow } from './report-csv.ts';
import { renderReportHtml, type ReportLanguage } from './report-html.ts';
import { addDays, dayStart } from './site-time.ts';

/** Who is asking, and from where (for the access log). */
export interface ReportReader {
  user: UserRecord;
  address: string;
}

export interface ResolvedReportQuery {
  filter: SessionReportFilter;
  order: ReportOrder;
  page: number;
  pageSize: number;
}

const EXPORT_BATCH = 2000;
const ACCESS_PAGE = 100;

/** REP-2 rules the schema cannot say alone: LSID/sequence number stand alone, a period is coherent. */
export function resolveReportQuery(q: SessionReportQuery, timeZone: string): ResolvedReportQuery {
  const invalid = (message: string, field: string): never => {
    throw new PasserelleError('validation_failed', message, { field });
  };
  const others = (['from', 'days', 'to', 'customerName', 'computerName', 'publicIp', 'privateIp', 'rep'] as const).filter((k) => q[k] !== undefined);
  if (q.lsid !== undefined && q.seq !== undefined) invalid('Give a session id (LSID) or a sequence number, not both', 'seq');
  if ((q.lsid !== undefined || q.seq !== undefined) && others.length > 0) {
    invalid(`A session id or sequence number cannot be combined with other filters (${others.join(', ')})`, others[0]!);
  }
  if (q.days !== undefined && q.to !== undefined) invalid('Give a number of days or an end date, not both', 'to');
  if ((q.days !== undefined || q.to !== undefined) && q.from === undefined) invalid('A period needs its start date', 'from');
  if (q.from !== undefined && q.to !== undefined && q.to < q.from) invalid('The end date is before the start date', 'to');

  const filter: SessionReportFilter = {};
  if (q.lsid !== undefined) filter.lsid = q.lsid;
  if (q.seq !== undefined) filter.seq = q.seq;
  if (q.from !== undefined) {
    filter.startedFrom = dayStart(q.from, timeZone).toISOString();
    // The end date is inclusive: sessions started before the next day begins.
    const end = q.days !== undefined ? addDays(q.from, q.days) : q.to !== undefined ? addDays(q.to, 1) : undefined;
    if (end !== undefined) filter.startedBefore = dayStart(end, timeZone).toISOString();
  }
  if (q.customerName !== undefined) filter.customerName = q.customerName;
  if (q.computerName !== undefined) filter.computerName = q.computerName;
  if (q.publicIp !== undefined) filter.publicIp = q.publicIp;
  if (q.privateIp !== undefined) filter.privateIp = q.privateIp;
  if (q.rep !== undefined) filter.rep = q.rep;
  const sort = q.sort ?? 'start';
  // Newest first by default for dates and numbers; names read A to Z.
  const order = q.order ?? (sort === 'customer' || sort === 'computer' ? 'asc' : 'desc');
  return { filter, order: { sort, order }, page: q.page ?? 1, pageSize: q.pageSize ?? DEFAULT_REPORT_PAGE_SIZE };
}

export function canViewReports(user: UserRecord): boolean {
  return user.permissions.administrator || user.permissions.viewReports;
}

export class ReportsService {
  constructor(
    private readonly store: Store,
    private readonly site: SiteService,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** REP-5: whether a session has a recording to replay (the recordings module answers). */
    private readonly hasRecording: (lsid: string) => boolean = () => false,
  ) {}

  async list(reader: ReportReader, q: SessionReportQuery): Promise<SessionReportList> {
    this.check(reader);
    const timeZone = (await this.site.settings()).timeZone;
    const r = resolveReportQuery(q, timeZone);
    const rows = await this.store.listSessionReports(r.filter, r.order, r.pageSize + 1, (r.page - 1) * r.pageSize);
    await this.audit(reader, 'list', null, q);
    const now = this.clock.now();
    return {
      sessions: rows.slice(0, r.pageSize).map((s) => this.rowOf(s, now)),
      page: r.page,
      pageSize: r.pageSize,
      hasMore: rows.length > r.pageSize,
      timeZone,
    };
  }

  async detail(reader: ReportReader, lsid: string, action: ReportAccessAction = 'view'): Promise<SessionReport> {
    this.check(reader);
    const timeZone = (await this.site.settings()).timeZone;
    const found = await this.store.listSessionReports({ lsid }, { sort: 'sequenceNumber', order: 'asc' }, 1, 0);
    const record = found[0];
    if (!record) throw new PasserelleError('session_not_found', `No session has the id ${lsid}`);
    const records = await this.store.listSessionEvents(lsid);
    await this.audit(reader, action, lsid, null);
    return buildSessionReport(this.rowOf(record, this.clock.now()), record, records, timeZone);
  }

  /** REP-4: the detail as one self-contained HTML file (no script, no outside resource). */
  async html(reader: ReportReader, lsid: string, language: ReportLanguage): Promise<{ filename: string; html: string }> {
    const report = await this.detail(reader, lsid, 'download_html');
    return { filename: `session-${report.session.sequenceNumber}-${report.session.lsid}.html`, html: renderReportHtml(report, language) };
  }

  /**
   * REP-3: the whole filtered list as CSV, in the list's order, produced batch by batch so a large
   * export neither holds the database nor the memory. Validation and the audit happen before the
   * first byte, so a refused export writes nothing.
   */
  async csv(reader: ReportReader, q: SessionReportQuery): Promise<{ filename: string; lines: AsyncIterable<string> }> {
    this.check(reader);
    const timeZone = (await this.site.settings()).timeZone;
    const r = resolveReportQuery(q, timeZone);
    await this.audit(reader, 'export_csv', null, q);
    const store = this.store;
    const now = this.clock.now();
    const rowOf = (s: SessionReportRecord) => this.rowOf(s, now);
    async function* lines(): AsyncIterable<string> {
      yield `\uFEFF${csvLine(CSV_HEADER)}`;
      for await (const batch of store.exportSessionReports(r.filter, r.order, EXPORT_BATCH)) {
        yield batch.map((s) => csvRow(rowOf(s), timeZone)).join('');
      }
    }
    return { filename: `sessions-${now.toISOString().slice(0, 10)}.csv`, lines: lines() };
  }

  /** Reps the "a given rep" filter offers: every account. */
  async repChoices(reader: ReportReader): Promise<{ userId: number; name: string; username: string }[]> {
    this.check(reader);
    return (await this.store.listUsers()).map((u) => ({ userId: u.id, name: u.displayName, username: u.username }));
  }

  /** Issue 10 item 3: who read which report, newest first (administrators). */
  async accessLog(page: number): Promise<{ entries: ReportAccessEntry[]; hasMore: boolean }> {
    const rows = await this.store.listReportAccess(ACCESS_PAGE + 1, (page - 1) * ACCESS_PAGE);
    return {
      entries: rows.slice(0, ACCESS_PAGE).map((r) => ({ ...r, query: r.query === null ? null : (JSON.parse(r.query) as Record<string, unknown>) })),
      hasMore: rows.length > ACCESS_PAGE,
    };
  }

  /**
   * Issue 10 item 3 for REP-5: a recording opened for replay, its video downloaded, or the
   * recording deleted, written to the same access log (called once the action has succeeded).
   */
  async recordingAccessed(reader: ReportReader, action: 'recording_view' | 'recording_download' | 'recording_delete', lsid: string, details: Record<string, string> | null = null): Promise<void> {
    await this.audit(reader, action, lsid, details);
  }

  private check(reader: ReportReader): void {
    if (!canViewReports(reader.user)) throw new PasserelleError('forbidden', 'Only administrators and users who may view reports can read session reports');
  }

  private async audit(reader: ReportReader, action: ReportAccessAction, lsid: string | null, query: SessionReportQuery | Record<string, string> | null): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.insertReportAccess({
      at,
      userId: reader.user.id,
      username: reader.user.username,
      address: reader.address,
      action,
      lsid,
      presentationId: null,
      query: query === null ? null : JSON.stringify(query),
    });
    this.log.info({ userId: reader.user.id, username: reader.user.username, action, lsid, query, address: reader.address }, 'report accessed');
  }

  private rowOf(s: SessionReportRecord, now: Date): SessionReportRow {
    const end = s.endedAt ? Date.parse(s.endedAt) : now.getTime();
    return {
      lsid: s.lsid,
      sequenceNumber: s.seq,
      state: s.state,
      method: s.method,
      startedAt: s.createdAt,
      endedAt: s.endedAt,
      durationSeconds: Math.max(0, Math.floor((end - Date.parse(s.createdAt)) / 1000)),
      customerName: s.customerName,
      computerName: s.computerName,
      publicIp: s.publicIp,
      privateIp: s.privateIp,
      reps: s.reps.map((r) => ({ userId: r.userId, name: r.name })),
      endReason: s.endReason,
      hasRecording: this.hasRecording(s.lsid),
    };
  }
}

/** REP-4 from the record and its event log: transcript, permissions, files, reps and their addresses. */
export function buildSessionReport(row: SessionReportRow, record: SessionReportRecord, records: SessionEventRecord[], timeZone: string): SessionReport {
  const events: SessionEvent[] = records.map(eventOf);
  const transcript: TranscriptLine[] = [];
  const permissions: PermissionEntry[] = [];
  const files: FileEntry[] = [];
  // The rep's computer as the broker saw it: the addresses its console connected from.
  const ips = new Map<number, Set<string>>();
  for (const r of records) {
    if (r.actorKind !== 'rep' || r.actorUserId === null || !r.actorIp) continue;
    const set = ips.get(r.actorUserId) ?? new Set<string>();
    set.add(r.actorIp);
    ips.set(r.actorUserId, set);
  }
  for (const e of events) {
    const b = e.body;
    if (b.kind === 'chat') {
      transcript.push({ seq: e.seq, at: e.at, from: { kind: e.actor.kind, name: e.actor.name }, text: b.text, repsOnly: b.repsOnly === true });
    } else if (b.kind === 'permission_requested') {
      permissions.push({ seq: e.seq, at: e.at, permission: b.permission, action: 'requested', by: e.actor.name });
    } else if (b.kind === 'permission_granted') {
      permissions.push({ seq: e.seq, at: e.at, permission: b.permission, action: 'granted', by: b.by === 'policy' ? 'policy' : e.actor.name });
    } else if (b.kind === 'permission_denied') {
      permissions.push({ seq: e.seq, at: e.at, permission: b.permission, action: 'denied', by: e.actor.name });
    } else if (b.kind === 'permission_revoked') {
      permissions.push({ seq: e.seq, at: e.at, permission: b.permission, action: 'revoked', by: e.actor.name });
    } else if ((b.kind as string).startsWith('file')) {
      const { kind, ...detail } = b as { kind: string } & Record<string, unknown>;
      files.push({ seq: e.seq, at: e.at, kind, by: e.actor.name, detail });
    }
  }
  return {
    session: { ...row, acceptedAt: record.acceptedAt, clientKind: record.clientKind },
    customer: {
      name: record.customerName,
      computerName: record.computerName,
      os: record.os,
      userName: record.userName,
      privateIp: record.privateIp,
      publicIp: record.publicIp,
    },
    reps: record.reps.map((r) => ({ userId: r.userId, name: r.name, ips: [...(ips.get(r.userId) ?? [])], firstJoinedAt: r.joinedAt })),
    transcript,
    permissions,
    files,
    events,
    timeZone,
  };
}
