// The login: who is logged in, whether a password change is due, and the notice the login page
// shows after the console was ended (terminated by an admin, session expired, logged out).
import { create } from 'zustand';
import type { Me } from '../../../src/protocol/index.ts';
import type { ConsoleSession } from '../../../src/console-core/index.ts';
import { consoleApi } from '../console-api.ts';

export type SessionStatus = 'unknown' | 'restoring' | 'anonymous' | 'authenticated';
export type LoginNotice = 'terminated' | 'session_ended' | 'logged_out' | 'password_reset' | null;

interface SessionState {
  status: SessionStatus;
  user: Me | null;
  passwordChangeRequired: boolean;
  /** LOG-5: the site requires two-step verification and this account has not set it up yet. */
  totpEnrollmentRequired: boolean;
  notice: LoginNotice;
  restore(): Promise<void>;
  login(username: string, password: string, totpCode?: string): Promise<void>;
  logout(): Promise<void>;
  /** After a successful password change: the login is complete. */
  passwordChanged(user: Me): void;
  userUpdated(user: Me): void;
  /** After a two-step setup: the new login state (it may complete the login). */
  sessionUpdated(session: ConsoleSession): void;
  /** The site ended the console (STA-7) or the login session. */
  ended(reason: string): void;
  setNotice(notice: LoginNotice): void;
}

const fromSession = (s: ConsoleSession) => ({
  status: 'authenticated' as const,
  user: s.user,
  passwordChangeRequired: s.passwordChangeRequired,
  totpEnrollmentRequired: s.totpEnrollmentRequired,
});

export const useSession = create<SessionState>()((set, get) => ({
  status: 'unknown',
  user: null,
  passwordChangeRequired: false,
  totpEnrollmentRequired: false,
  notice: null,

  async restore() {
    if (get().status !== 'unknown') return;
    set({ status: 'restoring' });
    try {
      const s = await consoleApi.auth.restore();
      set(s ? fromSession(s) : { status: 'anonymous', user: null });
    } catch {
      // The site is unreachable: show the login form, whose submit will report the error.
      set({ status: 'anonymous', user: null });
    }
  },

  async login(username, password, totpCode) {
    const s = await consoleApi.auth.login(username, password, totpCode);
    set({ ...fromSession(s), notice: null });
  },

  async logout() {
    try {
      await consoleApi.auth.logout();
    } finally {
      set({ status: 'anonymous', user: null, passwordChangeRequired: false, totpEnrollmentRequired: false, notice: 'logged_out' });
    }
  },

  passwordChanged(user) {
    set({ user, passwordChangeRequired: false });
  },

  userUpdated(user) {
    set({ user });
  },

  sessionUpdated(session) {
    set(fromSession(session));
  },

  ended(reason) {
    set({
      status: 'anonymous',
      user: null,
      passwordChangeRequired: false,
      totpEnrollmentRequired: false,
      notice: reason === 'terminated_by_admin' ? 'terminated' : 'session_ended',
    });
  },

  setNotice(notice) {
    set({ notice });
  },
}));

// One subscription for the page's lifetime: wherever the user is, an ended console goes to login.
consoleApi.onTerminated((e) => useSession.getState().ended(e.reason));
// Mid-session changes of the login state (e.g. two-step verification became required) reach the page here.
consoleApi.auth.onSessionChanged((s) => {
  if (useSession.getState().status === 'authenticated') useSession.getState().sessionUpdated(s);
});
