// The `reports` area of ConsoleApi (REP-1..4): the session list for REP-2 filters, one session's
// report, the reps to filter by, and the two downloads (HTML detail, CSV list) as text the page
// saves — fetched here so the desktop console's bearer token never reaches the renderer.
import { z } from 'zod';
import {
  RecordingVideoState,
  RecordingView,
  RecordingsDiskUse,
  ReportRepChoices,
  SessionReport,
  SessionReportList,
  type SessionReportQueryInput,
} from '../../protocol/index.ts';
import type { CoreContext } from '../core-context.ts';

export interface ReportDownload {
  filename: string;
  contentType: string;
  text: string;
}

export interface ReportsApi {
  list(query: SessionReportQueryInput): Promise<SessionReportList>;
  get(lsid: string): Promise<SessionReport>;
  reps(): Promise<ReportRepChoices['reps']>;
  downloadHtml(lsid: string, language: 'en' | 'fr'): Promise<ReportDownload>;
  exportCsv(query: SessionReportQueryInput): Promise<ReportDownload>;
  /** REP-5: a session's recording for replay (timeline, chat, control track, video state). */
  recording(lsid: string): Promise<RecordingView>;
  /** Starts (or reports) the conversion of the recording to video. */
  convertRecording(lsid: string): Promise<RecordingVideoState>;
  /** Administrators: deletes the recording (logged with the reason). */
  deleteRecording(lsid: string, reason?: string): Promise<void>;
  recordingsDiskUse(): Promise<RecordingsDiskUse>;
}

/** The filters as a query string, in a stable order, leaving out what is empty. */
export function reportQueryString(query: SessionReportQueryInput): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function createReportsArea(ctx: CoreContext): ReportsApi {
  return {
    list: (query) => ctx.api.request('GET', `/reports/sessions${reportQueryString(query)}`, SessionReportList),
    get: (lsid) => ctx.api.request('GET', `/reports/sessions/${encodeURIComponent(lsid)}`, SessionReport),
    reps: async () => (await ctx.api.request('GET', '/reports/reps', ReportRepChoices)).reps,
    downloadHtml: async (lsid, language) => {
      const text = await ctx.api.requestText(`/reports/sessions/${encodeURIComponent(lsid)}/download?lang=${language}`);
      return { filename: `session-${lsid}.html`, contentType: 'text/html;charset=utf-8', text };
    },
    exportCsv: async (query) => {
      const { page: _p, pageSize: _s, ...rest } = query;
      const text = await ctx.api.requestText(`/reports/sessions.csv${reportQueryString(rest)}`);
      return { filename: `sessions-${new Date().toISOString().slice(0, 10)}.csv`, contentType: 'text/csv;charset=utf-8', text };
    },
    recording: (lsid) => ctx.api.request('GET', `/reports/sessions/${encodeURIComponent(lsid)}/recording`, RecordingView),
    convertRecording: (lsid) => ctx.api.request('POST', `/reports/sessions/${encodeURIComponent(lsid)}/recording/video`, RecordingVideoState, {}),
    deleteRecording: async (lsid, reason) => {
      await ctx.api.request('DELETE', `/reports/sessions/${encodeURIComponent(lsid)}/recording`, z.unknown(), reason ? { reason } : {});
    },
    recordingsDiskUse: () => ctx.api.request('GET', '/site/recordings', RecordingsDiskUse),
  };
}
