// Presentation reports (REP-6), for administrators and users who may view reports (USR-9): the
// period filter in the site's time zone, the list, and one presentation's detail — presenter,
// both addresses, start and end, every attendee with join and leave times, every event. Each
// reading is written to the report access log, as for session reports (issue 10 item 3).
import type {
  PresentationAttendeeEntry,
  PresentationEvent,
  PresentationReport,
  PresentationReportList,
  PresentationReportQuery,
  PresentationReportRow,
} from '../../../protocol/presentations.ts';
import type { Logger } from 'pino';
import { PasserelleError } from '../../errors.ts';
import type { PresentationEventRecord, PresentationRecord, PresentationReportFilter } from '../../store/presentations-store.ts';
import type { Store, UserRecord } from '../../store/store.ts';
import type { ReportReader } from '../reports/reports.ts';
import type { Clock } from '../accounts.ts';
import { canViewReports } from '../reports/reports.ts';
import { addDays, dayStart } from '../reports/site-time.ts';
import type { SiteService } from '../site.ts';

export const PRESENTATION_REPORT_PAGE = 50;

export function resolvePresentationPeriod(q: PresentationReportQuery, timeZone: string): PresentationReportFilter {
  const invalid = (message: string, field: string): never => {
    throw new PasserelleError('validation_failed', message, { field });
  };
  if (q.days !== undefined && q.to !== undefined) invalid('Give a number of days or an end date, not both', 'to');
  if ((q.days !== undefined || q.to !== undefined) && q.from === undefined) invalid('A period needs its start date', 'from');
  if (q.from !== undefined && q.to !== undefined && q.to < q.from) invalid('The end date is before the start date', 'to');
  const filter: PresentationReportFilter = {};
  if (q.from !== undefined) {
    filter.startedFrom = dayStart(q.from, timeZone).toISOString();
    const end = q.days !== undefined ? addDays(q.from, q.days) : q.to !== undefined ? addDays(q.to, 1) : undefined;
    if (end !== undefined) filter.startedBefore = dayStart(end, timeZone).toISOString();
  }
  return filter;
}

export class PresentationReportsService {
  constructor(
    private readonly store: Store,
    private readonly site: SiteService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private check(user: UserRecord): void {
    if (!canViewReports(user)) throw new PasserelleError('forbidden', 'You may not view reports');
  }

  /** Only reads that were allowed and found are logged (a refused or missing one read nothing). */
  private async audit(reader: ReportReader, action: 'presentation_list' | 'presentation_view', presentationId: string | null, query: PresentationReportQuery | null): Promise<void> {
    await this.store.insertReportAccess({
      at: this.clock.now().toISOString(),
      userId: reader.user.id,
      username: reader.user.username,
      address: reader.address,
      action,
      lsid: null,
      presentationId,
      query: query === null ? null : JSON.stringify(query),
    });
    this.log.info({ userId: reader.user.id, username: reader.user.username, action, presentationId, query, address: reader.address }, 'report accessed');
  }

  private rowOf(r: PresentationRecord, attendeeCount: number): PresentationReportRow {
    const end = r.endedAt ? Date.parse(r.endedAt) : this.clock.now().getTime();
    return {
      presentationId: r.id,
      name: r.name,
      presenter: { userId: r.presenterUserId, name: r.presenterName },
      listed: r.listed,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationSeconds: Math.max(0, Math.floor((end - Date.parse(r.startedAt)) / 1000)),
      attendeeCount,
      endReason: r.endReason,
    };
  }

  async list(reader: ReportReader, q: PresentationReportQuery): Promise<PresentationReportList> {
    this.check(reader.user);
    const timeZone = (await this.site.settings()).timeZone;
    const filter = resolvePresentationPeriod(q, timeZone);
    await this.audit(reader, 'presentation_list', null, q);
    const page = q.page ?? 1;
    const rows = await this.store.listPresentations(filter, PRESENTATION_REPORT_PAGE + 1, (page - 1) * PRESENTATION_REPORT_PAGE);
    return {
      presentations: rows.slice(0, PRESENTATION_REPORT_PAGE).map((r) => this.rowOf(r, r.attendeeCount)),
      page,
      pageSize: PRESENTATION_REPORT_PAGE,
      hasMore: rows.length > PRESENTATION_REPORT_PAGE,
      timeZone,
    };
  }

  async detail(reader: ReportReader, id: string): Promise<PresentationReport> {
    this.check(reader.user);
    const timeZone = (await this.site.settings()).timeZone;
    const r = await this.store.getPresentation(id);
    if (!r) throw new PasserelleError('presentation_not_found', `No presentation has the id ${id}`);
    const records = await this.store.listPresentationEvents(id);
    await this.audit(reader, 'presentation_view', id, null);
    const attendees = attendeesOf(records);
    return {
      presentation: { ...this.rowOf(r, attendees.length), publicIp: r.publicIp, privateIp: r.privateIp },
      attendees,
      events: records.map(eventOf),
      timeZone,
    };
  }
}

export function eventOf(e: PresentationEventRecord): PresentationEvent {
  return {
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: { kind: e.actorKind, name: e.actorName, attendeeId: e.attendeeId, address: e.address },
    text: e.text,
    reason: e.reason,
  };
}

/** Each attendance: joined, and left (or still there), in join order. */
export function attendeesOf(records: PresentationEventRecord[]): PresentationAttendeeEntry[] {
  const byId = new Map<string, PresentationAttendeeEntry>();
  for (const e of records) {
    if (!e.attendeeId) continue;
    if (e.kind === 'joined') byId.set(e.attendeeId, { attendeeId: e.attendeeId, name: e.actorName, address: e.address ?? '', joinedAt: e.at, leftAt: null, leaveReason: null });
    if (e.kind === 'left' || e.kind === 'removed') {
      const a = byId.get(e.attendeeId);
      if (a && !a.leftAt) {
        a.leftAt = e.at;
        a.leaveReason = e.reason ?? e.kind;
      }
    }
  }
  return [...byId.values()];
}
