// The reports part of the store (REP-1..4): the REP-2 filtered, sorted list of sessions, the
// reps of a session, and the audit of report access. Interface here; SQL in sqlite-reports-store.ts.
import type { ReportAccessAction, ReportSort } from '../../protocol/reports.ts';
import type { SupportSessionRecord } from './sessions-store.ts';

/** REP-2 once resolved by the reports service: instants instead of days, prefixes to match. */
export interface SessionReportFilter {
  lsid?: string;
  seq?: number;
  /** Started at or after (ISO instant). */
  startedFrom?: string;
  /** Started strictly before (ISO instant). */
  startedBefore?: string;
  /** Each matches the start of the field (names case-insensitively). */
  customerName?: string;
  computerName?: string;
  publicIp?: string;
  privateIp?: string;
  /** Any rep joined, none joined, or this user joined. */
  rep?: 'any' | 'none' | number;
}

export interface ReportOrder {
  sort: ReportSort;
  order: 'asc' | 'desc';
}

export interface SessionRepRecord {
  userId: number;
  name: string;
  joinedAt: string;
}

export interface SessionReportRecord extends SupportSessionRecord {
  /** Reps who joined, in the order they first joined. */
  reps: SessionRepRecord[];
}

export interface ReportAccessRecord {
  id: number;
  at: string;
  userId: number;
  username: string;
  address: string;
  action: ReportAccessAction;
  lsid: string | null;
  presentationId: string | null;
  /** JSON of the filters given, for lists and exports. */
  query: string | null;
}

export interface ReportsStore {
  /** One page of the list; ask `limit + 1` to learn whether another page follows. */
  listSessionReports(filter: SessionReportFilter, order: ReportOrder, limit: number, offset: number): Promise<SessionReportRecord[]>;
  /** The whole list in batches, in order, without holding the database between batches (CSV export). */
  exportSessionReports(filter: SessionReportFilter, order: ReportOrder, batchSize: number): AsyncIterable<SessionReportRecord[]>;
  listSessionReps(sessionSeq: number): Promise<SessionRepRecord[]>;
  insertReportAccess(e: Omit<ReportAccessRecord, 'id'>): Promise<void>;
  /** Newest first. */
  listReportAccess(limit: number, offset: number): Promise<ReportAccessRecord[]>;
}
