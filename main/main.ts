// Electron main: the desktop console. Thin glue — the logic is in src/desktop-core and
// console-core, tested under Node. Runs the broker in-process (host mode) unless given
// `--broker URL --pin SHA256`, pins that broker's certificate, and serves ConsoleApi to the page.
import { app, BrowserWindow, dialog, net, screen } from 'electron';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startBroker, type Broker } from '../src/broker/broker.ts';
import { createConsoleCore, type DesktopShellApi, type WebSocketLike } from '../src/console-core/index.ts';
import { APP_ID } from '../src/desktop-core/app-id.ts';
import { deepLinkFromArgv, parseDeepLink, PROTOCOL, routeFor, type DeepLink } from '../src/desktop-core/deep-link.ts';
import { desktopStrings } from '../src/desktop-core/desktop-strings.ts';
import { createDiskDownloads } from '../src/desktop-core/disk-downloads.ts';
import { installSettingsFrom, parseRegQuery, pickInstall, unknownInstall, type InstallSettings } from '../src/desktop-core/install-settings.ts';
import { decideUpdates } from '../src/desktop-core/update-policy.ts';
import { loadWindowState, placeWindow, saveWindowState } from '../src/desktop-core/window-state.ts';
import { serveChannelPorts } from './channel-ports.ts';
import { serveOverIpc } from './ipc.ts';
import { checkServerIdentity, pinAllSessions, pins } from './pinning.ts';
import { installMenu, notify, QueueTray } from './shell.ts';
import { startUpdater } from './updater.ts';

// The UI language is known once the app is ready (app.getLocale); until then, the environment's.
let strings = desktopStrings(process.env.LANG);
const args = parseArgs({ args: process.argv.slice(app.isPackaged ? 1 : 2), strict: false, options: { broker: { type: 'string' }, pin: { type: 'string' }, data: { type: 'string' }, 'login-start': { type: 'boolean' } } }).values;

let win: BrowserWindow | null = null;
let origin = '';
let pendingLink: DeepLink | null = deepLinkFromArgv(process.argv);

if (!app.requestSingleInstanceLock()) {
  app.quit(); // the first instance gets 'second-instance' and focuses itself
} else {
  app.setName('Passerelle');
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  if (process.defaultApp) app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [process.argv[1] ?? '']);
  else app.setAsDefaultProtocolClient(PROTOCOL);
  app.on('second-instance', (_e, argv) => { showWindow(); openLink(deepLinkFromArgv(argv)); });
  app.on('open-url', (e, url) => { e.preventDefault(); openLink(parseDeepLink(url)); });
  app.whenReady().then(start).catch((e: unknown) => {
    console.error(`Passerelle console failed to start: ${e instanceof Error ? e.stack : String(e)}`);
    app.exit(1);
  });
}

function showWindow(): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function openLink(link: DeepLink | null): void {
  if (!link) return;
  if (!win || !origin) { pendingLink = link; return; }
  void win.loadURL(`${origin}${routeFor(link)}`);
}

async function readInstallSettings(): Promise<InstallSettings> {
  if (process.platform !== 'win32') return unknownInstall;
  const run = promisify(execFile);
  const found: InstallSettings[] = [];
  for (const hive of ['HKLM', 'HKCU']) {
    const key = `${hive}\\Software\\Passerelle\\Console`;
    try {
      const { stdout } = await run('reg', ['query', key, '/reg:64']);
      found.push(installSettingsFrom(parseRegQuery(stdout), key));
    } catch { /* key absent: not installed that way */ continue; }
  }
  return pickInstall(found, process.execPath);
}

async function connectBroker(): Promise<{ url: string; fingerprint: string; broker: Broker | null }> {
  if (typeof args.broker === 'string') {
    if (typeof args.pin !== 'string') throw new Error('--broker needs --pin <SHA-256 fingerprint of its certificate>');
    return { url: args.broker.replace(/\/+$/, ''), fingerprint: args.pin, broker: null };
  }
  // Host mode: this console runs its own broker, data under the user's profile (or --data DIR,
  // as `passerelle start --data DIR` passes it).
  const dataDir = typeof args.data === 'string' ? args.data : join(app.getPath('userData'), 'broker');
  const broker = await startBroker({ dataDir, webRoot: join(app.getAppPath(), 'dist', 'renderer'), logLevel: 'warn' });
  return { url: broker.url, fingerprint: broker.fingerprint, broker };
}

