// How this console was installed, as the MSI recorded it under Software\Passerelle\Console
// (HKLM for all-users installs, HKCU per user), read at start: login item and updater follow it.
import type { InstallerKind } from '../protocol/downloads.ts';

export interface InstallSettings {
  kind: InstallerKind | 'unknown';
  allUsers: boolean;
  runAtStartup: boolean;
  shouldAutoUpdate: boolean;
  installDir: string | null;
  /** Where the values came from, e.g. HKLM\Software\Passerelle\Console. */
  source: string | null;
}

export const unknownInstall: InstallSettings = { kind: 'unknown', allUsers: false, runAtStartup: false, shouldAutoUpdate: false, installDir: null, source: null };

/** Values of one key from `reg query <key>` output (REG_SZ and REG_DWORD). */
export function parseRegQuery(output: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s{2,}(\S(?:.*?\S)?)\s{2,}(REG_SZ|REG_EXPAND_SZ|REG_DWORD)\s{2,}(.*?)\s*$/.exec(line)
      ?? /^\s{2,}(\S(?:.*?\S)?)\s{2,}(REG_SZ|REG_EXPAND_SZ)\s*$/.exec(line);
    if (!m) continue;
    const [, name, type, raw = ''] = m;
    values.set(name!, type === 'REG_DWORD' ? String(Number.parseInt(raw, 16)) : raw);
  }
  return values;
}

/** Interprets the recorded MSI properties. Anything but "1" is off: the guide's defaults are 0. */
export function installSettingsFrom(values: Map<string, string>, source: string): InstallSettings {
  if (values.get('InstallKind') !== 'msi') return { ...unknownInstall, source };
  const allUsers = values.get('AllUsers') === '1';
  return {
    kind: 'msi',
    allUsers,
    runAtStartup: values.get('RunAtStartup') === '1',
    // The MSI already forces 0 for all-users installs; enforced again here in case the key was edited.
    shouldAutoUpdate: !allUsers && values.get('ShouldAutoUpdate') === '1',
    installDir: values.get('InstallDir') || null,
    source,
  };
}

/**
 * Picks the record of the install the running executable belongs to: the key whose InstallDir
 * holds it, else HKLM, else HKCU (both exist when a user installed per user on a shared machine).
 */
export function pickInstall(candidates: InstallSettings[], exePath: string): InstallSettings {
  const exe = exePath.toLowerCase();
  const msi = candidates.filter((c) => c.kind === 'msi');
  return msi.find((c) => c.installDir && exe.startsWith(c.installDir.toLowerCase())) ?? msi[0] ?? unknownInstall;
}
