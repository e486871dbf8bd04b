// The customer client on its terminal: prints the conversation and prompts, reads lines —
// "y"/"n" answer the oldest prompt, "/end" ends the session, "/revoke <permission>" takes a
// permission back, anything else is a chat line. While a rep views, controls or draws on the
// screen it says so, and the Esc key (or "/takeback") takes control back at once. "/elevate"
// reads the password elevation waits for (CON-8) with the echo off, kept out of the line history
// (an interface of its own, with no history); "/cancel" refuses that elevation.
import { createInterface, emitKeypressEvents } from 'node:readline';
import { Writable } from 'node:stream';
import { SessionPermission, chatLength } from '../../protocol/sessions.ts';
import type { AppUpdate, CustomerApp, LiveState } from './customer-app.ts';
import { customerStrings, endedText, errorText, type CustomerStrings } from './customer-strings.ts';

/** The line the terminal prints when what the reps do with the screen changes. */
export function describeLive(l: LiveState, s: CustomerStrings = customerStrings()): string {
  const who = l.reps.length ? l.reps.join(', ') : s.yourRep;
  const parts: string[] = [];
  if (l.controlled) parts.push(s.controlling(who));
  else if (l.controlGranted) parts.push(s.mayControl(who));
  if (l.viewed) parts.push(s.viewed);
  if (l.annotated) parts.push(s.mayDraw(who));
  if (!parts.length) return s.nobodyLive;
  return `*** ${parts.join(' ')}${l.controlGranted ? ` ${s.takeBackHint}` : ''} ***`;
}

function describe(u: AppUpdate, s: CustomerStrings): string | null {
  if (u.kind === 'status') {
    switch (u.status) {
      case 'joined':
        return s.joined(u.detail ?? '');
      case 'resumed':
        return s.resumed;
      case 'reconnecting':
        return s.reconnecting(u.detail ?? '');
      case 'ended':
        return endedText(u.detail, s);
      default:
        return null;
    }
  }
  if (u.kind === 'error') return `! ${errorText(s, u.code, u.message)} [${u.code}]`;
  if (u.kind === 'recorded') return s.recorded;
  if (u.kind === 'prompt') return s.asks(u.prompt.repName, s.permission[u.prompt.permission]);
  if (u.kind === 'elevation') {
    if (u.state === 'ask') return s.elevationAsk;
    if (u.state === 'elevated') return s.elevated;
    if ((u.state === 'failed' || u.state === 'none') && u.error) return s.elevationFailed(u.message ?? u.error);
    return null;
  }
  if (u.kind !== 'event') return null;
  const { actor, body } = u.event;
  switch (body.kind) {
    case 'chat':
      return `${actor.name}: ${body.text}`;
    case 'rep_joined':
      return s.repJoined(body.name);
    case 'rep_left':
      return s.repLeft(body.name);
    case 'transferred':
      return s.transferred(body.toName);
    case 'requeued':
      return s.requeued;
    case 'permission_granted':
      return s.granted(s.permission[body.permission]);
    case 'permission_denied':
      return s.refused(s.permission[body.permission]);
    case 'permission_revoked':
      return s.revoked(s.permission[body.permission]);
    case 'jump_client_attached':
      return s.jumpAttached(actor.kind === 'rep' ? actor.name : 'Passerelle');
    case 'jump_client_detached':
      return s.jumpDetached(actor.name);
    default:
      return null;
  }
}

export function runTerminalUi(app: CustomerApp, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, s: CustomerStrings = customerStrings()): () => void {
  const print = (line: string) => output.write(`${line}\n`);
  let lastLive = describeLive(app.live, s);
  const onUpdate = (u: AppUpdate) => {
    if (u.kind === 'live') {
      const line = describeLive(u.live, s);
      if (line !== lastLive) print(line);
      lastLive = line;
      return;
    }
    const line = describe(u, s);
    if (line) print(line);
  };
  app.on('update', onUpdate);
  const takeBack = () => {
    print(app.takeBackControl() ? s.tookBack : s.youHaveControl);
  };
  // A real terminal is read key by key (raw mode, readline keeps line editing) so Esc acts at
  // once; a pipe is read by lines, and an Esc byte in it acts the same.
  const tty = (input as NodeJS.ReadStream).isTTY === true;
  // The lines the arrow keys bring back: readline reports its history as it changes, and a new
  // interface starts from it (both public options), so it survives the password entry.
  let kept: string[] = [];
  let rl = openLines();
  function openLines() {
    const lines = createInterface({ input, ...(tty ? { output, terminal: true, history: kept } : { terminal: false }) });
    lines.on('history', (h: string[]) => (kept = [...h]));
    // Ctrl+C in raw mode reaches readline, not the process: pass it on as the signal it was.
    lines.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    lines.on('line', onLine);
    return lines;
  }
  // A password is read on a terminal by an interface of its own that echoes nothing and keeps no
  // history (historySize 0); the chat's interface is opened again after it. A pipe has neither
  // echo nor history: its next line is the password.
  let readingPassword = false;
  const readPassword = () => {
    if (!app.awaitingPassword) return print(s.noElevationWaiting);
    print(s.passwordPrompt);
    if (!tty) {
      readingPassword = true;
      return;
    }
    rl.close();
    const silent = new Writable({ write: (_c, _e, cb) => cb() });
    rl = createInterface({ input, output: silent, terminal: true, historySize: 0 });
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    rl.once('line', (raw) => {
      rl.close();
      rl = openLines();
      passwordLine(raw);
    });
  };
  const passwordLine = (raw: string) => {
    readingPassword = false;
    if (tty) output.write('\n');
    const password = raw.replace(/\r$/, '');
    if (!password) return print(s.passwordCancelled);
    print(s.elevating);
    void app.elevate(password); // the outcome comes as an elevation update
  };
  if (!tty) emitKeypressEvents(input);
  const onKey = (_s: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } | undefined) => {
    if (key?.name === 'escape' && !key.ctrl) takeBack();
  };
  input.on('keypress', onKey);
  function onLine(raw: string) {
    if (readingPassword) return passwordLine(raw);
    const line = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
    if (!line) return;
    if (line === '/takeback') return takeBack();
    if (line === '/elevate') return readPassword();
    if (line === '/cancel') return app.awaitingPassword ? app.cancelElevation() : print(s.noElevationWaiting);
    const prompt = app.oldestPrompt();
    if (prompt && /^(y|yes|o|oui|n|no|non)$/i.test(line)) {
      app.answer(prompt.requestId, /^(y|yes|o|oui)$/i.test(line));
      return;
    }
    if (line === '/end') return app.session.end();
    if (line === '/revoke' || line.startsWith('/revoke ')) {
      const p = SessionPermission.safeParse(line.slice(7).trim());
      if (!p.success) return print(s.revokeUsage(SessionPermission.options.join(', ')));
      app.revoke(p.data);
      return;
    }
    const length = chatLength(line);
    if (length.over) return print(s.tooLong(length.count, length.max));
    app.session.chat(line);
  }
  return () => {
    app.off('update', onUpdate);
    input.off('keypress', onKey);
    rl.close();
  };
}
