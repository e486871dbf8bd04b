// The Jump Client MSI for this site (JMP-3): a copy of the built package with the site's address
// and certificate pin written into its Property table with msitools' `msibuild`, made once per
// site address and package and kept in the temp folder. KEY_INFO stays on the msiexec command line.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JUMP_MSI_PIN_PROPERTY, JUMP_MSI_SITE_PROPERTY } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';

const SITE = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const PIN = /^[0-9A-Fa-f:]{64,95}$/;

/** Writes a copy of `msi` to `outFile` with `site` and `pin` in its Property table. */
export function personaliseJumpMsi(msi: string, outFile: string, site: string, pin: string): void {
  // Both go into SQL: only the shapes checked here can reach it.
  if (!SITE.test(site)) throw new PasserelleError('bad_request', `Not a site address: ${site}`);
  if (!PIN.test(pin)) throw new PasserelleError('internal', 'Not a certificate fingerprint');
  const tmp = `${outFile}.${process.pid}.tmp`;
  copyFileSync(msi, tmp);
  for (const [prop, value] of [[JUMP_MSI_SITE_PROPERTY, site], [JUMP_MSI_PIN_PROPERTY, pin]] as const) {
    execFileSync('msibuild', [tmp, '-q', `UPDATE Property SET Value='${value}' WHERE Property='${prop}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  renameSync(tmp, outFile);
}

/** The MSI for this site, made on first use (cached by site, pin, package size and date). */
export function siteJumpMsi(msi: string, site: string, pin: string, cacheDir = join(tmpdir(), 'passerelle-jump-msi')): string {
  const st = statSync(msi);
  const key = createHash('sha256').update(`${site}\n${pin}\n${st.size}\n${st.mtimeMs}`).digest('hex').slice(0, 32);
  const out = join(cacheDir, `${key}.msi`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  try {
    personaliseJumpMsi(msi, out, site, pin);
  } catch (err) {
    if (err instanceof PasserelleError) throw err;
    throw new PasserelleError('internal', `The MSI could not be prepared for this site (the server needs msitools' msibuild): ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}
