// `passerelle customer` and the single-executable customer client: the customer client in attended
// mode. Joins a support session by key, chosen rep, Connect, or a portal ticket; shows chat and
// consent prompts in a loopback page opened in the browser and on the terminal.
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import type { JoinRequest } from '../../protocol/sessions.ts';
import { startChatPage, openInBrowser } from './chat-page.ts';
import { attachJumpClient } from '../jump/attach.ts';
import { CustomerApp } from './customer-app.ts';
import { CustomerSession } from './customer-session.ts';
import { runTerminalUi } from './terminal-ui.ts';
import { forgetSession, loadSavedSession, saveSession } from './saved-session.ts';
import { customerBundles, customerStrings, localeLang } from './customer-strings.ts';
import { systemInfo } from '../system-info.ts';
import { capabilities } from '../tools/index.ts';
import { canElevate, Elevator } from '../elevation/elevator.ts';
import type { ClientTool } from '../../protocol/sessions.ts';

/** The first argument that makes this program the elevated helper (run by sudo, CON-8). */
export const ELEVATED_HELPER_FLAG = '--elevated-helper';

/** How to start this same program as the elevated helper: the SEA itself, or node with what launched us. */
function helperCommand(argv: string[]): string[] {
  const sea = (process as { getBuiltinModule?: (id: string) => { isSea?: () => boolean } | undefined }).getBuiltinModule?.('node:sea');
  if (sea?.isSea?.()) return [process.execPath, ELEVATED_HELPER_FLAG];
  return [process.execPath, ...process.execArgv, ...process.argv.slice(1, process.argv.length - argv.length), ELEVATED_HELPER_FLAG];
}

export const customerUsage = `Usage: passerelle customer --broker URL (--key KEY | --rep NAME | --connect | --ticket T | --resume LSID:TOKEN)
                           [--pin SHA256] [--yes] [--name NAME] [--no-browser]
  --broker URL     the support site, e.g. https://support.example.com
  --key KEY        the session key your representative read to you
  --rep NAME       start a session with this representative (user name)
  --connect        start a session with the first available representative
  --pin SHA256     the site's certificate fingerprint; the client refuses any other certificate
  --yes            approve the representative's requests without asking, where the site allows it
  --name NAME      your name, shown to the representative
  --no-browser     do not open the chat window in the browser (its address is printed)
On the terminal: type to chat, y/n to answer a request, Esc or /takeback to take control of your
  screen back, /revoke <permission>, /end. When you allow administrator rights, type /elevate
  and then your password (nothing shows; it goes to sudo only), or /cancel to refuse them.`;


/** Options a downloaded single-executable carries, so the customer has nothing to type. */
export interface EmbeddedCustomerConfig {
  broker: string;
  pin?: string;
  ticket?: string;
  /** Downloaded from the web chat (POR-5): the session to continue. */
  resume?: { lsid: string; resumeToken: string };
}

