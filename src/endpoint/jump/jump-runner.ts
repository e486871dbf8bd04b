// A Jump Client running from its install directory: the persistent connection (jump-agent.ts),
// and for each jump a support session joined with the broker's one-time ticket, through the same
// customer-side session and tools as the customer client (CustomerApp, src/endpoint/tools), so a
// jump session is a session like any other: chat, consent, screen, files, shell, the record.
// Removal from the list uninstalls it.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { JumpClientInfo, JumpIdentity } from '../../protocol/jump.ts';
import { CustomerApp } from '../customer/customer-app.ts';
import { CustomerSession } from '../customer/customer-session.ts';
import { capabilities } from '../tools/index.ts';
import { systemInfo } from '../system-info.ts';
import { JumpAgent, type Backoff } from './jump-agent.ts';
import { windowsPrompter, xmessagePrompter, type Prompter } from './consent-prompt.ts';
import { machineProof as defaultProof, readIdentity } from './identity.ts';
import { uninstallFiles } from './install.ts';
import { readMsiInstall, startMsiRemoval } from './msi-removal.ts';
import { applyUpdate, removePrevious, restartInto, type UpdateOffer } from './self-update.ts';

/** The version this agent reports; the single executable's is fixed at build (scripts/build-jump-sea.mjs). */
export const JUMP_CLIENT_VERSION = process.env.PASSERELLE_JUMP_VERSION ?? '0.1.0';

