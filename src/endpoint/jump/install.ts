// Installing a Jump Client (JMP-2, JMP-6): checks the install directory (must not exist, its
// parent writable), registers with the deployment key, then writes the identity (0600), copies
// the executable and writes its systemd unit. Any failure leaves nothing behind, is written to
// the system log and gives a non-zero exit code.
import { execFileSync } from 'node:child_process';
import { accessSync, appendFileSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RegisterJumpClientResult, type JumpClientInfo, type JumpIdentity } from '../../protocol/jump.ts';
import { copyWithoutTrailer } from '../embedded-config.ts';
import { removeAutostart } from './autostart.ts';
import { writeIdentity } from './identity.ts';
import { writeMsiInstall } from './msi-removal.ts';
import { postJson } from './pinned-https.ts';
import { SERVICE_USER, systemdUnit, unitName } from './systemd-unit.ts';

export class InstallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InstallError';
  }
}

/** Exit codes of the installer, for system management tools. */
export const InstallExit = { ok: 0, usage: 2, installDir: 10, refused: 11, network: 12, failed: 13 } as const;

export function exitCodeOf(err: unknown): number {
  if (!(err instanceof InstallError)) return InstallExit.failed;
  if (err.code.startsWith('install_dir')) return InstallExit.installDir;
  if (err.code === 'network' || err.code === 'certificate_mismatch') return InstallExit.network;
  if (err.code === 'usage') return InstallExit.usage;
  return InstallExit.refused;
}

export interface InstallOptions {
  broker: string;
  pin: string;
  keyInfo: string;
  installDir: string;
  jumpGroup?: string;
  tag?: string;
  comments?: string;
  info: JumpClientInfo;
  machineProof: string;
  /** The executable to copy into the install directory (a single executable), if any. */
  executable?: string;
  mode: 'user' | 'service';
  /** Service mode (JMP-6): the unprivileged system user it runs as, created if missing (default passerelle-jump). */
  serviceUser?: string;
  /** Installed by the MSI: the folder exists already and holds only the MSI's executable (JMP-3). */
  msi?: { executable: string; productCode?: string };
}

export interface Installed {
  identity: JumpIdentity;
  installDir: string;
  executable: string | null;
  unitFile: string;
}

export function checkInstallDir(dir: string): string {
  const full = resolve(dir);
  if (existsSync(full)) throw new InstallError('install_dir_exists', `The install directory ${full} already exists; give a new one`);
  const parent = dirname(full);
  try {
    if (!statSync(parent).isDirectory()) throw new Error('not a directory');
    accessSync(parent, constants.W_OK);
  } catch {
    throw new InstallError('install_dir_not_writable', `Cannot create ${full}: ${parent} is not a writable directory`);
  }
  return full;
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,30}$/;

export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
  /** Made by this install (so a failed install removes it again). */
  created: boolean;
}

function lookUp(name: string): { uid: number; gid: number } | null {
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
    const f = line.split(':');
    return { uid: Number(f[2]), gid: Number(f[3]) };
  } catch {
    return null;
  }
}

/** JMP-6: the unprivileged system account the service runs as: no login shell, no home of its own. */
export function ensureServiceUser(name: string, installDir: string): ServiceAccount {
  if (!USER_NAME.test(name)) throw new InstallError('usage', `Not a system user name: ${name}`);
  const found = lookUp(name);
  if (found) {
    if (found.uid === 0) throw new InstallError('usage', `${name} is root; the service must run unprivileged`);
    return { name, ...found, created: false };
  }
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', installDir, '--shell', '/usr/sbin/nologin', '--comment', 'Passerelle Jump Client', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new InstallError('install_failed', `Could not create the system user ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const made = lookUp(name);
  if (!made) throw new InstallError('install_failed', `The system user ${name} was not created`);
  return { name, ...made, created: true };
}

