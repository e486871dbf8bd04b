// The customer client on its terminal: prints the conversation and prompts, reads lines —
// "y"/"n" answer the oldest prompt, "/end" ends the session, "/revoke <permission>" takes a
// permission back, anything else is a chat line.
import { createInterface } from 'node:readline';
import { SessionPermission, chatLength } from '../../protocol/sessions.ts';
import { permissionLabels, type AppUpdate, type CustomerApp } from './customer-app.ts';

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
        return `Session ended (${u.detail}).`;
      default:
        return null;
    }
  }
  if (u.kind === 'error') return `! ${u.message} [${u.code}]`;
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
  const onUpdate = (u: AppUpdate) => {
    const line = describe(u);
    if (line) print(line);
  };
  app.on('update', onUpdate);
  const rl = createInterface({ input, terminal: false });
  rl.on('line', (raw) => {
    const line = raw.trim();
    if (!line) return;
    const prompt = app.oldestPrompt();
    if (prompt && /^(y|yes|o|oui|n|no|non)$/i.test(line)) {
      app.answer(prompt.requestId, /^(y|yes|o|oui)$/i.test(line));
      return;
    }
    if (line === '/end') return app.session.end();
    if (line === '/revoke' || line.startsWith('/revoke ')) {
      const p = SessionPermission.safeParse(line.slice(7).trim());
      if (!p.success) return print(`! Usage: /revoke PERMISSION, one of ${SessionPermission.options.join(', ')}`);
      app.session.revoke(p.data);
      return;
    }
    const length = chatLength(line);
    if (length.over) return print(`! Not sent: ${length.count} characters; a message may have at most ${length.max}. Shorten it, or send it in several lines.`);
    app.session.chat(line);
  });
  return () => {
    app.off('update', onUpdate);
    rl.close();
  };
}
