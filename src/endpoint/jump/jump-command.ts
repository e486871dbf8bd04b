// `passerelle jump`: the Jump Client. `install` registers with a deployment key and writes the
// identity into a new install directory; `run` keeps the persistent connection from it;
// `uninstall` removes it. The single executable (endpoint/jump-main.ts) runs the same code.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { JumpComments, JumpGroup, JumpTag, KeyInfo } from '../../protocol/jump.ts';
import { machineProof } from './identity.ts';
import { InstallError, InstallExit, exitCodeOf, installJumpClient, logInstallError, uninstallFiles } from './install.ts';
import { JumpRunner, jumpClientInfo } from './jump-runner.ts';
import { MsiProductCode } from './msi-removal.ts';

export const jumpUsage = `Usage: passerelle jump <install|run|uninstall> [options]
  install --broker URL --pin SHA256 --key KEY_INFO --install-dir DIR
          [--jc-jump-group user:NAME] [--jc-tag TAG] [--jc-comments TEXT] [--service]
      registers this computer with the site and installs the Jump Client into DIR, which must not
      exist yet (its parent must be writable). --service (Linux, as root): a system service that
      runs unprivileged as the system user passerelle-jump (--service-user NAME), created if
      missing, who owns DIR; otherwise user mode, which cannot be elevated.
  run --install-dir DIR        keep the Jump Client connected (what its service runs)
  uninstall --install-dir DIR  remove it from this computer`;

export interface EmbeddedJumpConfig {
  broker: string;
  pin?: string;
  keyInfo?: string;
}

const options = {
  broker: { type: 'string' },
  pin: { type: 'string' },
  key: { type: 'string' },
  'install-dir': { type: 'string' },
  'jc-jump-group': { type: 'string' },
  'jc-tag': { type: 'string' },
  'jc-comments': { type: 'string' },
  service: { type: 'boolean', default: false },
  'service-user': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: string | undefined, flag: string): T | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw new InstallError('usage', `${flag}: ${r.error.issues[0]?.message ?? 'invalid value'}`);
  return r.data;
}

export async function runJumpInstall(argv: string[], embedded?: EmbeddedJumpConfig, executable?: string): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true });
    if (values.help) {
      console.log(jumpUsage);
      return 0;
    }
    const broker = values.broker ?? embedded?.broker;
    const pin = values.pin ?? embedded?.pin;
    const keyInfo = check(KeyInfo, values.key ?? embedded?.keyInfo, '--key');
    const installDir = values['install-dir'];
    if (!broker || !/^https:\/\/[^\s/]+$/.test(broker)) throw new InstallError('usage', '--broker https://… is required');
    if (!pin) throw new InstallError('usage', '--pin SHA256 (the site\'s certificate fingerprint) is required');
    if (!keyInfo) throw new InstallError('usage', '--key KEY_INFO is required');
    if (!installDir) throw new InstallError('usage', '--install-dir DIR is required');
    const installed = await installJumpClient({
      broker,
      pin,
      keyInfo,
      installDir,
      ...(values['jc-jump-group'] !== undefined ? { jumpGroup: check(JumpGroup, values['jc-jump-group'], '--jc-jump-group') } : {}),
      ...(values['jc-tag'] !== undefined ? { tag: check(JumpTag, values['jc-tag'], '--jc-tag') } : {}),
      ...(values['jc-comments'] !== undefined ? { comments: check(JumpComments, values['jc-comments'], '--jc-comments') } : {}),
      info: jumpClientInfo(),
      machineProof: machineProof(),
      ...(executable ? { executable } : {}),
      mode: values.service ? 'service' : 'user',
      ...(values['service-user'] ? { serviceUser: values['service-user'] } : {}),
    });
    console.log(`Jump Client ${installed.identity.clientId} installed in ${installed.installDir}`);
    return InstallExit.ok;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`passerelle-jump: ${message}`);
    logInstallError(`Passerelle Jump Client installation failed: ${message}`);
    return err instanceof TypeError && /option|argument/i.test(message) ? InstallExit.usage : exitCodeOf(err);
  }
}

const msiOptions = {
  'install-dir': { type: 'string' },
  broker: { type: 'string' },
  pin: { type: 'string' },
  key: { type: 'string' },
  'jc-jump-group': { type: 'string' },
  'jc-tag': { type: 'string' },
  'jc-comments': { type: 'string' },
  'product-code': { type: 'string' },
} as const;

/**
 * `msi-install`: the MSI's deferred action, run from the folder the MSI just filled (JMP-3). The
 * MSI passes every property, empty when not given (`--jc-tag=`): empty means "not given". A
 * non-zero exit rolls the package back.
 */
