// The real customer client's app (CustomerApp with its Elevator and tools) in a process of its
// own, run by the elevation test as an unprivileged Linux user. Orders in ORDERS (JSON); on stdin,
// one JSON command a line ({"answer":bool} for the next consent prompt, {"elevate":password},
// {"cancel":true}, {"revoke":permission}, {"terminal":line} typed into the terminal UI, run on a
// pseudo-terminal stream so readline echoes as on a real one); on stdout, one JSON line per app
// update and {"kind":"terminal","text":…} for what the terminal UI wrote.
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startChatPage } from '../../src/endpoint/customer/chat-page.ts';
import { CustomerApp } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { runTerminalUi } from '../../src/endpoint/customer/terminal-ui.ts';
import { canElevate, Elevator } from '../../src/endpoint/elevation/elevator.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import type { ClientTool, SessionPermission } from '../../src/protocol/sessions.ts';

const o = JSON.parse(process.env.ORDERS!) as { brokerUrl: string; fingerprint: string; repId: number };
const out = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);
const helper = fileURLToPath(new URL('../../src/endpoint/elevation/elevated-helper-entry.ts', import.meta.url));
const elevator = canElevate() ? new Elevator({ helperCommand: [process.execPath, ...process.execArgv, helper], filesRoot: homedir() }) : null;
const session = new CustomerSession({
  brokerUrl: o.brokerUrl,
  pin: o.fingerprint,
  join: { kind: 'rep', rep: String(o.repId) },
  customer: { name: 'Dominique', computerName: 'pc-dominique' },
  capabilities: [...capabilities(), ...(elevator ? (['elevation'] as ClientTool[]) : [])],
});
const app = new CustomerApp(session, false, homedir(), elevator);
const answers: boolean[] = [];
const prompts: string[] = [];
const answerNext = () => {
  while (answers.length > 0 && prompts.length > 0) app.answer(prompts.shift()!, answers.shift()!);
};
app.on('update', (u) => {
  if (u.kind === 'prompt') {
    prompts.push(u.prompt.requestId);
    answerNext();
  }
  if (u.kind === 'elevation' || u.kind === 'prompt' || u.kind === 'error' || u.kind === 'status') out(u);
});
// The terminal UI as on a terminal (isTTY: readline echoes each typed character to its output).
const termIn = Object.assign(new PassThrough(), { isTTY: true });
const termOut = new PassThrough();
termOut.on('data', (d: Buffer) => out({ kind: 'terminal', text: d.toString() }));
runTerminalUi(app, termIn, termOut);
// The chat window's server too: the test types the password where the page's form posts it.
const page = await startChatPage(app, 'en');
session.once('welcome', (w) => out({ kind: 'welcome', lsid: w.lsid, uid: process.getuid?.(), canElevate: elevator !== null, page: page.url }));
session.once('ended', () => setTimeout(() => process.exit(0), 100));
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { answer?: boolean; elevate?: string; cancel?: boolean; revoke?: SessionPermission; end?: boolean; terminal?: string };
  if (cmd.terminal !== undefined) {
    termIn.write(cmd.terminal);
    return;
  }
  if (cmd.answer !== undefined) {
    answers.push(cmd.answer);
    answerNext();
  } else if (cmd.elevate !== undefined) void app.elevate(cmd.elevate).then((r) => out({ kind: 'elevate_result', ...r }));
  else if (cmd.cancel) app.cancelElevation();
  else if (cmd.revoke) app.revoke(cmd.revoke);
  else if (cmd.end) {
    session.end();
  }
});
session.start();
process.on('SIGTERM', () => {
  void elevator?.stop();
  session.close();
  process.exit(0);
});
