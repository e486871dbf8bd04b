// Support session reports (REP-1..4, USR-9): the filters of the Reports tab (REP-2), the list
// (REP-3), the detail (REP-4) and the log of who read which report (issue 10 item 3).
import { z } from 'zod';
import { Lsid, SessionEvent, SessionPermission, StartMethod, CustomerClientKind, SessionState } from './sessions.ts';
import { plainText } from './text.ts';

export const REPORT_PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_REPORT_PAGE_SIZE = 50;
/** The longest period a report may span, in days (ten years): anything longer is a typing error. */
export const MAX_REPORT_DAYS = 3660;
/** Sequence numbers are SQLite row ids; anything beyond this is out of range, not a session. */
export const MAX_SEQUENCE_NUMBER = 2 ** 53 - 1;

/** A calendar day in the site's time zone (STA-1), as YYYY-MM-DD, between 2000 and 2199. */
export const ReportDay = z
  .string()
  .regex(/^(20|21)\d{2}-\d{2}-\d{2}$/, { message: 'a date as YYYY-MM-DD between 2000 and 2199' })
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, { message: 'not a real date' });

const FilterText = plainText(255).pipe(z.string().trim().min(1, { message: 'empty' }));
const Digits = (max: number, what: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, { message: `${what}: digits only` })
    .transform(Number)
    .pipe(z.number().int().min(1, { message: `${what} out of range` }).max(max, { message: `${what} out of range` }));

export const ReportSort = z.enum(['start', 'sequenceNumber', 'customer', 'computer']);
export type ReportSort = z.infer<typeof ReportSort>;

/**
 * REP-2, as query parameters (so a report is a bookmarkable address). `lsid` or `seq` find one
 * session and exclude every other filter; the period is `from` plus `days`, or `from`/`to`
 * (inclusive days in the site's time zone); customer fields match from their start,
 * case-insensitively; `rep` is `any`, `none` or a user id.
 */
export const SessionReportQuery = z
  .object({
    lsid: Lsid.optional(),
    seq: Digits(MAX_SEQUENCE_NUMBER, 'sequence number').optional(),
    from: ReportDay.optional(),
    days: Digits(MAX_REPORT_DAYS, 'number of days').optional(),
    to: ReportDay.optional(),
    customerName: FilterText.optional(),
    computerName: FilterText.optional(),
    publicIp: FilterText.optional(),
    privateIp: FilterText.optional(),
    rep: z.union([z.enum(['any', 'none']), Digits(2 ** 31, 'rep')]).optional(),
    sort: ReportSort.optional(),
    order: z.enum(['asc', 'desc']).optional(),
    page: Digits(1_000_000, 'page').optional(),
    pageSize: z
      .enum(REPORT_PAGE_SIZES.map(String) as [string, ...string[]])
      .transform(Number)
      .optional(),
  })
  .strict();
export type SessionReportQuery = z.infer<typeof SessionReportQuery>;
/** The same filters as a client writes them before they become a query string. */
export type SessionReportQueryInput = z.input<typeof SessionReportQuery>;

export const ReportRep = z.object({ userId: z.number().int(), name: z.string() });

/** One line of the list (REP-3). Dates are ISO instants; the console shows them in `timeZone`. */
export const SessionReportRow = z.object({
  lsid: z.string(),
  sequenceNumber: z.number().int(),
  state: SessionState,
  method: StartMethod,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().int(),
  customerName: z.string(),
  computerName: z.string(),
  publicIp: z.string(),
  privateIp: z.string(),
  reps: z.array(ReportRep),
  endReason: z.string().nullable(),
  /** REP-5: a recording of this session can be replayed. */
  hasRecording: z.boolean(),
});
export type SessionReportRow = z.infer<typeof SessionReportRow>;

export const SessionReportList = z.object({
  sessions: z.array(SessionReportRow),
  page: z.number().int(),
  pageSize: z.number().int(),
  hasMore: z.boolean(),
  timeZone: z.string(),
});
export type SessionReportList = z.infer<typeof SessionReportList>;

export const TranscriptLine = z.object({
  seq: z.number().int(),
  at: z.string(),
  from: z.object({ kind: z.enum(['customer', 'rep', 'system']), name: z.string() }),
  text: z.string(),
  /** CON-3: between the reps only; the customer never saw it. */
  repsOnly: z.boolean(),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;

export const PermissionEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  permission: SessionPermission,
  action: z.enum(['requested', 'granted', 'denied', 'revoked']),
  /** Who did it: the rep who asked, the customer who answered, or `policy`. */
  by: z.string(),
});
export type PermissionEntry = z.infer<typeof PermissionEntry>;

export const FileEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.string(),
  by: z.string(),
  /** What the event says about the file (name, size, direction), as logged. */
  detail: z.record(z.string(), z.unknown()),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const ReportRepDetail = z.object({
  userId: z.number().int(),
  name: z.string(),
  /** The addresses the broker saw this rep's console connect from, in this session. */
  ips: z.array(z.string()),
  firstJoinedAt: z.string().nullable(),
});

/** REP-4: everything about one session. */
export const SessionReport = z.object({
  session: SessionReportRow.extend({
    acceptedAt: z.string().nullable(),
    clientKind: CustomerClientKind,
  }),
  customer: z.object({
    name: z.string(),
    computerName: z.string(),
    os: z.string(),
    userName: z.string(),
    privateIp: z.string(),
    publicIp: z.string(),
  }),
  reps: z.array(ReportRepDetail),
  transcript: z.array(TranscriptLine),
  permissions: z.array(PermissionEntry),
  files: z.array(FileEntry),
  events: z.array(SessionEvent),
  timeZone: z.string(),
});
export type SessionReport = z.infer<typeof SessionReport>;

export const ReportLsidParams = z.object({ lsid: Lsid }).strict();
export const DownloadSessionReportQuery = z.object({ format: z.enum(['html']).optional() }).strict();

/** Who may be picked in the "a given rep" filter: every account, current names. */
export const ReportRepChoices = z.object({ reps: z.array(z.object({ userId: z.number().int(), name: z.string(), username: z.string() })) });
export type ReportRepChoices = z.infer<typeof ReportRepChoices>;

export const ReportAccessAction = z.enum(['list', 'view', 'download_html', 'export_csv', 'presentation_list', 'presentation_view',
  'recording_view', 'recording_download', 'recording_delete']);
export type ReportAccessAction = z.infer<typeof ReportAccessAction>;

/** Issue 10 item 3: one line of the audit of report access. */
export const ReportAccessEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  userId: z.number().int(),
  username: z.string(),
  address: z.string(),
  action: ReportAccessAction,
  lsid: z.string().nullable(),
  /** The presentation whose report was read (REP-6). */
  presentationId: z.string().nullable(),
  /** The filters of a list or export, as given. */
  query: z.record(z.string(), z.unknown()).nullable(),
});
export type ReportAccessEntry = z.infer<typeof ReportAccessEntry>;
export const ReportAccessList = z.object({ entries: z.array(ReportAccessEntry), hasMore: z.boolean() });
export const ReportAccessQuery = z.object({ page: Digits(1_000_000, 'page').optional() }).strict();
