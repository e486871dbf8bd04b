// An attached Jump Client (JMP-10) runs in user mode as the customer's own account: it must come
// back after a reboot, at the user's next log-on, without any elevation. Linux: an XDG autostart
// entry ($XDG_CONFIG_HOME/autostart, read by every freedesktop session at log-on). Windows: a value
// under HKCU's Run key. Where it went is kept in the install folder (autostart.json) so the
// uninstall that removal from the site's list triggers takes it away again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';

export const AUTOSTART_FILE = 'autostart.json';
export const AUTOSTART_DESKTOP = 'passerelle-jump.desktop';
export const WINDOWS_RUN_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';
export const WINDOWS_RUN_VALUE = 'Passerelle Jump Client';

const Autostart = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('xdg'), file: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('windows-run'), key: z.literal(WINDOWS_RUN_KEY), value: z.literal(WINDOWS_RUN_VALUE) }).strict(),
]);
export type Autostart = z.infer<typeof Autostart>;

export function autostartDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME ?? homedir(), '.config'), 'autostart');
}

/** One argument of a desktop entry's Exec key (quoted per the Desktop Entry Specification). */
export function desktopExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (/^[A-Za-z0-9/._=:,+@%-]+$/.test(escaped)) return escaped;
  // Inside double quotes ", `, $ and \ are escaped with a backslash; the string value then doubles each backslash.
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`.replace(/\\/g, '\\\\');
}

export function desktopEntry(command: string, args: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Passerelle Jump Client',
    'Name[fr]=Client Jump Passerelle',
    'Comment=Keeps this computer reachable for unattended remote support',
    'Comment[fr]=Garde cet ordinateur joignable pour l’assistance à distance sans surveillance',
    `Exec=${[command, ...args].map(desktopExecArg).join(' ')}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Reads an Exec line back into its arguments (the reverse of desktopExecArg; what a session manager does). */
export function parseDesktopExec(exec: string): string[] {
  const value = exec.replace(/\\\\/g, '\\');
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push((m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!).replace(/%%/g, '%'));
  return out;
}

export function windowsRunCommand(command: string, args: string[]): string {
  return [command, ...args].map((a) => (/[\s"]/.test(a) || a === '' ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
}

/** Makes the Jump Client in `installDir` start at the user's log-on; returns where that was written. */
export function installAutostart(installDir: string, run: { command: string; args: string[] }, o: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): Autostart {
  const env = o.env ?? process.env;
  let entry: Autostart;
  if ((o.platform ?? process.platform) === 'win32') {
    execFileSync('reg', ['add', WINDOWS_RUN_KEY, '/v', WINDOWS_RUN_VALUE, '/t', 'REG_SZ', '/d', windowsRunCommand(run.command, run.args), '/f'], { stdio: 'ignore', windowsHide: true });
    entry = { kind: 'windows-run', key: WINDOWS_RUN_KEY, value: WINDOWS_RUN_VALUE };
  } else {
    const dir = autostartDir(env);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, AUTOSTART_DESKTOP);
    writeFileSync(file, desktopEntry(run.command, run.args), { mode: 0o644 });
    entry = { kind: 'xdg', file };
  }
  writeFileSync(join(installDir, AUTOSTART_FILE), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  return entry;
}

/** Removes what installAutostart wrote for this folder, if anything. */
export function removeAutostart(installDir: string): void {
  let entry: Autostart;
  try {
    entry = Autostart.parse(JSON.parse(readFileSync(join(installDir, AUTOSTART_FILE), 'utf8')));
  } catch {
    return;
  }
  if (entry.kind === 'xdg') {
    // Only our own entry's name, whatever the file says.
    if (basename(entry.file) === AUTOSTART_DESKTOP) rmSync(entry.file, { force: true });
    return;
  }
  try {
    execFileSync('reg', ['delete', entry.key, '/v', entry.value, '/f'], { stdio: 'ignore', windowsHide: true });
  } catch {
    // already gone
    return;
  }
}
