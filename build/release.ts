// The release script: `npm run dist -- [--electron-dist DIR] [--linux] [--win] [--mac] [--dir]
// [--no-rebuild] [--stand-in] [--no-msi] [--output DIR] [--skip-build]`. Builds the renderer and bundles, runs
// electron-builder with electron-builder.yml, then the console MSI from win-unpacked (wixl) and
// its feed document. On a release machine: real Electron distribution, network, signing keys
// (build/README.md). Here: `--electron-dist` names a folder, and the targets are `dir`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { feedDocument, sha512File } from '../src/broker/services/console-releases.ts';
import { buildConsoleMsi } from '../src/installers/console-msi.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    'electron-dist': { type: 'string' },
    linux: { type: 'boolean' },
    win: { type: 'boolean' },
    mac: { type: 'boolean' },
    dir: { type: 'boolean' },
    'no-rebuild': { type: 'boolean' },
    'no-msi': { type: 'boolean' },
    // The Electron folder is a stand-in (tests): its electron.exe cannot take Electron's icon,
    // version and asar-integrity resources, so those edits are skipped.
    'stand-in': { type: 'boolean' },
    'skip-build': { type: 'boolean' },
    output: { type: 'string' },
  },
});

function run(cmd: string, args: string[]): void {
  const started = Date.now();
  console.error(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_BUILDER_OFFLINE: values['electron-dist'] ? 'true' : process.env.ELECTRON_BUILDER_OFFLINE } });
  if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status ?? r.signal})`);
  console.error(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const output = resolve(values.output ?? join(root, 'release'));

if (!values['skip-build']) {
  run('npm', ['run', 'build']);
  if (!existsSync(join(root, 'build', 'icon.png'))) run('npm', ['run', 'icons']);
}

const platforms = [values.linux && '--linux', values.win && '--win', values.mac && '--mac'].filter(Boolean) as string[];
const builderArgs = [...(platforms.length ? platforms : ['--linux', '--win'])];
if (values.dir) builderArgs.push('--dir');
builderArgs.push('--config', 'electron-builder.yml', '--publish', 'never', `-c.directories.output=${output}`);
if (values['electron-dist']) builderArgs.push(`-c.electronDist=${resolve(values['electron-dist'])}`);
if (values['no-rebuild']) builderArgs.push('-c.npmRebuild=false');
if (values['stand-in']) builderArgs.push('-c.win.signAndEditExecutable=false', '-c.disableAsarIntegrity=true');
run(join(root, 'node_modules', '.bin', 'electron-builder'), builderArgs);

const winUnpacked = join(output, 'win-unpacked');
if (existsSync(winUnpacked) && !values['no-msi']) {
  const msi = join(output, `Passerelle-${pkg.version}-x64.msi`);
  const started = Date.now();
  const { bytes } = buildConsoleMsi({ sourceDir: winUnpacked, exeName: 'passerelle.exe', productName: 'Passerelle', manufacturer: 'Passerelle', version: pkg.version }, msi);
  const { sha512, size } = await sha512File(msi);
  writeFileSync(join(output, 'msi.yml'), feedDocument({ kind: 'msi', fileName: `Passerelle-${pkg.version}-x64.msi`, size, sha512, version: pkg.version }, new Date(statSync(msi).mtime).toISOString()));
  console.error(`MSI: ${msi} (${bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s; feed document msi.yml written`);
}
console.error(`Release artifacts in ${output}. Publish them to a broker: passerelle publish-console --from ${output} --data <broker data dir>`);