export function removeServiceUser(name: string): void {
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch {
    // already gone
    return;
  }
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

/** The MSI's folder: it must hold the MSI's executable and nothing else (no earlier install). */
export function checkMsiDir(dir: string, executable: string): string {
  const full = resolve(dir);
  let entries: string[];
  try {
    entries = readdirSync(full);
  } catch {
    throw new InstallError('install_dir_not_writable', `The install directory ${full} is not readable`);
  }
  const other = entries.filter((e) => e.toLowerCase() !== executable.toLowerCase());
  if (!entries.some((e) => e.toLowerCase() === executable.toLowerCase())) throw new InstallError('install_dir_invalid', `${full} does not hold ${executable}`);
  if (other.length > 0) throw new InstallError('install_dir_exists', `The install directory ${full} already holds other files (${other.slice(0, 3).join(', ')}); give a new one`);
  return full;
}

async function register(o: InstallOptions) {
  let res;
  try {
    res = await postJson(`${o.broker}/api/v1/jump/register`, {
      keyInfo: o.keyInfo,
      info: o.info,
      machineProof: o.machineProof,
      ...(o.jumpGroup ? { jumpGroup: o.jumpGroup } : {}),
      ...(o.tag !== undefined ? { tag: o.tag } : {}),
      ...(o.comments !== undefined ? { comments: o.comments } : {}),
    }, o.pin);
  } catch (err) {
    const pin = err instanceof Error && err.name === 'PinMismatchError';
    throw new InstallError(pin ? 'certificate_mismatch' : 'network', `Could not reach ${o.broker}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.status !== 201) {
    const e = (res.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new InstallError(e?.code ?? 'refused', `The site refused the installation: ${e?.message ?? `HTTP ${res.status}`}`);
  }
  return res;
}

export async function installJumpClient(o: InstallOptions): Promise<Installed> {
  if (o.mode === 'service' && process.platform === 'linux' && process.getuid?.() !== 0) {
    throw new InstallError('usage', 'Service mode (--service) installs as root; run it with sudo, or leave --service out for user mode');
  }
  const installDir = o.msi ? checkMsiDir(o.installDir, o.msi.executable) : checkInstallDir(o.installDir);
  // JMP-6: the service's own unprivileged account, made before anything is registered.
  const account = o.mode === 'service' && process.platform === 'linux' && !o.msi ? ensureServiceUser(o.serviceUser ?? SERVICE_USER, installDir) : null;
  let res;
  try {
    res = await register(o);
  } catch (err) {
    if (account?.created) removeServiceUser(account.name);
    throw err;
  }
  const reg = RegisterJumpClientResult.parse(res.body);
  const identity: JumpIdentity = { clientId: reg.clientId, secret: reg.secret, broker: o.broker, pin: o.pin, ...(reg.updateKey ? { updateKey: reg.updateKey } : {}) };
  if (o.msi) {
    // The MSI owns the folder and the executable; a failure here rolls the whole package back.
    try {
      writeIdentity(installDir, identity);
      if (o.msi.productCode) writeMsiInstall(installDir, o.msi.productCode);
    } catch (err) {
      throw new InstallError('install_failed', `Writing the identity into ${installDir} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { identity, installDir, executable: join(installDir, o.msi.executable), unitFile: '' };
  }
  try {
    mkdirSync(installDir, { mode: 0o700 });
    writeIdentity(installDir, identity);
    let executable: string | null = null;
    if (o.executable) {
      executable = join(installDir, process.platform === 'win32' ? 'passerelle-jump.exe' : 'passerelle-jump');
      copyWithoutTrailer(o.executable, executable);
      chmodSync(executable, 0o755);
    }
    const unitFile = join(installDir, unitName(reg.clientId));
    writeFileSync(unitFile, systemdUnit({ installDir, executable: executable ?? 'passerelle-jump', mode: o.mode, clientId: reg.clientId, ...(account ? { user: account.name } : {}) }), { mode: 0o644 });
    // The service reads its identity and replaces its executable (JMP-5): the folder is its own.
    if (account) chownTree(installDir, account.uid, account.gid);
    return { identity, installDir, executable, unitFile };
  } catch (err) {
    rmSync(installDir, { recursive: true, force: true });
    if (account?.created) removeServiceUser(account.name);
    throw new InstallError('install_failed', `Installing into ${installDir} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Install errors also go to the OS event log (syslog/journald on Linux, the Application log on Windows). */
export function eventCreateArgs(message: string): string[] {
  return ['/T', 'ERROR', '/ID', '1000', '/L', 'APPLICATION', '/SO', 'PasserelleJump', '/D', message.replace(/[\r\n]+/g, ' ').slice(0, 1000)];
}

/** Where Windows install errors are also appended when the event log cannot be written (wine has no eventcreate). */
export function windowsErrorLog(env = process.env): string {
  return join(env.ProgramData ?? env.ALLUSERSPROFILE ?? 'C:\\ProgramData', 'Passerelle', 'jump-install-errors.log');
}

export function logInstallError(message: string): void {
  try {
    if (process.platform === 'win32') {
      try {
        execFileSync('eventcreate', eventCreateArgs(message), { stdio: 'ignore', windowsHide: true });
      } catch {
        const file = windowsErrorLog();
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, `${new Date().toISOString()} ${message.replace(/[\r\n]+/g, ' ')}\r\n`);
      }
    } else {
      execFileSync('logger', ['-t', 'passerelle-jump', '-p', 'user.err', '--', message.slice(0, 1000)], { stdio: 'ignore' });
    }
  } catch {
    // No event log reachable (e.g. no syslog in a container): stderr and the exit code remain.
    return;
  }
}

export function uninstallFiles(installDir: string): void {
  removeAutostart(installDir);
  rmSync(installDir, { recursive: true, force: true });
}
