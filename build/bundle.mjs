// Bundles the node-side entry points with esbuild. The broker CLI bundles its pure-JS dependencies
// too (one file loads far faster than hundreds of modules: cold start is a product target) as
// CommonJS, run by dist/cli.js through V8's code cache (build/cli-loader.mjs); native modules and
// lazily loaded ones stay external. Electron main and preload are CommonJS for Electron.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const native = ['better-sqlite3', '@node-rs/argon2', 'node-pty', 'sharp', 'x11', 'electron'];
// Everything is CommonJS; the sources are ESM and use import.meta.url to find the package root.
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  keepNames: true,
  define: { 'import.meta.url': '__passerelleModuleUrl' },
  banner: { js: "var __passerelleModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const entries = [
  {
    entryPoints: ['src/cli/index.ts'],
    outfile: 'dist/cli-bundle.cjs',
    external: native,
    minify: true,
  },
  { entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs', packages: 'external' },
  { entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', packages: 'external' },
];
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
// A script run from a code cache has no loader for import(): lazy loads must use require.
if (/\bimport\((?!\))/.test(readFileSync('dist/cli-bundle.cjs', 'utf8'))) {
  throw new Error('dist/cli-bundle.cjs contains a dynamic import(); load that module with createRequire instead');
}
copyFileSync('build/cli-loader.mjs', 'dist/cli.js');
rmSync('dist/cli-bundle.cjs.v8cache', { force: true });
await warmCodeCache();

/** Starts the built broker once on a throw-away data dir so the first real start finds a code cache. */
async function warmCodeCache() {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-warm-'));
  const child = spawn(process.execPath, ['dist/cli.js', 'broker', '--data', dataDir, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', resolve);
      child.once('exit', (code) => reject(new Error(`warm-up broker exited with ${code}`)));
    });
    for (let i = 0; i < 50 && !existsSync('dist/cli-bundle.cjs.v8cache'); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
