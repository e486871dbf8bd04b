// The session list as CSV (REP-3 download). Every cell is quoted, and a cell a spreadsheet would
// read as a formula (`=cmd|…`, `+`, `-`, `@`, or a leading tab/CR) is prefixed with `'`, so a
// customer name or chat line typed by anyone cannot run in the auditor's spreadsheet.
import type { SessionReportRow } from '../../../protocol/reports.ts';
import { siteDateTime } from './site-time.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(cells: (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const CSV_HEADER = [
  'LSID',
  'Sequence number',
  'Start',
  'End',
  'Duration (s)',
  'Customer',
  'Computer',
  'Public IP',
  'Private IP',
  'Reps',
  'Start method',
  'End reason',
  'Time zone',
];

export function csvRow(r: SessionReportRow, timeZone: string): string {
  return csvLine([
    r.lsid,
    r.sequenceNumber,
    siteDateTime(r.startedAt, timeZone),
    siteDateTime(r.endedAt, timeZone),
    r.durationSeconds,
    r.customerName,
    r.computerName,
    r.publicIp,
    r.privateIp,
    r.reps.map((x) => x.name).join('; '),
    r.method,
    r.endReason,
    timeZone,
  ]);
}
