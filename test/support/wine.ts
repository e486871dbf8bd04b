// Windows installers tested for real under Debian's wine: a throwaway prefix per test file,
// headless, quiet, and torn down with its own wineserver.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseRegQuery } from '../../src/desktop-core/install-settings.ts';

export interface WinePrefix {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs a Windows program; exit status as wine reports it (1603 shows as 67: wine keeps the low byte). */
  run(program: string, args: string[]): { status: number; stdout: string; stderr: string };
  /** The values of a registry key, or null when the key does not exist. */
  regQuery(key: string): Map<string, string> | null;
  /** Host path of a Windows path on drive C:. */
  host(windowsPath: string): string;
  /** The Windows user's profile folder, e.g. C:\users\root. */
  profile: string;
  close(): void;
}

export function hasWine(): string | null {
  for (const tool of ['wine', 'wineboot', 'wineserver', 'wixl', 'msibuild']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (scripts/install-test-deps.sh installs it)`;
  }
  return null;
}

export function createWinePrefix(): WinePrefix {
  const dir = mkdtempSync(join(tmpdir(), 'pt-wine-'));
  // No display, no Mono/Gecko downloads (mscoree, mshtml off), no debug noise.
  const env = { ...process.env, WINEPREFIX: dir, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
  const boot = spawnSync('wineboot', ['-i'], { env, stdio: 'ignore', timeout: 120_000 });
  if (boot.status !== 0) throw new Error(`wineboot -i failed (${boot.status ?? boot.signal}) in ${dir}`);
  // Keep the wine session (services, rpcss, desktop) alive between commands with an idle console
  // waiting on its input: once the session winds down, every msiexec restarts it and waits ~20 s.
  const keeper = spawn('wine', ['cmd'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  const run = (program: string, args: string[]) => {
    const started = Date.now();
    const r = spawnSync('wine', [program, ...args], { env, encoding: 'utf8', timeout: 120_000 });
    if (process.env.PASSERELLE_WINE_TRACE) console.error(`wine ${program} ${args.join(' ')}: ${r.status} in ${Date.now() - started} ms`);
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    dir,
    env,
    run,
    regQuery(key) {
      const r = run('reg', ['query', key]);
      return r.status === 0 ? parseRegQuery(r.stdout) : null;
    },
    host: (p) => join(dir, 'drive_c', ...p.replace(/^[Cc]:\\/, '').split('\\').filter(Boolean)),
    profile: `C:\\users\\${userInfo().username}`,
    close() {
      keeper.stdin?.end('exit\r\n');
      keeper.kill();
      spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
