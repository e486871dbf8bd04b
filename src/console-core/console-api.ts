// ConsoleApi: the one typed contract between the renderer and console-core. In the web console
// the page creates console-core itself; in the desktop app console-core runs in Electron's main
// process and the preload exposes the same interface as `window.passerelle.consoleApi`.
// IPC rule (as VS Code's ProxyChannel): members named `onX` are events — they take a listener and
// return an unsubscribe function; everything else is an async call taking and returning plain data.
import type { ConsoleDownloads } from '../protocol/downloads.ts';
import type {
  ChangePasswordBody,
  CreateUserBody,
  LoggedInRep,
  Me,
  PublicSiteInfo,
  SiteSettings,
  SiteStatus,
  TotpSetupResult,
  UpdateMyProfileBody,
  UpdateSiteSettingsBody,
  UpdateUserBody,
  UserView,
} from '../protocol/index.ts';
import type { MeResult, ResetWithAnswerBody } from './api-client.ts';
import { apiErrorOf } from './api-error.ts';
import { createCoreContext, type ConsoleCoreDeps } from './core-context.ts';
import { createJumpArea, type JumpApi } from './jump/jump-area.ts';
import { createReportsArea, type ReportsApi } from './reports/reports-area.ts';
import { createPresentationReportsArea, type PresentationReportsApi } from './presentations/presentation-reports-area.ts';
import { createPortalArea, type PortalApi } from './sessions/portal-area.ts';
import { createSessionsArea, type SessionsApi } from './sessions/sessions-area.ts';
import { SessionModel } from './sessions/session-model.ts';
import { ConsoleChannels } from './channels/console-channels.ts';
import { Emitter, type Listener, type Unsubscribe } from './events.ts';
import type { ConnectionState, TerminatedEvent } from './rep-connection.ts';

/** What the renderer knows about the login: never the bearer token or the CSRF token. */
export type ConsoleSession = Pick<MeResult, 'user' | 'passwordChangeRequired' | 'totpEnrollmentRequired'>;

export interface ConsoleApi {
  auth: {
    publicSiteInfo(): Promise<PublicSiteInfo>;
    /** `totpCode`: the authenticator's code, asked for when the broker answers `totp_required` (LOG-5). */
    login(username: string, password: string, totpCode?: string): Promise<ConsoleSession>;
    /** The current login after a reload, or null when nobody is logged in. */
    restore(): Promise<ConsoleSession | null>;
    logout(): Promise<void>;
    requestPasswordReset(username: string): Promise<{ securityQuestion: string }>;
    resetPasswordWithAnswer(body: ResetWithAnswerBody): Promise<void>;
    /**
     * The login state changed: logged in, restored, a password change or two-step setup done, or
     * the broker asked for one of those mid-session (an admin made two-step required).
     */
    onSessionChanged(listener: Listener<ConsoleSession>): Unsubscribe;
  };
  me: {
    changePassword(body: ChangePasswordBody): Promise<Me>;
    updateProfile(body: UpdateMyProfileBody): Promise<Me>;
    /** LOG-5: two-step verification with an authenticator app. */
    startTotpSetup(currentPassword: string): Promise<TotpSetupResult>;
    /** Turns it on; completes the login when the site required it. */
    confirmTotpSetup(code: string): Promise<ConsoleSession>;
    disableTotp(currentPassword: string, code: string): Promise<Me>;
  };
  users: {
    list(q?: string): Promise<UserView[]>;
    get(id: number): Promise<UserView>;
    create(body: CreateUserBody): Promise<UserView>;
    update(id: number, body: UpdateUserBody): Promise<UserView>;
    delete(id: number): Promise<void>;
    resetFailedLogins(id: number): Promise<UserView>;
  };
  site: {
    status(): Promise<SiteStatus>;
    updateSettings(body: UpdateSiteSettingsBody): Promise<SiteSettings>;
    reps(): Promise<LoggedInRep[]>;
    terminateRep(connectionId: string): Promise<void>;
    /** STA-4 (administrators): restart the broker software. */
    restart(): Promise<void>;
    /** ACC-1: the console installers on this broker (in the desktop app too, where the login is a token). */
    consoleDownloads(): Promise<ConsoleDownloads>;
  };
  connection: {
    state(): Promise<ConnectionState>;
    onState(listener: Listener<ConnectionState>): Unsubscribe;
  };
  /** Queues and support sessions (CON-2, CON-3, POR-3). */
  sessions: SessionsApi;
  /** The Support Portal page's settings (administrators). */
  portal: PortalApi;
  /** Support session reports (REP-1..4), for administrators and users who may view reports. */
  reports: ReportsApi;
  /** Presentation reports (REP-6), same readers as the session reports. */
  presentationReports: PresentationReportsApi;
  /** Jump Clients: the list, jumping, the mass deployment wizard (JMP-1..10, USR-10). */
  jump: JumpApi;
  /** The console connection was ended by the site (an admin terminated it, or the login ended). */
  onTerminated(listener: Listener<TerminatedEvent>): Unsubscribe;
}

