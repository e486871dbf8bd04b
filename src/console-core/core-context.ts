// What console-core's areas share: the REST client, the rep connection (/ws/rep) and the
// "console ended" event. Each area of ConsoleApi (auth, users, site, and later queues and
// sessions) is built from this context, so a new area is one more module, not a new wiring.
import { ApiClient, type FetchLike } from './api-client.ts';
import { apiErrorOf } from './api-error.ts';
import { Emitter } from './events.ts';
import { RepConnection, type TerminatedEvent, type Timers, type WebSocketFactory } from './rep-connection.ts';

export interface ConsoleCoreDeps {
  /** Broker origin, e.g. `https://support.example.com`; '' in the web console (same origin). */
  baseUrl: string;
  /** Origin for the WebSocket when baseUrl is '' (the page's own origin). */
  wsOrigin?: string;
  mode: 'browser' | 'desktop';
  fetch: FetchLike;
  createWebSocket: WebSocketFactory;
  timers?: Timers;
  /** Overrides of the connection's keepalive timings (tests). */
  connection?: { pingIntervalMs?: number; unstableAfterMs?: number; timeoutAfterMs?: number; reconnectBaseMs?: number };
}

export interface CoreContext {
  api: ApiClient;
  /** The rep's live connection: `rep.onMessage` and `rep.send` carry queue and session traffic. */
  rep: RepConnection;
  /** Fired once when the site ends the console (admin terminate, login gone). */
  terminated: Emitter<TerminatedEvent>;
  /** An API call found the login incomplete (password change or two-step setup due, LOG-2/LOG-5). */
  loginIncomplete: Emitter<void>;
}

function wsUrlOf(deps: ConsoleCoreDeps): string {
  const origin = deps.baseUrl || deps.wsOrigin || '';
  return `${origin.replace(/^http/, 'ws')}/ws/rep`;
}

export function createCoreContext(deps: ConsoleCoreDeps): CoreContext {
  const terminated = new Emitter<TerminatedEvent>();
  const loginIncomplete = new Emitter<void>();
  const api = new ApiClient({
    baseUrl: deps.baseUrl,
    mode: deps.mode,
    fetch: deps.fetch,
    onSessionLost: () => {
      // An API call found the login gone before the rep connection noticed: end it the same way.
      if (!rep.loginMaybeLost()) terminated.emit({ reason: 'session_ended' });
    },
    onLoginIncomplete: () => loginIncomplete.emit(),
  });

  const stillAuthenticated = async (): Promise<boolean> => {
    try {
      await api.me();
      return true;
    } catch (e) {
      const err = apiErrorOf(e);
      if (err && (err.code === 'unauthenticated' || err.status === 401)) return false;
      throw e;
    }
  };

  const rep = new RepConnection({
    url: wsUrlOf(deps),
    protocols: () => (api.token ? ['passerelle.v1', `bearer.${api.token}`] : ['passerelle.v1']),
    createWebSocket: deps.createWebSocket,
    stillAuthenticated,
    ...(deps.timers ? { timers: deps.timers } : {}),
    ...deps.connection,
  });
  rep.onTerminated.on((e) => {
    api.forget();
    terminated.emit(e);
  });
  return { api, rep, terminated, loginIncomplete };
}
