// REP-2 filters kept in the address (so a report can be bookmarked and shared): the filter form's
// fields, to and from URL search parameters, and the query the API takes. Pure.
import type { SessionReportQueryInput } from '../../../../src/protocol/index.ts';

export interface ReportForm {
  /** An LSID, or a sequence number when it is all digits. */
  idOrSeq: string;
  from: string;
  periodBy: 'days' | 'end';
  days: string;
  to: string;
  customerName: string;
  computerName: string;
  publicIp: string;
  privateIp: string;
  /** '' (all), 'any', 'none' or a user id. */
  rep: string;
}

export const emptyForm: ReportForm = {
  idOrSeq: '',
  from: '',
  periodBy: 'days',
  days: '1',
  to: '',
  customerName: '',
  computerName: '',
  publicIp: '',
  privateIp: '',
  rep: '',
};

const queryKeys = ['lsid', 'seq', 'from', 'days', 'to', 'customerName', 'computerName', 'publicIp', 'privateIp', 'rep', 'sort', 'order', 'page', 'pageSize'] as const;

export function formFromParams(p: URLSearchParams): ReportForm {
  const get = (k: string) => p.get(k) ?? '';
  return {
    idOrSeq: get('lsid') || get('seq'),
    from: get('from'),
    periodBy: p.has('to') ? 'end' : 'days',
    days: get('days') || '1',
    to: get('to'),
    customerName: get('customerName'),
    computerName: get('computerName'),
    publicIp: get('publicIp'),
    privateIp: get('privateIp'),
    rep: get('rep'),
  };
}

/** The search parameters for a submitted form; the sort and page size are kept, the page restarts. */
export function paramsFromForm(f: ReportForm, keep: URLSearchParams): URLSearchParams {
  const p = new URLSearchParams();
  const id = f.idOrSeq.trim();
  if (id) {
    // LSID or sequence number excludes every other filter (REP-2).
    p.set(/^\d+$/.test(id) ? 'seq' : 'lsid', id);
  } else {
    if (f.from) {
      p.set('from', f.from);
      if (f.periodBy === 'days' && f.days.trim()) p.set('days', f.days.trim());
      if (f.periodBy === 'end' && f.to) p.set('to', f.to);
    }
    for (const k of ['customerName', 'computerName', 'publicIp', 'privateIp'] as const) if (f[k].trim()) p.set(k, f[k].trim());
    if (f.rep) p.set('rep', f.rep);
  }
  for (const k of ['sort', 'order', 'pageSize'] as const) {
    const v = keep.get(k);
    if (v) p.set(k, v);
  }
  return p;
}

/** What the API is asked, from the address: exactly the known parameters, as given. */
export function queryFromParams(p: URLSearchParams): SessionReportQueryInput {
  const q: Record<string, string> = {};
  for (const k of queryKeys) {
    const v = p.get(k);
    if (v !== null && v !== '') q[k] = v;
  }
  return q as SessionReportQueryInput;
}

/** The same address with some parameters changed (sorting, paging). */
export function withParams(p: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(p);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) next.delete(k);
    else next.set(k, v);
  }
  return next;
}