export function jumpClientInfo(version = JUMP_CLIENT_VERSION): JumpClientInfo {
  const s = systemInfo();
  return {
    hostName: (s.computerName ?? hostname()).slice(0, 255),
    os: s.os ?? process.platform,
    userName: s.userName ?? '',
    privateIp: s.privateIp ?? '',
    version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export interface JumpRunnerOptions {
  installDir: string;
  identity?: JumpIdentity;
  info?: JumpClientInfo;
  machineProof?: string;
  backoff?: Backoff;
  log?: (line: string) => void;
  /** Asks the remote user when the rep's unattended prompt setting requires it (default: an X11 dialog). */
  prompter?: Prompter;
}

export interface JumpRunnerEvents {
  session: [CustomerSession, CustomerApp];
  uninstalled: [];
  /** JMP-5: the new version is in place and started; this one has stopped. */
  updated: [string];
  refused: [{ code: string; message: string }];
}

export class JumpRunner extends EventEmitter<JumpRunnerEvents> {
  readonly agent: JumpAgent;
  readonly sessions = new Map<string, CustomerApp>();
  private readonly identity: JumpIdentity;
  private readonly info: JumpClientInfo;
  private readonly log: (line: string) => void;
  private readonly prompter: Prompter;

  constructor(private readonly o: JumpRunnerOptions) {
    super();
    this.identity = o.identity ?? readIdentity(o.installDir);
    this.info = o.info ?? jumpClientInfo();
    this.log = o.log ?? ((line) => console.error(`passerelle-jump: ${line}`));
    this.prompter = o.prompter ?? (process.platform === 'win32' ? windowsPrompter(60, this.log) : xmessagePrompter(process.env.DISPLAY, 60, this.log));
    this.agent = new JumpAgent({ identity: this.identity, info: this.info, machineProof: o.machineProof ?? defaultProof(), ...(o.backoff ? { backoff: o.backoff } : {}) });
    this.agent.on('online', () => this.log(`online at ${this.identity.broker} as ${this.identity.clientId}`));
    this.agent.on('offline', ({ code, reason, retryInMs }) => this.log(`offline (${code}${reason ? ` ${reason}` : ''})${retryInMs !== null ? `, retrying in ${Math.round(retryInMs / 100) / 10} s` : ''}`));
    this.agent.on('refused', (e) => {
      this.log(`refused by the site: ${e.message}`);
      this.emit('refused', e);
    });
    this.agent.on('problem', (e) => this.log(`${e.code}: ${e.message}`));
    this.agent.on('jump', (m) => this.startSession(m.lsid, m.ticket, m.repName));
    this.agent.on('uninstall', ({ reason }) => this.uninstall(reason));
    this.agent.on('update', (offer) => this.update(offer));
  }

  start(): void {
    removePrevious(this.o.installDir);
    this.agent.start();
  }

  private updating = false;

  /** JMP-5: apply an offered version; on failure keep running this one and tell the site why. */
  private update(offer: UpdateOffer): void {
    if (this.updating || this.sessions.size > 0) {
      if (!this.updating) this.log(`update to ${offer.version} offered during a session; it will be taken at the next connection`);
      return;
    }
    this.updating = true;
    this.log(`updating from ${this.info.version} to ${offer.version}`);
    applyUpdate(offer, this.identity, this.o.installDir).then(
      (swapped) => {
        this.log(`updated to ${offer.version}; restarting`);
        restartInto(swapped.executable, this.o.installDir);
        this.stop();
        this.emit('updated', offer.version);
      },
      (err: unknown) => {
        this.updating = false;
        const reason = err instanceof Error ? err.message : String(err);
        this.log(`update to ${offer.version} failed, staying on ${this.info.version}: ${reason}`);
        this.agent.send({ type: 'update.failed', version: offer.version, reason: reason.slice(0, 300) });
      },
    );
  }

  stop(): void {
    this.agent.stop();
    for (const app of this.sessions.values()) app.session.close();
  }

  private startSession(lsid: string, ticket: string, repName: string): void {
    this.log(`${repName} started session ${lsid}`);
    const session = new CustomerSession({
      brokerUrl: this.identity.broker,
      pin: this.identity.pin,
      join: { kind: 'ticket', ticket },
      customer: { ...systemInfo(), computerName: this.info.hostName },
      // The same tools as the customer client: the rep's screen, control, files and shell channels.
      capabilities: capabilities(),
    });
    const app = new CustomerApp(session, false);
    this.sessions.set(lsid, app);
    const asking = new Map<string, AbortController>();
    app.on('update', (u) => {
      if (u.kind === 'prompt') {
        // USR-13: the rep's unattended prompt setting asked for the remote user's consent. Asked on
        // the next turn: a request the broker grants by policy is closed by the message after it.
        const { requestId, permission } = u.prompt;
        const prompt = u.prompt;
        setImmediate(() => {
          if (!app.prompts.has(requestId)) return;
          const abort = new AbortController();
          asking.set(requestId, abort);
          this.prompter(prompt, abort.signal).then(
            (granted) => {
              asking.delete(requestId);
              if (abort.signal.aborted) return;
              this.log(`session ${lsid}: ${permission} ${granted ? 'allowed' : 'denied'} by the remote user`);
              app.answer(requestId, granted);
            },
            () => app.answer(requestId, false),
          );
        });
      } else if (u.kind === 'prompt_closed') {
        asking.get(u.requestId)?.abort();
        asking.delete(u.requestId);
      } else if (u.kind === 'event' && u.event.body.kind === 'chat' && !u.event.body.repsOnly && u.event.actor.kind === 'rep') {
        this.log(`session ${lsid}: chat from ${u.event.actor.name}: ${u.event.body.text}`);
      } else if (u.kind === 'error') {
        this.log(`session ${lsid}: ${u.code}: ${u.message}`);
      }
    });
    session.once('welcome', () => this.agent.send({ type: 'jump.result', lsid, ok: true }));
    session.once('ended', ({ reason }) => {
      for (const a of asking.values()) a.abort();
      this.sessions.delete(lsid);
      this.log(`session ${lsid} ended (${reason})`);
      if (reason === 'could_not_join') this.agent.send({ type: 'jump.result', lsid, ok: false, reason: 'could not join' });
    });
    this.emit('session', session, app);
    session.start();
  }

  private uninstall(reason: string): void {
    this.log(`removed from the site (${reason}); uninstalling`);
    this.agent.send({ type: 'uninstalled' });
    // Give the message a moment to leave, then remove everything and stop for good.
    setTimeout(() => {
      this.stop();
      // JMP-3: installed by the MSI, it is removed by Windows Installer (files, registry, Run key).
      const productCode = process.platform === 'win32' ? readMsiInstall(this.o.installDir) : null;
      if (productCode) {
        const { log } = startMsiRemoval(productCode, (err) => this.log(`msiexec could not be started: ${err.message}`));
        this.log(`msiexec /x ${productCode} started (log: ${log})`);
        this.emit('uninstalled');
        return;
      }
      try {
        uninstallFiles(this.o.installDir);
      } catch (err) {
        this.log(`could not remove ${this.o.installDir}: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.emit('uninstalled');
    }, 200);
  }
}
