// Where the renderer gets its ConsoleApi: from the desktop app's preload when it is there
// (console-core then runs in Electron's main process), otherwise console-core runs in this page.
import { createConsoleCore, type ConsoleApi, type DesktopShellApi, type WebSocketLike } from '../../src/console-core/index.ts';

declare global {
  interface Window {
    /** Set by the desktop app's preload (main/preload.ts). */
    passerelle?: { consoleApi: ConsoleApi; desktop?: DesktopShellApi };
  }
}

function webConsoleApi(): ConsoleApi {
  return createConsoleCore({
    baseUrl: '',
    wsOrigin: window.location.origin,
    mode: 'browser',
    fetch: (url, init) => window.fetch(url, init),
    // The browser sends the session cookie and Origin with the upgrade; no token in the page.
    createWebSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
  });
}

export const consoleApi: ConsoleApi = window.passerelle?.consoleApi ?? webConsoleApi();

/** The desktop app's tray and native notifications; absent in the web console. */
export const desktopShell: DesktopShellApi | undefined = window.passerelle?.desktop;
