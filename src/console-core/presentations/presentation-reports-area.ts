// The `presentationReports` area of ConsoleApi (REP-6): the presentations started in a period and
// one presentation's report, for administrators and users who may view reports (the broker decides).
import { PresentationReport, PresentationReportList, type PresentationReportQueryInput } from '../../protocol/presentations.ts';
import type { CoreContext } from '../core-context.ts';

export interface PresentationReportsApi {
  list(query: PresentationReportQueryInput): Promise<PresentationReportList>;
  get(presentationId: string): Promise<PresentationReport>;
}

export function presentationReportQueryString(query: PresentationReportQueryInput): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'days', 'to', 'page'] as const) {
    const v = query[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function createPresentationReportsArea(ctx: CoreContext): PresentationReportsApi {
  return {
    list: (query) => ctx.api.request('GET', `/reports/presentations${presentationReportQueryString(query)}`, PresentationReportList),
    get: (id) => ctx.api.request('GET', `/reports/presentations/${encodeURIComponent(id)}`, PresentationReport),
  };
}
