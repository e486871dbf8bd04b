// The Reports tab's data: the current page of the list for the filters in the address, the reps
// the filter offers, and the open session's report. The filters themselves live in the URL.
import { create } from 'zustand';
import type { ReportRepChoices, SessionReport, SessionReportList, SessionReportQueryInput } from '../../../../src/protocol/index.ts';
import { consoleApi } from '../../console-api.ts';

interface ReportsState {
  list: SessionReportList | null;
  /** The query string the shown list answers (tests and screen readers wait on it). */
  listKey: string | null;
  listError: unknown;
  loadingList: boolean;
  reps: ReportRepChoices['reps'];
  report: SessionReport | null;
  reportError: unknown;
  load(query: SessionReportQueryInput, key: string): Promise<void>;
  loadReps(): Promise<void>;
  open(lsid: string): Promise<void>;
  clear(): void;
}

export const useReports = create<ReportsState>()((set) => {
  let latestList = 0;
  let latestReport = 0;
  return {
    list: null,
    listKey: null,
    listError: null,
    loadingList: false,
    reps: [],
    report: null,
    reportError: null,

    async load(query, key) {
      // A newer filter wins over an answer still on its way.
      const mine = ++latestList;
      set({ loadingList: true });
      try {
        const list = await consoleApi.reports.list(query);
        if (mine === latestList) set({ list, listKey: key, listError: null, loadingList: false });
      } catch (listError) {
        if (mine === latestList) set({ list: null, listKey: key, listError, loadingList: false });
      }
    },

    async loadReps() {
      try {
        set({ reps: await consoleApi.reports.reps() });
      } catch {
        // The filter then offers any/none only; the list itself reports errors.
      }
    },

    async open(lsid) {
      const mine = ++latestReport;
      set({ report: null, reportError: null });
      try {
        const report = await consoleApi.reports.get(lsid);
        if (mine === latestReport) set({ report });
      } catch (reportError) {
        if (mine === latestReport) set({ reportError });
      }
    },

    clear() {
      latestList++;
      latestReport++;
      set({ list: null, listKey: null, listError: null, loadingList: false, reps: [], report: null, reportError: null });
    },
  };
});
