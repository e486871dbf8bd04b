// ConsoleApi: the one typed contract between the renderer and console-core. In the web console
// the page creates console-core itself; in the desktop app console-core runs in Electron's main
// process and the preload exposes the same interface as `window.passerelle.consoleApi`.
// IPC rule (as VS Code's ProxyChannel): members named `onX` are events — they take a listener and
// return an unsubscribe function; everything else is an async call taking and returning plain data.
import type {
  ChangePasswordBody,
  CreateUserBody,
  LoggedInRep,
  Me,
  PublicSiteInfo,
  SiteSettings,
  SiteStatus,
  UpdateMyProfileBody,
  UpdateSiteSettingsBody,
  UpdateUserBody,
  UserView,
} from '../protocol/index.ts';
import type { MeResult, ResetWithAnswerBody } from './api-client.ts';
import { apiErrorOf } from './api-error.ts';
import { createCoreContext, type ConsoleCoreDeps } from './core-context.ts';
import { createPortalArea, type PortalApi } from './sessions/portal-area.ts';
import { createSessionsArea, type SessionsApi } from './sessions/sessions-area.ts';
import type { Listener, Unsubscribe } from './events.ts';
import type { ConnectionState, TerminatedEvent } from './rep-connection.ts';

/** What the renderer knows about the login: never the bearer token or the CSRF token. */
export type ConsoleSession = Pick<MeResult, 'user' | 'passwordChangeRequired'>;

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
  };
  me: {
    changePassword(body: ChangePasswordBody): Promise<Me>;
    updateProfile(body: UpdateMyProfileBody): Promise<Me>;
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
  };
  connection: {
    state(): Promise<ConnectionState>;
    onState(listener: Listener<ConnectionState>): Unsubscribe;
  };
  /** Queues and support sessions (CON-2, CON-3, POR-3). */
  sessions: SessionsApi;
  /** The Support Portal page's settings (administrators). */
  portal: PortalApi;
  /** The console connection was ended by the site (an admin terminated it, or the login ended). */
  onTerminated(listener: Listener<TerminatedEvent>): Unsubscribe;
}

/**
 * Builds console-core: the shared context, and the ConsoleApi areas over it. Queues and sessions
 * join here as one more area (`sessions: createSessionsArea(ctx)`) with its ConsoleApi member.
 */
export function createConsoleCore(deps: ConsoleCoreDeps): ConsoleApi & { dispose(): void } {
  const ctx = createCoreContext(deps);
  const { api, rep, terminated } = ctx;

  /** The rep connection runs whenever the login is complete (not while a password change is due). */
  const follow = <T extends ConsoleSession>(s: T): ConsoleSession => {
    if (s.passwordChangeRequired) rep.disconnect();
    else rep.connect();
    return { user: s.user, passwordChangeRequired: s.passwordChangeRequired };
  };

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
        await api.logout();
      },
      requestPasswordReset: (username) => api.requestPasswordReset(username),
      resetPasswordWithAnswer: (body) => api.resetPasswordWithAnswer(body),
    },
    me: {
      changePassword: async (body) => {
        const me = await api.changePassword(body);
        follow({ user: me, passwordChangeRequired: false });
        return me;
      },
      updateProfile: (body) => api.updateMyProfile(body),
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
    },
    connection: {
      state: async () => rep.state,
      onState: (l) => rep.onState.on(l),
    },
    sessions: createSessionsArea(ctx),
    portal: createPortalArea(ctx),
    onTerminated: (l) => terminated.on(l),
    dispose: () => rep.disconnect(),
  };
}
