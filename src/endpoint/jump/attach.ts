// Attach (JMP-10, USR-12): during an attended session a rep with the right asks the customer
// client to install a Jump Client on this computer. The broker sends a one-install deployment
// key; this registers with it into the user's own folder (user mode: the customer client's
// account, never elevated), writes the identity (0600) and starts the Jump Client in the
// background (`passerelle jump run`, or the single executable's `jump run`), and at each log-on
// after that (autostart.ts: XDG autostart entry, HKCU Run value). Detach is the
// broker's: it removes the client, which then uninstalls itself (jump-runner.ts).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { JumpGroup, KeyInfo } from '../../protocol/jump.ts';
import { installAutostart, type Autostart } from './autostart.ts';
import { machineProof } from './identity.ts';
import { InstallError, installJumpClient } from './install.ts';
import { jumpClientInfo } from './jump-runner.ts';

/** Where an attached Jump Client lives: the user's data folder (XDG on Linux, LOCALAPPDATA on Windows). */
export function attachInstallDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Passerelle Jump');
  return join(env.XDG_DATA_HOME || join(env.HOME ?? homedir(), '.local', 'share'), 'passerelle-jump');
}

/** The command that runs the Jump Client from `installDir` with this same program. */
export function runnerCommand(installDir: string): { command: string; args: string[] } {
  let sea = false;
  try {
    // node:sea exists from Node 20.12; required lazily so older tools still load this file.
    sea = (process.getBuiltinModule?.('node:sea') as { isSea(): boolean } | undefined)?.isSea() ?? false;
  } catch {
    sea = false;
  }
  const tail = ['jump', 'run', '--install-dir', installDir];
  return sea ? { command: process.execPath, args: tail } : { command: process.execPath, args: [...process.execArgv, process.argv[1]!, ...tail] };
}

export interface AttachRequest {
  broker: string;
  pin: string | undefined;
  keyInfo: string;
  jumpGroup: string;
}

export interface Attached {
  clientId: string;
  installDir: string;
  pid: number | undefined;
  /** Where its start at log-on was written (XDG autostart entry, HKCU Run value), or null. */
  autostart: Autostart | null;
  /** Why it could not be made to start at log-on (it still runs now). */
  autostartProblem?: string;
}

export interface AttachOptions {
  installDir?: string;
  /** Start it now (default true). */
  start?: boolean;
  /** The command that runs it (default: this same program's `jump run`). */
  run?: { command: string; args: string[] };
  /** Where XDG_CONFIG_HOME and HOME are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function attachJumpClient(req: AttachRequest, o: AttachOptions = {}): Promise<Attached> {
  if (!req.pin) throw new InstallError('usage', 'This customer client was started without the site\'s certificate pin, which a Jump Client needs');
  const keyInfo = KeyInfo.safeParse(req.keyInfo);
  const jumpGroup = JumpGroup.safeParse(req.jumpGroup);
  if (!keyInfo.success || !jumpGroup.success) throw new InstallError('usage', 'The site sent an unusable deployment key or Jump group');
  const installDir = o.installDir ?? attachInstallDir();
  if (existsSync(installDir)) throw new InstallError('install_dir_exists', `A Jump Client is already installed for this user (${installDir})`);
  mkdirSync(dirname(installDir), { recursive: true });
  const installed = await installJumpClient({
    broker: req.broker.replace(/\/+$/, ''),
    pin: req.pin,
    keyInfo: keyInfo.data,
    installDir,
    jumpGroup: jumpGroup.data,
    info: jumpClientInfo(),
    machineProof: machineProof(),
    mode: 'user',
  });
  const run = o.run ?? runnerCommand(installDir);
  // User mode comes back at the user's next log-on (after a reboot too), with the user's rights only.
  let autostart: Autostart | null = null;
  let autostartProblem: string | undefined;
  try {
    autostart = installAutostart(installDir, run, o.env ? { env: o.env } : {});
  } catch (err) {
    autostartProblem = err instanceof Error ? err.message : String(err);
  }
  let pid: number | undefined;
  if (o.start !== false) {
    const { command, args } = run;
    const out = openSync(join(installDir, 'agent.log'), 'a', 0o600);
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], windowsHide: true });
    closeSync(out);
    child.unref();
    pid = child.pid;
  }
  return { clientId: installed.identity.clientId, installDir, pid, autostart, ...(autostartProblem ? { autostartProblem } : {}) };
}
