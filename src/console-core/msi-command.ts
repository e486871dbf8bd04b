// The console's MSI mass-deployment command (ACC-2): the four options of the guide and the exact
// `msiexec` line an administrator pastes into their deployment tool.

export interface MsiOptions {
  /** Target folder; empty means the default (Program Files, or the user's programs folder per user). */
  installDir: string;
  runAtStartup: '0' | '1';
  /** '1' installs for every user of the computer; '' for the current user only. */
  allUsers: '' | '1';
  /** Only meaningful for per-user installs; all-users installs never update themselves. */
  shouldAutoUpdate: '0' | '1';
}

export const defaultMsiOptions: MsiOptions = { installDir: '', runAtStartup: '0', allUsers: '1', shouldAutoUpdate: '0' };

export type MsiOptionProblem = 'install_dir_not_absolute' | 'install_dir_bad_characters' | 'auto_update_needs_per_user';

/** Problems with the chosen options; the command is still shown, with the problem explained. */
export function msiOptionProblems(o: MsiOptions): MsiOptionProblem[] {
  const problems: MsiOptionProblem[] = [];
  const dir = o.installDir.trim();
  if (dir) {
    if (!/^(?:[A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)/.test(dir)) problems.push('install_dir_not_absolute');
    if (/["<>|*?\r\n\t]/.test(dir.slice(2))) problems.push('install_dir_bad_characters');
  }
  if (o.shouldAutoUpdate === '1' && o.allUsers === '1') problems.push('auto_update_needs_per_user');
  return problems;
}

/** Windows command-line quoting for a property value: quoted when it has spaces, inner quotes doubled. */
function quoteValue(value: string): string {
  if (value === '') return '""';
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The msiexec line. Every option is written out, defaults included, so the line says exactly what
 * it does; SHOULDAUTOUPDATE is left out of all-users installs, where it has no effect.
 */
export function buildMsiCommand(msiFileName: string, o: MsiOptions): string {
  const parts = ['msiexec', '/i', quoteValue(msiFileName), '/qn'];
  const dir = o.installDir.trim();
  if (dir) parts.push(`INSTALLDIR=${quoteValue(dir)}`);
  parts.push(`RUNATSTARTUP=${o.runAtStartup}`);
  parts.push(`ALLUSERS=${quoteValue(o.allUsers)}`);
  if (o.allUsers === '') parts.push(`SHOULDAUTOUPDATE=${o.shouldAutoUpdate}`);
  return parts.join(' ');
}
