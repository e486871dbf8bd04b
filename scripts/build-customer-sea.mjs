// Builds the Linux customer client as one executable (Node single-executable application):
// bundle src/endpoint/customer-main.ts to CommonJS, make the SEA blob, inject it into a copy of
// this Node binary with postject. The broker appends each download's site, pin and ticket to it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:process';
import { join } from 'node:path';

if (platform !== 'linux') throw new Error('the customer client executable is built on Linux for Linux');
const out = 'dist/customer';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/endpoint/customer-main.ts'],
  outfile: join(out, 'customer.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // ws's optional native speed-ups cannot load inside a SEA: tell ws not to try.
  external: ['bufferutil', 'utf-8-validate'],
  define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"' },
  logLevel: 'warning',
});
const config = join(out, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main: join(out, 'customer.cjs'), output: join(out, 'customer.blob'), disableExperimentalSEAWarning: true, useCodeCache: false }));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
const exe = join(out, `passerelle-customer-linux-${arch}`);
copyFileSync(process.execPath, exe);
execFileSync(process.execPath, [
  'node_modules/postject/dist/cli.js', exe, 'NODE_SEA_BLOB', join(out, 'customer.blob'),
  '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
], { stdio: ['ignore', 'ignore', 'inherit'] });
chmodSync(exe, 0o755);
process.stdout.write(`${exe}\n`);
