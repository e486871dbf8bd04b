// Site status (STA-*), the logged-in reps, and site settings. The time zone here is the one every
// date in the console is shown in (STA-1).
import { create } from 'zustand';
import type { LoggedInRep, SiteStatus, UpdateSiteSettingsBody } from '../../../src/protocol/index.ts';
import { consoleApi } from '../console-api.ts';

interface SiteState {
  status: SiteStatus | null;
  reps: LoggedInRep[];
  error: unknown;
  /** Loads status and reps; used on entry and by the Status page's auto-refresh. */
  refresh(): Promise<void>;
  updateSettings(patch: UpdateSiteSettingsBody): Promise<void>;
  terminate(connectionId: string): Promise<void>;
  clear(): void;
}

export const useSite = create<SiteState>()((set, get) => ({
  status: null,
  reps: [],
  error: null,

  async refresh() {
    try {
      const [status, reps] = await Promise.all([consoleApi.site.status(), consoleApi.site.reps()]);
      set({ status, reps, error: null });
    } catch (error) {
      set({ error });
    }
  },

  async updateSettings(patch) {
    const settings = await consoleApi.site.updateSettings(patch);
    const status = get().status;
    if (status) set({ status: { ...status, settings } });
  },

  async terminate(connectionId) {
    await consoleApi.site.terminateRep(connectionId);
    set({ reps: get().reps.filter((r) => r.connectionId !== connectionId) });
  },

  clear() {
    set({ status: null, reps: [], error: null });
  },
}));

/** The site's time zone; the browser's until the status has loaded. */
export const useSiteTimeZone = (): string | undefined => useSite((s) => s.status?.settings.timeZone);