export function parseCustomerArgs(argv: string[], embedded?: EmbeddedCustomerConfig) {
  const { values } = parseArgs({
    args: argv,
    options: {
      broker: { type: 'string' },
      key: { type: 'string' },
      rep: { type: 'string' },
      connect: { type: 'boolean', default: false },
      ticket: { type: 'string' },
      resume: { type: 'string' },
      pin: { type: 'string' },
      yes: { type: 'boolean', default: false },
      name: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const broker = values.broker ?? embedded?.broker;
  const ticket = values.ticket ?? embedded?.ticket;
  const joins: JoinRequest[] = [];
  if (values.key !== undefined) {
    // One clear answer here rather than the broker's validation errors for a key that cannot be one.
    if (!/^[\d\s-]{1,32}$/.test(values.key) || values.key.replace(/\D/g, '').length !== 9) {
      throw new Error(customerStrings().badKey);
    }
    joins.push({ kind: 'key', key: values.key });
  }
  if (values.rep !== undefined) joins.push({ kind: 'rep', rep: values.rep });
  if (values.connect) joins.push({ kind: 'connect' });
  if (ticket !== undefined) joins.push({ kind: 'ticket', ticket });
  // A command-line join replaces the embedded resume (a customer told to use a new key, say).
  if (embedded?.resume && joins.length === 0 && values.resume === undefined) joins.push({ kind: 'resume', ...embedded.resume, lastSeq: 0 });
  if (values.resume !== undefined) {
    const [lsid, resumeToken] = values.resume.split(':');
    if (!lsid || !resumeToken) throw new Error('--resume takes LSID:TOKEN');
    joins.push({ kind: 'resume', lsid, resumeToken, lastSeq: 0 });
  }
  if (!values.help) {
    if (!broker || !/^https?:\/\//.test(broker)) throw new Error('--broker https://… is required');
    if (joins.length !== 1) throw new Error('give exactly one of --key, --rep, --connect, --ticket, --resume');
  }
  return {
    help: values.help,
    broker: broker ?? '',
    join: joins[0]!,
    pin: values.pin ?? embedded?.pin,
    yes: values.yes,
    name: values.name,
    openBrowser: !values['no-browser'],
  };
}

export async function runCustomer(argv: string[], embedded?: EmbeddedCustomerConfig): Promise<void> {
  if (argv[0] === ELEVATED_HELPER_FLAG) {
    const { elevatedHelperMain } = await import('../elevation/elevated-helper-main.ts');
    await elevatedHelperMain(argv.slice(1));
    return;
  }
  const args = parseCustomerArgs(argv, embedded);
  if (args.help) {
    console.log(customerUsage);
    return;
  }
  // A session this client was in when it was killed (not ended): resume it rather than join again,
  // since a portal ticket or key is single use. A resume past the grace period is refused, and forgotten.
  const saved = args.join.kind === 'resume' ? null : loadSavedSession(args.broker);
  const lang = localeLang();
  const words = customerBundles[lang ?? 'en'];
  if (saved) console.log(words.resuming);
  const session = new CustomerSession({
    brokerUrl: args.broker,
    ...(args.pin ? { pin: args.pin } : {}),
    join: saved ? { kind: 'resume', lsid: saved.lsid, resumeToken: saved.resumeToken, lastSeq: 0 } : args.join,
    customer: systemInfo(args.name),
    // The kinds with a tool registered in src/endpoint/tools (screen, files, shell … as they land).
    // Elevation (CON-8) only where this client can do it: Linux, not root already, sudo installed.
    capabilities: [...capabilities(), ...(canElevate() ? (['elevation'] as ClientTool[]) : [])],
  });
  const elevator = canElevate() ? new Elevator({ helperCommand: helperCommand(argv), filesRoot: homedir() }) : null;
  const app = new CustomerApp(session, args.yes, homedir(), elevator);
  // JMP-10: a rep with the right attaches a Jump Client to this computer.
  session.on('jump_attach', ({ keyInfo, jumpGroup }) => {
    console.log(words.jumpInstalling);
    attachJumpClient({ broker: args.broker, pin: args.pin, keyInfo, jumpGroup }).then(
      (a) => {
        console.log(words.jumpInstalled(a.clientId, a.installDir));
        if (a.autostartProblem) console.log(words.jumpNoAutostart(a.autostartProblem));
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        console.log(words.jumpNotInstalled(message));
        session.jumpAttachFailed(message);
      },
    );
  });
  const stopTerminal = runTerminalUi(app, process.stdin, process.stdout, words);
  const page = await startChatPage(app, lang);
  console.log(words.chatWindow(page.url));
  if (args.openBrowser) openInBrowser(page.url);
  let joined = false;
  session.on('welcome', (w) => {
    joined = true;
    saveSession({ broker: args.broker, lsid: w.lsid, resumeToken: w.resumeToken });
  });
  const reason = await new Promise<string>((resolve) => {
    session.once('ended', ({ reason: r }) => resolve(r));
    const stop = () => {
      session.end();
      setTimeout(() => resolve('interrupted'), 1000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    session.start();
  });
  forgetSession();
  stopTerminal();
  await page.close();
  session.close();
  if (!joined || reason === 'certificate_mismatch' || reason === 'connection_lost') process.exitCode = 1;
  process.stdin.unref?.();
}
