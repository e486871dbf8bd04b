// `passerelle start`: the newcomer's one command. Opens the desktop console (which runs its own
// bundled broker in host mode) when Electron's binary is present or can be fetched; otherwise runs
// the broker here and prints the web console's address, saying which happened.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { appRoot } from '../broker/app-root.ts';
import { runBroker } from './broker-command.ts';

/** Path of Electron's binary if installed, without triggering electron's own download-on-require. */
export function findElectronBinary(): { path: string | null; packageDir: string | null } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(appRoot().root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { path: null, packageDir: null };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, packageDir };
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return { path: existsSync(binary) ? binary : null, packageDir };
}

function tryDownloadElectron(packageDir: string): string | null {
  console.log('Electron\'s binary is not installed; trying to download it (electron/install.js) …');
  const r = spawnSync(process.execPath, [join(packageDir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) return findElectronBinary().path;
  const reason = `${r.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? r.error?.message ?? `exit code ${r.status}`;
  console.log(`Could not download Electron: ${reason.trim()}`);
  return null;
}

export async function runStart(argv: string[]): Promise<void> {
  const webOnly = argv.includes('--web');
  const brokerArgs = argv.filter((a) => a !== '--web');
  const mainScript = join(appRoot().root, 'dist', 'main', 'main.cjs');
  if (!webOnly && process.env.PASSERELLE_NO_ELECTRON !== '1') {
    const found = findElectronBinary();
    const binary = found.path ?? (found.packageDir ? tryDownloadElectron(found.packageDir) : null);
    if (binary && existsSync(mainScript)) {
      console.log(`Opening the Passerelle desktop console (${binary}) with its bundled broker.`);
      const child = spawn(binary, [mainScript, ...brokerArgs], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    console.log(
      binary
        ? 'The desktop console is not built (dist/main/main.cjs is missing): run `npm run build`. Starting the broker only.'
        : 'Electron\'s binary is not available on this machine, so the desktop console cannot open here. Starting the broker only: use the web console.',
    );
  }
  const broker = await runBroker(brokerArgs);
  if (broker) {
    console.log(`Web console: ${broker.url}/login  (first login: admin / password, then choose a new password)`);
    console.log('The certificate is self-signed: check its fingerprint above before accepting it in the browser.');
  }
}
