// Bundles the node-side entry points with esbuild: the CLI (broker) and the Electron main and
// preload. npm packages stay external (native modules, and they ship in node_modules / app.asar).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };

const entries = [
  { entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', format: 'esm' },
  { entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs', format: 'cjs', external: ['electron'] },
  { entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', format: 'cjs', external: ['electron'] },
];
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