async function start(): Promise<void> {
  strings = desktopStrings(app.getLocale());
  const target = await connectBroker();
  origin = new URL(target.url).origin;
  pins.set(new URL(target.url).hostname.toLowerCase(), target.fingerprint);
  pinAllSessions();

  const core = createConsoleCore({
    baseUrl: origin,
    mode: 'desktop',
    fetch: (url, init) => net.fetch(url, init),
    // ws hands this to tls.connect (its own typing of checkServerIdentity is not Node's).
    createWebSocket: (url, protocols) => new WebSocket(url, protocols, { checkServerIdentity } as unknown as WebSocket.ClientOptions) as unknown as WebSocketLike,
  });

  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const placed = placeWindow(loadWindowState(stateFile), screen.getAllDisplays().map((d) => d.workArea));
  win = new BrowserWindow({
    ...placed.bounds,
    minWidth: 640,
    minHeight: 480,
    title: strings.appTitle,
    show: false,
    icon: iconPath(),
    webPreferences: { preload: join(__dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  if (placed.maximized) win.maximize();
  win.on('page-title-updated', (e) => e.preventDefault()); // the window keeps the app's title in the UI language
  const save = () => { if (win && !win.isMinimized()) saveWindowState(stateFile, { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() }); };
  win.on('close', save);
  win.on('closed', () => { win = null; });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => { if (new URL(url).origin !== origin) e.preventDefault(); });
  win.once('ready-to-show', () => { if (!args['login-start']) win?.show(); });

  const tray = new QueueTray(strings, iconPath(), showWindow);
  tray.create();
  installMenu(strings, showWindow);

  const downloads = createDiskDownloads({
    openFile: (lsid, meta) => core.channels.open(lsid, 'file', meta),
    async choose({ name, isFolder }) {
      const parent = win ?? undefined;
      const where = join(app.getPath('downloads'), name);
      if (!isFolder) {
        const r = parent ? await dialog.showSaveDialog(parent, { defaultPath: where }) : await dialog.showSaveDialog({ defaultPath: where });
        return r.canceled || !r.filePath ? null : r.filePath;
      }
      const o = { defaultPath: app.getPath('downloads'), title: strings.saveFolderTitle(name), properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = parent ? await dialog.showOpenDialog(parent, o) : await dialog.showOpenDialog(o);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  });
  const desktop: DesktopShellApi = {
    setQueueCount: async (n: number) => {
      const count = Math.max(0, Math.floor(Number(n) || 0));
      tray.setQueueCount(count);
      app.setBadgeCount(count); // dock (macOS) and launcher (Linux Unity) badges
    },
    notify: async (title: string, body: string, sessionId?: string) =>
      notify(String(title).slice(0, 200), String(body).slice(0, 500), () => { showWindow(); if (sessionId) openLink({ kind: 'session', sessionId: String(sessionId) }); }, win),
    info: async () => ({ version: app.getVersion(), platform: process.platform as string, hostMode: target.broker !== null }),
    downloads,
  };
  serveOverIpc({ consoleApi: core, desktop }, () => origin);
  serveChannelPorts(core.channels, () => origin);
  // The renderer drives the tray badge and notifications through DesktopShellApi (it knows when
  // the console is in front); main only draws them.

  await win.loadURL(`${origin}${pendingLink ? routeFor(pendingLink) : '/console'}`);
  pendingLink = null;

  const install = await readInstallSettings();
  const decision = decideUpdates({ packaged: app.isPackaged, platform: process.platform, install, isAppImage: !!process.env.APPIMAGE, brokerUrl: origin });
  startUpdater(origin, decision, install, {
    window: () => win,
    notify: (text) => notify(strings.appTitle, text, showWindow, win),
    refused: (why) => notify(strings.appTitle, strings.updateRefused(why), showWindow, win),
    ready: (v) => notify(strings.appTitle, strings.updateReady(v), showWindow, win),
  });

  app.on('before-quit', () => { downloads.dispose(); core.dispose(); void target.broker?.close(); });
  app.on('window-all-closed', () => { /* stays in the tray; quit from its menu */ });
}

function iconPath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'icons', 'tray.png') : join(app.getAppPath(), 'build', 'icons', 'tray.png');
}
