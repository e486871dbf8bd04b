// Attach (JMP-10, USR-12): during an attended session a rep with the right asks the customer
// client to install a Jump Client on this computer. The broker sends a one-install deployment
// key; this registers with it into the user's own folder (user mode: the customer client's
// account, never elevated), writes the identity (0600) and starts the Jump Client in the
// background (`passerelle jump run`, or the single executable's `jump run`). Detach is the
// broker's: it removes the client, which then uninstalls itself (jump-runner.ts).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { JumpGroup, KeyInfo } from '../../protocol/jump.ts';
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
}

export async function attachJumpClient(req: AttachRequest, o: { installDir?: string; start?: boolean } = {}): Promise<Attached> {
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
  let pid: number | undefined;
  if (o.start !== false) {
    const { command, args } = runnerCommand(installDir);
    const out = openSync(join(installDir, 'agent.log'), 'a', 0o600);
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], windowsHide: true });
    closeSync(out);
    child.unref();
    pid = child.pid;
  }
  return { clientId: installed.identity.clientId, installDir, pid };
}
