// CON-1: the bundled Electron entry points load and wire up (Electron's binary cannot run here, so
// `electron` is replaced by a recording stub): main takes the single-instance lock and quits as a
// second instance; preload exposes `window.passerelle` built from main's shape, every call going
// through the one generic channel.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appRoot } from '../../src/broker/app-root.ts';

const root = appRoot().root;
const require = createRequire(import.meta.url);

function withElectronStub<T>(stub: object, fn: () => T): T {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? stub : original.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    mod._load = original;
  }
}

describe('bundled Electron entry points', () => {
  it('CON-1: main loads (all its modules resolve) and a second instance quits at once', () => {
    const file = join(root, 'dist', 'main', 'main.cjs');
    assert.ok(existsSync(file), 'run `npm run build` first');
    const calls: string[] = [];
    const app = {
      isPackaged: false,
      requestSingleInstanceLock: () => { calls.push('lock'); return false; },
      quit: () => calls.push('quit'),
      on: () => app,
      whenReady: () => new Promise(() => undefined),
    };
    withElectronStub({ app, ipcMain: {}, session: {}, BrowserWindow: class {}, net: {}, screen: {}, Menu: {}, Tray: class {}, Notification: class {}, nativeImage: {} }, () => require(file));
    assert.deepEqual(calls, ['lock', 'quit']);
  });

  it('CON-1: preload exposes window.passerelle from main\'s shape over one channel', async () => {
    const file = join(root, 'dist', 'main', 'preload.cjs');
    const invoked: unknown[][] = [];
    let exposed: any = null;
    const ipcRenderer = {
      on: () => undefined,
      sendSync: (channel: string) => (channel === 'passerelle:shape' ? { consoleApi: { auth: { login: 'call' }, onTerminated: 'event' }, desktop: { setQueueCount: 'call' } } : null),
      invoke: async (...args: unknown[]) => { invoked.push(args); return { ok: true }; },
    };
    const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => { exposed = { key, api }; } };
    withElectronStub({ ipcRenderer, contextBridge }, () => require(file));
    assert.equal(exposed.key, 'passerelle');
    assert.deepEqual(await exposed.api.consoleApi.auth.login('ana', 'pw'), { ok: true });
    await exposed.api.desktop.setQueueCount(3);
    const stop = exposed.api.consoleApi.onTerminated(() => undefined);
    stop();
    assert.deepEqual(invoked.map((c) => c[0]), ['passerelle:call', 'passerelle:call', 'passerelle:subscribe', 'passerelle:unsubscribe']);
    assert.deepEqual(invoked[0]![1], { path: ['consoleApi', 'auth', 'login'], args: ['ana', 'pw'] });
    assert.deepEqual(invoked[1]![1], { path: ['desktop', 'setQueueCount'], args: [3] });
    assert.deepEqual(invoked[2]!.slice(2), [['consoleApi', 'onTerminated']]);
  });
});
