// USR-13 in a jump session: when the rep's unattended prompt setting says so, the broker asks the
// remote user, and this is how a Jump Client asks. On X11 a small dialog (xmessage) on the user's
// display, Allow or Deny, denied after a minute without an answer; with no display there is nobody
// to ask, and the request is denied. On Windows a Yes/No box (WScript.Shell's Popup through
// PowerShell, with its own timeout); not run here: wine has no PowerShell, so only its command is
// tested. A service in session 0 has no desktop to show it on: there the answer is "denied".
import { spawn } from 'node:child_process';
import type { Prompt } from '../customer/customer-app.ts';
import { permissionLabels } from '../customer/customer-app.ts';

/** Asks the remote user; `signal` aborts when the request was answered otherwise (policy, another face). */
export type Prompter = (prompt: Prompt, signal: AbortSignal) => Promise<boolean>;

export const PROMPT_TITLE = 'Passerelle remote support';
const ALLOW = 10;
const DENY = 11;

export function promptText(p: Prompt): string {
  const l = permissionLabels[p.permission];
  return `${p.repName} asks to ${l.en}.\n${p.repName} demande à ${l.fr}.`;
}

/** The X11 dialog on `display`; xmessage's timeout exits 0, which is neither button: denied. */
export function xmessagePrompter(display: string | undefined, timeoutSeconds = 60, log: (line: string) => void = () => undefined): Prompter {
  return (p, signal) =>
    new Promise((resolve) => {
      if (!display) {
        log(`no display to ask the user; ${p.permission} denied`);
        resolve(false);
        return;
      }
      const child = spawn(
        'xmessage',
        ['-center', '-title', PROMPT_TITLE, '-buttons', `Allow / Autoriser:${ALLOW},Deny / Refuser:${DENY}`, '-default', 'Allow / Autoriser', '-timeout', String(timeoutSeconds), promptText(p)],
        { env: { ...process.env, DISPLAY: display }, stdio: 'ignore', signal },
      );
      child.once('error', (err) => {
        if (signal.aborted) return resolve(false);
        log(`cannot show the consent dialog (${err.message}); ${p.permission} denied`);
        resolve(false);
      });
      child.once('exit', (code) => resolve(code === ALLOW));
    });
}

/** PowerShell that shows the Windows Yes/No box and exits with its answer (6 Yes, 7 No, -1 timed out). */
export function windowsPopupScript(p: Prompt, timeoutSeconds: number): string {
  const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
  // 4 Yes/No + 32 question icon + 4096 system modal (on top).
  return `$r = (New-Object -ComObject WScript.Shell).Popup(${q(promptText(p))}, ${Math.max(1, Math.floor(timeoutSeconds))}, ${q(PROMPT_TITLE)}, 4132); exit $r`;
}

export const WINDOWS_YES = 6;

export function windowsPrompter(timeoutSeconds = 60, log: (line: string) => void = () => undefined): Prompter {
  return (p, signal) =>
    new Promise((resolve) => {
      const child = spawn('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', windowsPopupScript(p, timeoutSeconds)], { stdio: 'ignore', signal, windowsHide: false });
      child.once('error', (err) => {
        if (signal.aborted) return resolve(false);
        log(`cannot show the consent dialog (${err.message}); ${p.permission} denied`);
        resolve(false);
      });
      child.once('exit', (code) => resolve(code === WINDOWS_YES));
    });
}
