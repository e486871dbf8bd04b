// Builds the console the way `npm run dist` does, offline, from a stand-in Electron folder that
// this helper creates and labels (STAND-IN.txt): Electron's real binaries cannot be downloaded
// here. What electron-builder produces around it (app.asar, unpacked native modules, layout,
// renamed executable) is real; the executable itself is not Electron.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../src/broker/app-root.ts';

const root = appRoot().root;
/** A real, small Windows program (from Debian's wine) so the installed shortcut target runs under wine. */
const WINE_PE = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/hostname.exe';

export function electronVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

export function createStandInElectron(platform: 'linux' | 'win'): string {
  const dir = mkdtempSync(join(tmpdir(), `pt-electron-stand-in-${platform}-`));
  mkdirSync(join(dir, 'resources'));
  mkdirSync(join(dir, 'locales'));
  writeFileSync(join(dir, 'STAND-IN.txt'), `STAND-IN: not Electron. A placeholder for Electron ${electronVersion()}'s ${platform} distribution, made by test/support/console-build.ts because Electron's binaries cannot be downloaded on this machine.\n`);
  writeFileSync(join(dir, 'version'), electronVersion());
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), 'stand-in\n');
  writeFileSync(join(dir, 'locales', 'fr.pak'), 'stand-in\n');
  if (platform === 'linux') {
    writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in for Electron: not a real Electron binary" >&2\nexit 3\n', { mode: 0o755 });
  } else if (existsSync(WINE_PE)) {
    copyFileSync(WINE_PE, join(dir, 'electron.exe'));
  } else {
    writeFileSync(join(dir, 'electron.exe'), 'stand-in for electron.exe\n');
  }
  return dir;
}

export interface DirBuild { outDir: string; unpacked: string; ms: number }

/** `npm run dist -- --<platform> --dir --stand-in …` into a fresh folder; throws with the tool's output on failure. */
export function buildConsoleDir(platform: 'linux' | 'win', opts: { msi?: boolean } = {}): DirBuild {
  for (const f of ['dist/main/main.cjs', 'dist/main/preload.cjs', 'dist/renderer/index.html', 'dist/cli.js', 'dist/cli-bundle.cjs']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` before this test`);
  }
  const electronDist = createStandInElectron(platform);
  const outDir = mkdtempSync(join(tmpdir(), `pt-release-${platform}-`));
  const args = ['--import', 'tsx', join(root, 'build', 'release.ts'), '--electron-dist', electronDist, `--${platform}`, '--dir', '--no-rebuild', '--stand-in', '--skip-build', '--output', outDir];
  if (!opts.msi) args.push('--no-msi');
  const started = Date.now();
  let r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  // A build of dist/ running beside this one (another `npm run build` in the same checkout) can
  // swap the renderer's hashed files mid-copy; one retry covers that race.
  if (r.status !== 0 && /ENOENT[^\n]*dist\//.test(r.stdout + r.stderr)) r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`release build failed:\n${r.stdout}\n${r.stderr}`);
  return { outDir, unpacked: join(outDir, platform === 'win' ? 'win-unpacked' : 'linux-unpacked'), ms: Date.now() - started };
}

/** Apparent size of a folder in bytes (du -sb). */
export function folderBytes(dir: string): number {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split(/\s/)[0]);
}
