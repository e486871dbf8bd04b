// CON-1: the Linux and Windows console builds (electron-builder `--dir`, offline, stand-in Electron
// folder) hold what the console needs: main, preload, renderer and broker in app.asar, native
// modules unpacked beside it, the right version and app id.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import asar from '@electron/asar';
import { appRoot } from '../../src/broker/app-root.ts';
import { APP_ID } from '../../src/desktop-core/app-id.ts';
import { buildConsoleDir, folderBytes, type DirBuild } from '../support/console-build.ts';

const { version } = appRoot();
const builds: DirBuild[] = [];

function checkAppAsar(resources: string): void {
  const archive = join(resources, 'app.asar');
  const files = new Set(asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/')));
  for (const f of ['/package.json', '/dist/main/main.cjs', '/dist/main/preload.cjs', '/dist/renderer/index.html', '/dist/cli.js', '/dist/cli-bundle.cjs']) {
    assert.ok(files.has(f), `app.asar lacks ${f}`);
  }
  for (const dep of ['fastify', 'better-sqlite3', 'electron-updater', 'zod', 'ws']) {
    assert.ok(files.has(`/node_modules/${dep}/package.json`), `app.asar lacks the runtime dependency ${dep}`);
  }
  assert.ok(![...files].some((f) => f.endsWith('.map')), 'no source maps shipped');
  assert.ok(![...files].some((f) => f.startsWith('/node_modules/electron/') || f.startsWith('/node_modules/typescript/')), 'no dev dependencies');
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  assert.equal(pkg.version, version);
  assert.equal(pkg.main, 'dist/main/main.cjs');
  const main = asar.extractFile(archive, 'dist/main/main.cjs').toString('utf8');
  assert.ok(main.includes(APP_ID), 'main carries the app id');
  assert.ok(main.includes('passerelle.db') && main.includes('/api/v1'), 'the broker is bundled into main for host mode');
  assert.match(asar.extractFile(archive, 'dist/renderer/index.html').toString('utf8'), /<script/);
  const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
  assert.ok(existsSync(join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), 'better-sqlite3 unpacked');
  assert.ok(readdirSync(join(unpacked, '@node-rs')).some((d) => d.startsWith('argon2')), '@node-rs/argon2 unpacked');
  assert.ok(existsSync(join(resources, 'icons', 'tray.png')), 'tray icon shipped as an extra resource');
}

describe('console packages (electron-builder --dir, offline)', () => {
  after(() => { for (const b of builds) rmSync(b.outDir, { recursive: true, force: true }); });

  it('CON-1: Linux dir build: app.asar, unpacked native modules, version, app id', (t) => {
    const b = buildConsoleDir('linux');
    builds.push(b);
    assert.ok(existsSync(join(b.unpacked, 'passerelle')), 'executable renamed to executableName');
    assert.ok(readFileSync(join(b.unpacked, 'STAND-IN.txt'), 'utf8').startsWith('STAND-IN'), 'the Electron part is labelled as a stand-in');
    checkAppAsar(join(b.unpacked, 'resources'));
    t.diagnostic(`linux-unpacked: ${(folderBytes(b.unpacked) / 1e6).toFixed(1)} MB, built in ${(b.ms / 1000).toFixed(1)} s`);
  });

  it('CON-1: Windows dir build: app.asar, unpacked native modules, version, app id', (t) => {
    const b = buildConsoleDir('win');
    builds.push(b);
    assert.ok(existsSync(join(b.unpacked, 'passerelle.exe')), 'electron.exe renamed to passerelle.exe');
    assert.ok(existsSync(join(b.unpacked, 'STAND-IN.txt')));
    checkAppAsar(join(b.unpacked, 'resources'));
    t.diagnostic(`win-unpacked: ${(folderBytes(b.unpacked) / 1e6).toFixed(1)} MB, built in ${(b.ms / 1000).toFixed(1)} s`);
  });
});
