// The desktop shell's logic, tested under Node: window placement, deep links, certificate pins,
// titles in the UI language, the generic IPC forwarder (main/ only wires these to Electron).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildForwarder, createDispatcher, describeService, type ServiceShape } from '../../src/console-core/ipc-forwarder.ts';
import { Emitter } from '../../src/console-core/events.ts';
import { fingerprintOfPem, matchesPin, normaliseFingerprint, verifyResult } from '../../src/desktop-core/cert-pin.ts';
import { deepLinkFromArgv, parseDeepLink, routeFor } from '../../src/desktop-core/deep-link.ts';
import { desktopStrings } from '../../src/desktop-core/desktop-strings.ts';
import { loadWindowState, placeWindow, saveWindowState } from '../../src/desktop-core/window-state.ts';
import { testCertificate } from '../support/broker.ts';

const screen = { x: 0, y: 0, width: 1920, height: 1040 };
const second = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('window state', () => {
  it('CON-1: size and position are remembered across runs (atomic file, corrupt file ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-ws-'));
    const file = join(dir, 'window-state.json');
    assert.equal(loadWindowState(file), null, 'first run');
    saveWindowState(file, { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    assert.deepEqual(loadWindowState(file), { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    writeFileSync(file, '{"bounds": {"x": "a"');
    assert.equal(loadWindowState(file), null);
    rmSync(dir, { recursive: true });
  });

  it('CON-1: a window left on an unplugged monitor comes back centred on the primary screen', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 900, height: 700 }, maximized: false };
    assert.deepEqual(placeWindow(saved, [screen, second]).bounds, saved.bounds, 'second monitor still there');
    const back = placeWindow(saved, [screen]).bounds;
    assert.ok(back.x >= 0 && back.x + back.width <= 1920, JSON.stringify(back));
  });

  it('CON-1: a saved size larger than today\'s screen is shrunk to fit it', () => {
    const placed = placeWindow({ bounds: { x: -50, y: -20, width: 4000, height: 3000 }, maximized: false }, [screen]).bounds;
    assert.deepEqual(placed, { x: 0, y: 0, width: 1920, height: 1040 });
    assert.deepEqual(placeWindow(null, [screen]).bounds, { x: 320, y: 120, width: 1280, height: 800 });
  });
});

describe('passerelle:// links', () => {
  it('CON-1: a session link and page links open the console there', () => {
    assert.deepEqual(parseDeepLink('passerelle://session/LS-20261126-0001'), { kind: 'session', sessionId: 'LS-20261126-0001' });
    assert.equal(routeFor(parseDeepLink('passerelle://session/abc')!), '/console/sessions/abc');
    assert.deepEqual(parseDeepLink('passerelle://console/users'), { kind: 'page', page: 'users' });
    assert.equal(routeFor(parseDeepLink('passerelle://console')!), '/console');
    assert.deepEqual(deepLinkFromArgv(['/opt/Passerelle/passerelle', '--flag', 'PASSERELLE://session/x1']), { kind: 'session', sessionId: 'x1' });
  });

  it('CON-1: anything else is refused', () => {
    for (const bad of ['https://session/abc', 'passerelle://session/../../etc', 'passerelle://session/a/b', 'passerelle://evil/x',
      'passerelle://console/nowhere', 'passerelle://user:pw@session/a', 'passerelle://session/%3Cscript%3E', `passerelle://session/${'a'.repeat(600)}`, 'not a url']) {
      assert.equal(parseDeepLink(bad), null, bad);
    }
    assert.equal(deepLinkFromArgv(['electron', '.']), null);
  });
});

