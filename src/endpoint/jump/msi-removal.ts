// An MSI-installed Jump Client removed from the site's list (JMP-3): the package must go as it
// came, through Windows Installer, so its files, its HKLM settings and its Run entry all go and
// Windows no longer lists it. `msi-install` keeps the package's product code in msi.json; on the
// site's `uninstall` the agent starts `msiexec /x <product code> /qn` detached and stops (the
// package's own uninstall action then removes what the agent wrote, then the MSI its files).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const MSI_FILE = 'msi.json';

export const MsiProductCode = z.string().regex(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i, 'a product code such as {12345678-9ABC-DEF0-1234-56789ABCDEF0}');
const MsiInstall = z.object({ productCode: MsiProductCode }).strict();

export function writeMsiInstall(installDir: string, productCode: string): void {
  writeFileSync(join(installDir, MSI_FILE), `${JSON.stringify(MsiInstall.parse({ productCode }))}\n`, { mode: 0o600 });
}

/** The product code of the MSI that installed this folder, or null (not an MSI install, or unreadable). */
export function readMsiInstall(installDir: string): string | null {
  try {
    return MsiInstall.parse(JSON.parse(readFileSync(join(installDir, MSI_FILE), 'utf8'))).productCode;
  } catch {
    return null;
  }
}

/** Where msiexec's verbose log of the removal goes (outside the folder it removes). */
export function msiRemovalLog(env = process.env): string {
  return join(env.ProgramData ?? env.ALLUSERSPROFILE ?? 'C:\\ProgramData', 'Passerelle', 'jump-uninstall.log');
}

export function msiexecRemovalArgs(productCode: string, log: string): string[] {
  return ['/x', MsiProductCode.parse(productCode), '/qn', '/norestart', '/l*v', log];
}

export function msiexecPath(env = process.env): string {
  return join(env.SystemRoot ?? env.windir ?? 'C:\\Windows', 'System32', 'msiexec.exe');
}

/** Starts the package's removal, detached: it outlives this agent, which stops right after. */
export function startMsiRemoval(productCode: string, onError: (err: Error) => void, env = process.env): { log: string } {
  const log = msiRemovalLog(env);
  try {
    mkdirSync(dirname(log), { recursive: true });
  } catch {
    // msiexec reports a log it cannot write in its exit code; the removal still runs
  }
  const child = spawn(msiexecPath(env), msiexecRemovalArgs(productCode, log), { detached: true, stdio: 'ignore', windowsHide: true });
  child.on('error', onError);
  child.unref();
  return { log };
}