export async function runJumpMsiInstall(argv: string[], executable: string): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options: msiOptions, strict: true });
    const given = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
    const rest: string[] = [];
    for (const flag of ['jc-jump-group', 'jc-tag', 'jc-comments'] as const) {
      const v = given(values[flag]);
      if (v !== undefined) rest.push(`--${flag}`, v);
    }
    const installDir = given(values['install-dir']);
    if (!installDir) throw new InstallError('usage', '--install-dir DIR is required');
    const broker = given(values.broker);
    const pin = given(values.pin);
    if (!broker || !/^https:\/\/[^\s/]+$/.test(broker)) throw new InstallError('usage', 'The package carries no site address (PASSERELLE_SITE)');
    if (!pin) throw new InstallError('usage', 'The package carries no certificate pin (PASSERELLE_PIN)');
    const keyInfo = check(KeyInfo, given(values.key), 'KEY_INFO');
    if (!keyInfo) throw new InstallError('usage', 'KEY_INFO is required');
    const productCode = check(MsiProductCode, given(values['product-code']), 'ProductCode');
    const { values: jc } = parseArgs({ args: rest, options, strict: true });
    const installed = await installJumpClient({
      broker,
      pin,
      keyInfo,
      installDir: installDir.replace(/[\\/]\.$/, ''),
      ...(jc['jc-jump-group'] !== undefined ? { jumpGroup: check(JumpGroup, jc['jc-jump-group'], 'jc_jump_group') } : {}),
      ...(jc['jc-tag'] !== undefined ? { tag: check(JumpTag, jc['jc-tag'], 'jc_tag') } : {}),
      ...(jc['jc-comments'] !== undefined ? { comments: check(JumpComments, jc['jc-comments'], 'jc_comments') } : {}),
      info: jumpClientInfo(),
      machineProof: machineProof(),
      mode: 'service',
      msi: { executable: basename(executable), ...(productCode ? { productCode } : {}) },
    });
    console.log(`Jump Client ${installed.identity.clientId} installed in ${installed.installDir}`);
    return InstallExit.ok;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`passerelle-jump: ${message}`);
    logInstallError(`Passerelle Jump Client installation (MSI) failed: ${message}`);
    return err instanceof TypeError && /option|argument/i.test(message) ? InstallExit.usage : exitCodeOf(err);
  }
}

export const PID_FILE = 'agent.pid';

/**
 * `msi-uninstall`: before the MSI removes its files, stop the running agent and remove what it
 * wrote (identity, pid file, downloaded updates); the MSI's own files are left to the MSI.
 */
export function runJumpMsiUninstall(installDir: string, executable: string): number {
  const dir = installDir.replace(/[\\/]\.$/, '');
  stopRunningAgent(dir);
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.toLowerCase() === basename(executable).toLowerCase()) continue;
    rmSync(join(dir, e), { recursive: true, force: true });
  }
  return 0;
}

/** Stops the agent started from `installDir` (its pid file), if it runs. */
export function stopRunningAgent(installDir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(join(installDir, PID_FILE), 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid);
  } catch {
    // already gone
    return;
  }
}

/** Runs until stopped or uninstalled; resolves with the exit code (3 once uninstalled). */
export function runJumpClient(installDir: string): Promise<number> {
  const dir = installDir.replace(/[\\/]\.$/, '');
  const runner = new JumpRunner({ installDir: dir });
  const pidFile = join(dir, PID_FILE);
  try {
    writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  } catch {
    // a read-only folder: nothing to stop it by at uninstall, it still runs
  }
  return new Promise((resolve) => {
    runner.once('uninstalled', () => {
      // An MSI install is removed by msiexec, which must not find a stale pid to stop.
      rmSync(pidFile, { force: true });
      resolve(3);
    });
    runner.once('updated', () => resolve(0));
    runner.once('refused', () => resolve(4));
    const stop = () => {
      runner.stop();
      rmSync(pidFile, { force: true });
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    runner.start();
  });
}

export async function runJump(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'install') {
    process.exitCode = await runJumpInstall(rest);
    return;
  }
  if (sub === 'run' || sub === 'uninstall') {
    const { values } = parseArgs({ args: rest, options: { 'install-dir': { type: 'string' } }, strict: true });
    const dir = values['install-dir'];
    if (!dir) throw new Error('--install-dir DIR is required');
    if (sub === 'uninstall') {
      uninstallFiles(dir);
      console.log(`Jump Client removed from ${dir}`);
      return;
    }
    process.exitCode = await runJumpClient(dir);
    return;
  }
  console.log(jumpUsage);
  if (sub !== undefined && sub !== 'help' && sub !== '--help') process.exitCode = 2;
}