describe('certificate pinning', () => {
  it('CON-1: only the pinned SHA-256 fingerprint is accepted, in any usual spelling', async () => {
    const { cert } = await testCertificate();
    const pem = readFileSync(cert, 'utf8');
    const fp = fingerprintOfPem(pem);
    assert.ok(matchesPin(pem, fp));
    assert.ok(matchesPin(pem, fp.replace(/:/g, '').toLowerCase()), 'hex without colons, lower case');
    assert.equal(matchesPin(pem, `${fp.slice(0, -2)}00`), false, 'one byte off');
    assert.equal(matchesPin(pem, null), false, 'no pin, no trust');
    assert.equal(matchesPin('not a cert', fp), false);
    assert.equal(normaliseFingerprint('zz'), null);
    const pins = new Map([['127.0.0.1', fp]]);
    assert.equal(verifyResult('127.0.0.1', pem, pins), 0);
    assert.equal(verifyResult('127.0.0.1', pem, new Map([['127.0.0.1', '00'.repeat(32)]])), -2);
    assert.equal(verifyResult('example.org', pem, pins), -3, 'unpinned hosts follow Chromium\'s normal checks');
  });
});

describe('titles and menus in the UI language', () => {
  it('CON-1: French for fr-*, English otherwise', () => {
    assert.equal(desktopStrings('fr-FR').appTitle, 'Console Passerelle');
    assert.equal(desktopStrings('fr').menuEdit, 'Édition');
    assert.equal(desktopStrings('en-US').appTitle, 'Passerelle Console');
    assert.equal(desktopStrings(undefined).trayWaiting(3), 'Passerelle Console — 3 sessions waiting');
    assert.equal(desktopStrings('fr-CA').trayWaiting(1), 'Console Passerelle — 1 session en attente');
  });
});

describe('the one generic IPC forwarder', () => {
  const changed = new Emitter<number>();
  let count = 0;
  const service = {
    sessions: {
      accept: async (id: string) => { count++; changed.emit(count); return { accepted: id }; },
      onChanged: (listener: (n: number) => void) => changed.on(listener),
    },
    site: { status: async () => ({ ok: true }) },
    internal: changed, // a class instance held in a field: not part of the contract
    dispose: () => { throw new Error('not reachable'); },
  };

  it('CON-1: calls and onX events cross a serialising boundary with no per-method channel', async () => {
    const d = createDispatcher(service);
    const shape: ServiceShape = JSON.parse(JSON.stringify(d.shape()));
    assert.deepEqual(shape, { sessions: { accept: 'call', onChanged: 'event' }, site: { status: 'call' } });
    const clone = <T>(v: T): T => structuredClone(v); // what IPC does to every argument and result
    const api = buildForwarder<{ sessions: { accept(id: string): Promise<{ accepted: string }>; onChanged(l: (n: number) => void): () => void }; site: { status(): Promise<{ ok: boolean }> } }>(shape, {
      call: async (c) => clone(await d.call(clone(c))),
      subscribe: (path, listener) => d.subscribe(clone(path), (v) => listener(clone(v))),
    });
    const seen: number[] = [];
    const stop = api.sessions.onChanged((n) => seen.push(n));
    assert.deepEqual(await api.sessions.accept('S1'), { accepted: 'S1' });
    stop();
    await api.sessions.accept('S2');
    assert.deepEqual(seen, [1], 'events stop after unsubscribe');
    assert.deepEqual(await api.site.status(), { ok: true });
  });

  it('CON-1: a forged message cannot reach anything outside the contract', async () => {
    const d = createDispatcher(service);
    for (const path of [['__proto__'], ['constructor'], ['sessions', 'constructor'], ['dispose'], ['internal', 'emit'], ['nope'], [], ['a', 'b', 'c', 'd', 'e']]) {
      await assert.rejects(d.call({ path, args: [] }), /no such API member|malformed/, JSON.stringify(path));
    }
    await assert.rejects(d.call({ path: ['sessions', 'onChanged'], args: [] }), /is an event/);
    assert.throws(() => d.subscribe(['sessions', 'accept'], () => undefined), /only onX/);
    assert.ok(!('dispose' in describeService(service)));
  });
});
