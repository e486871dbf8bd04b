// Bundles the node-side entry points with esbuild. The broker CLI bundles its pure-JS dependencies
// too (one file loads far faster than hundreds of modules: cold start is a product target); native
// modules and lazily loaded ones stay external. Electron main and preload are CommonJS for Electron.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const native = ['better-sqlite3', '@node-rs/argon2', 'selfsigned', 'node-pty', 'sharp', 'x11', 'electron'];
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', keepNames: true };
// ESM bundles of CommonJS packages need a `require` of their own.
const requireShim = { js: "import { createRequire as __passerelleRequire } from 'node:module'; const require = __passerelleRequire(import.meta.url);" };

// CommonJS bundles (Electron main, preload) have no import.meta: give them the file's own URL.
const cjsImportMeta = { define: { 'import.meta.url': '__passerelleImportMetaUrl' }, banner: { js: "const __passerelleImportMetaUrl = require('url').pathToFileURL(__filename).href;" } };

const entries = [
  { entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', format: 'esm', external: native, minify: true, banner: requireShim },
  { entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs', format: 'cjs', packages: 'external', ...cjsImportMeta },
  { entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', format: 'cjs', packages: 'external' },
];
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
