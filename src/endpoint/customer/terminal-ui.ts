// The customer client on its terminal: prints the conversation and prompts, reads lines —
// "y"/"n" answer the oldest prompt, "/end" ends the session, "/revoke <permission>" takes a
// permission back, anything else is a chat line. While a rep views, controls or draws on the
// screen it says so, and the Esc key (or "/takeback") takes control back at once.
import { createInterface, emitKeypressEvents } from 'node:readline';
import { SessionPermission, chatLength } from '../../protocol/sessions.ts';
import { permissionLabels, type AppUpdate, type CustomerApp, type LiveState } from './customer-app.ts';

/** The line the terminal prints when what the reps do with the screen changes. */
export function describeLive(l: LiveState): string {
  const who = l.reps.length ? l.reps.join(', ') : 'Your support representative';
  const parts: string[] = [];
  if (l.controlled) parts.push(`${who} is controlling your mouse and keyboard.`);
  else if (l.controlGranted) parts.push(`${who} may control your mouse and keyboard.`);
  if (l.viewed) parts.push('Your screen is being viewed.');
  if (l.annotated) parts.push(`${who} may draw on your screen.`);
  if (!parts.length) return '*** Nobody is viewing or controlling your screen. ***';
  return `*** ${parts.join(' ')}${l.controlGranted ? ' Press Esc (or type /takeback) to take control back.' : ''} ***`;
}

const endReasons: Record<string, string> = {
  ended_by_rep: 'The representative ended the session.',
  ended_by_customer: 'You ended the session.',
  certificate_mismatch: 'Not connected: the site is not the one this client was given.',
  certificate_untrusted: 'Not connected: the site\'s certificate could not be checked.',
  could_not_join: 'Could not join the session.',
  connection_lost: 'The connection to the support site was lost.',
  closed: 'The support site closed the connection.',
  interrupted: 'The session was interrupted.',
};

/** What the customer reads when the session ends: words, never the broker's reason code. */
export function endedText(reason: string | undefined): string {
  return `Session ended. ${endReasons[reason ?? ''] ?? ''}`.trim();
}

function describe(u: AppUpdate): string | null {
  if (u.kind === 'status') {
    switch (u.status) {
      case 'joined':
        return `Connected (session ${u.detail}). Waiting for a support representative…`;
      case 'resumed':
        return 'Connection restored.';
      case 'reconnecting':
        return `Connection lost; reconnecting (attempt ${u.detail})…`;
      case 'ended':
        return endedText(u.detail);
      default:
        return null;
    }
  }
  if (u.kind === 'error') return `! ${u.message} [${u.code}]`;
  if (u.kind === 'recorded') return '*** This session is recorded (screen, control and chat). ***';
  if (u.kind === 'prompt') {
    return `? ${u.prompt.repName} asks to ${permissionLabels[u.prompt.permission].en}. Allow? [y/n]`;
  }
  if (u.kind !== 'event') return null;
  const { actor, body } = u.event;
  switch (body.kind) {
    case 'chat':
      return `${actor.name}: ${body.text}`;
    case 'rep_joined':
      return `* ${body.name} joined the session.`;
    case 'rep_left':
      return `* ${body.name} left the session.`;
    case 'transferred':
      return `* Your session is being transferred to ${body.toName}.`;
    case 'requeued':
      return '* That representative is not available; any representative can now take your session.';
    case 'permission_granted':
      return `* Granted: ${permissionLabels[body.permission].en}.`;
    case 'permission_denied':
      return `* Refused: ${permissionLabels[body.permission].en}.`;
    case 'permission_revoked':
      return `* Revoked: ${permissionLabels[body.permission].en}.`;
    default:
      return null;
  }
}

export function runTerminalUi(app: CustomerApp, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): () => void {
  const print = (line: string) => output.write(`${line}\n`);
  let lastLive = describeLive(app.live);
  const onUpdate = (u: AppUpdate) => {
    if (u.kind === 'live') {
      const line = describeLive(u.live);
      if (line !== lastLive) print(line);
      lastLive = line;
      return;
    }
    const line = describe(u);
    if (line) print(line);
  };
  app.on('update', onUpdate);
  const takeBack = () => {
    if (!app.takeBackControl()) print('* You have control: nobody else may use your mouse and keyboard.');
    else print('* You took control back.');
  };
  // A real terminal is read key by key (raw mode, readline keeps line editing) so Esc acts at
  // once; a pipe is read by lines, and an Esc byte in it acts the same.
  const tty = (input as NodeJS.ReadStream).isTTY === true;
  const rl = createInterface({ input, ...(tty ? { output, terminal: true } : { terminal: false }) });
  if (!tty) emitKeypressEvents(input);
  const onKey = (_s: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } | undefined) => {
    if (key?.name === 'escape' && !key.ctrl) takeBack();
  };
  input.on('keypress', onKey);
  // Ctrl+C in raw mode reaches readline, not the process: pass it on as the signal it was.
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  rl.on('line', (raw) => {
    const line = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
    if (!line) return;
    if (line === '/takeback') return takeBack();
    const prompt = app.oldestPrompt();
    if (prompt && /^(y|yes|o|oui|n|no|non)$/i.test(line)) {
      app.answer(prompt.requestId, /^(y|yes|o|oui)$/i.test(line));
      return;
    }
    if (line === '/end') return app.session.end();
    if (line === '/revoke' || line.startsWith('/revoke ')) {
      const p = SessionPermission.safeParse(line.slice(7).trim());
      if (!p.success) return print(`! Usage: /revoke PERMISSION, one of ${SessionPermission.options.join(', ')}`);
      app.revoke(p.data);
      return;
    }
    const length = chatLength(line);
    if (length.over) return print(`! Not sent: ${length.count} characters; a message may have at most ${length.max}. Shorten it, or send it in several lines.`);
    app.session.chat(line);
  });
  return () => {
    app.off('update', onUpdate);
    input.off('keypress', onKey);
    rl.close();
  };
}