/**
 * Builds console-core: the shared context, and the ConsoleApi areas over it. Queues and sessions
 * join here as one more area (`sessions: createSessionsArea(ctx)`) with its ConsoleApi member.
 */
export function createConsoleCore(deps: ConsoleCoreDeps): ConsoleApi & { dispose(): void; channels: ConsoleChannels } {
  const ctx = createCoreContext(deps);
  const { api, rep, terminated, loginIncomplete } = ctx;
  const model = new SessionModel(rep);
  // Live channels stay in-process (web console) or in the main process (desktop, handed to the
  // renderer over a MessagePort): Channel objects are not part of the IPC-forwarded ConsoleApi.
  const channels = new ConsoleChannels(rep, (body) => model.call(body));
  const sessionChanged = new Emitter<ConsoleSession>();

  /** The last login state seen, so a password change or a two-step setup can complete it. */
  let current: ConsoleSession | null = null;

  /**
   * The rep connection runs whenever the login is complete: not while a password change (LOG-2)
   * or a required two-step setup (LOG-5) is due, which the broker would refuse anyway.
   */
  const follow = (s: ConsoleSession): ConsoleSession => {
    current = { user: s.user, passwordChangeRequired: s.passwordChangeRequired, totpEnrollmentRequired: s.totpEnrollmentRequired };
    if (s.passwordChangeRequired || s.totpEnrollmentRequired) rep.disconnect();
    else rep.connect();
    sessionChanged.emit(current);
    return current;
  };
  // The broker refused a call because a step of the login is due: learn which, and tell the page.
  loginIncomplete.on(() => {
    api.me().then(follow, () => undefined);
  });

  return {
    auth: {
      publicSiteInfo: () => api.publicSiteInfo(),
      login: async (username, password, totpCode) => follow(await api.login(username, password, totpCode)),
      restore: async () => {
        try {
          return follow(await api.me());
        } catch (e) {
          if (apiErrorOf(e)?.status === 401) return null;
          throw e;
        }
      },
      logout: async () => {
        rep.disconnect();
        current = null;
        await api.logout();
      },
      requestPasswordReset: (username) => api.requestPasswordReset(username),
      resetPasswordWithAnswer: (body) => api.resetPasswordWithAnswer(body),
      onSessionChanged: (l) => sessionChanged.on(l),
    },
    me: {
      changePassword: async (body) => {
        const me = await api.changePassword(body);
        follow({ user: me, passwordChangeRequired: false, totpEnrollmentRequired: current?.totpEnrollmentRequired ?? false });
        return me;
      },
      updateProfile: (body) => api.updateMyProfile(body),
      startTotpSetup: (currentPassword) => api.startTotpSetup(currentPassword),
      confirmTotpSetup: async (code) => {
        const me = await api.confirmTotpSetup(code);
        return follow({ user: me, passwordChangeRequired: current?.passwordChangeRequired ?? false, totpEnrollmentRequired: false });
      },
      disableTotp: (currentPassword, code) => api.disableTotp(currentPassword, code),
    },
    users: {
      list: (q) => api.listUsers(q),
      get: (id) => api.getUser(id),
      create: (body) => api.createUser(body),
      update: (id, body) => api.updateUser(id, body),
      delete: (id) => api.deleteUser(id),
      resetFailedLogins: (id) => api.resetFailedLogins(id),
    },
    site: {
      status: () => api.siteStatus(),
      updateSettings: (body) => api.updateSiteSettings(body),
      reps: () => api.loggedInReps(),
      terminateRep: (connectionId) => api.terminateRep(connectionId),
      restart: () => api.restartSite(),
      consoleDownloads: () => api.consoleDownloads(),
    },
    connection: {
      state: async () => rep.state,
      onState: (l) => rep.onState.on(l),
    },
    sessions: createSessionsArea(ctx, model),
    portal: createPortalArea(ctx),
    reports: createReportsArea(ctx),
    presentationReports: createPresentationReportsArea(ctx),
    jump: createJumpArea(ctx),
    onTerminated: (l) => terminated.on(l),
    channels,
    dispose: () => rep.disconnect(),
  };
}
