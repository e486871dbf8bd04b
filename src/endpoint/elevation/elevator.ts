// CON-8 on Linux, the customer's side: once the customer granted elevation, their password (typed
// into this client, handed to sudo on its stdin, never stored, logged or sent) starts the elevated
// helper as root; from then on the rep's new shell and file channels are served by it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HelperFrame, HelperReady, type ElevatedKind } from '../../protocol/elevation.ts';
import type { ElevationError, ElevationMethod, ToolEventBody } from '../../protocol/sessions.ts';
import { ToolEventBody as ToolEventSchema } from '../../protocol/sessions.ts';
import type { ToolChannel } from '../../protocol/tool-channel.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import { SocketToolChannel } from './socket-channel.ts';

export type ElevationOutcome = { ok: true; method: ElevationMethod } | { ok: false; error: ElevationError; message: string };

export interface ElevatorOptions {
  /** The helper's program and its leading arguments (the socket, token file, root and pid follow). */
  helperCommand: string[];
  filesRoot: string;
  /** sudo's path (default: found on PATH). */
  sudo?: string;
  /** How long sudo and the helper may take to answer (default 30 s). */
  timeoutMs?: number;
}

/** The first executable `name` on PATH, or null. */
export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** Whether this client can offer elevation at all: Linux, not already root, sudo at hand (JMP-6: not a user-mode Jump Client). */
export function canElevate(): boolean {
  return process.platform === 'linux' && process.getuid?.() !== 0 && onPath('sudo') !== null;
}

export function isElevatedKind(kind: string): kind is ElevatedKind {
  return kind === 'shell' || kind === 'file';
}

export class Elevator {
  private child: ChildProcess | null = null;
  private dir: string | null = null;
  private token: string | null = null;
  private socketPath: string | null = null;
  private busy = false;

  constructor(private readonly o: ElevatorOptions) {}

  get elevated(): boolean {
    return this.child !== null && this.socketPath !== null;
  }

  /** Starts the helper with sudo and `password`; resolves once it listens, or with why not. */
  async elevate(password: string): Promise<ElevationOutcome> {
    if (this.elevated) return { ok: true, method: 'sudo' };
    if (this.busy) return { ok: false, error: 'failed', message: 'Elevation is already being tried' };
    if (password.length === 0 || password.length > 1024 || /[\n\r\0]/.test(password)) return { ok: false, error: 'wrong_password', message: 'The password is empty or not valid' };
    const sudo = this.o.sudo ?? onPath('sudo');
    if (!sudo) return { ok: false, error: 'unavailable', message: 'sudo is not installed on this computer' };
    this.busy = true;
    const dir = await mkdtemp(join(tmpdir(), 'passerelle-elevation-'));
    const token = randomBytes(32).toString('hex');
    const tokenFile = join(dir, 'token');
    const socketPath = join(dir, 'helper.sock');
    await writeFile(tokenFile, token, { mode: 0o600 });
    // -S: the password from stdin (one line, then stdin is closed so a wrong one is not retried
    // with anything else); -k: never a cached sudo ticket, the password typed now is checked;
    // -p '': no prompt text. The password is written to sudo's stdin only.
    const child = spawn(sudo, ['-S', '-k', '-p', '', '--', ...this.o.helperCommand, socketPath, tokenFile, this.o.filesRoot, String(process.pid)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${password}\n`);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    const outcome = await new Promise<ElevationOutcome>((resolve) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        resolve({ ok: false, error: 'failed', message: 'sudo did not answer in time' });
      }, this.o.timeoutMs ?? 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (!out.includes('\n') || line === undefined) return;
        clearTimeout(timer);
        let ready;
        try {
          ready = HelperReady.safeParse(JSON.parse(line));
        } catch {
          ready = null;
        }
        if (ready?.success && ready.data.uid === 0) resolve({ ok: true, method: 'sudo' });
        else {
          child.kill('SIGTERM');
          resolve({ ok: false, error: 'failed', message: 'The elevated helper did not start as administrator' });
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        resolve({ ok: false, error: 'unavailable', message: `sudo could not be started: ${err.message}` });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(sudoFailure(code, stderr));
      });
    });
    this.busy = false;
    if (!outcome.ok) {
      await rm(dir, { recursive: true, force: true });
      return outcome;
    }
    this.child = child;
    this.dir = dir;
    this.token = token;
    this.socketPath = socketPath;
    child.once('exit', () => void this.stop());
    return outcome;
  }

  /**
   * Serves one of the rep's channels through the helper: every message both ways, the helper's
   * tool events to this client's log, the close reason back. Resolves when the channel ends.
   */
  async serve(ch: ToolChannel, ctx: ToolContext, permission: 'shell' | 'file_transfer'): Promise<void> {
    if (!this.socketPath || !this.token || !isElevatedKind(ch.kind)) throw new Error('not elevated');
    const socket = connect(this.socketPath);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const remote = new SocketToolChannel(socket, ch.kind, ch.meta);
    remote.onEvent((json) => {
      const e = ToolEventSchema.safeParse(json);
      if (e.success) ctx.report(e.data as ToolEventBody);
    });
    await remote.sendJson(HelperFrame.hello, { token: this.token, kind: ch.kind, meta: ch.meta ?? {} });
    const toHelper = (async () => {
      for await (const m of ch) {
        // Input after the customer took the permission back goes nowhere.
        if (ctx.granted && !(ctx.granted(permission) && ctx.granted('elevation'))) break;
        await remote.write(m.payload);
      }
    })().catch(() => undefined);
    const fromHelper = (async () => {
      for await (const m of remote) await ch.write(m.payload);
    })().catch(() => undefined);
    const reason = await Promise.race([ch.closed.then((r) => ({ side: 'rep', r })), remote.closed.then((r) => ({ side: 'helper', r }))]);
    if (reason.side === 'rep') remote.close(reason.r);
    else {
      await fromHelper;
      ch.close(reason.r === 'connection_lost' ? 'failed' : reason.r);
    }
    await toHelper;
    socket.destroy();
  }

  /** Stops the helper (revoked, session over, client closing). */
  async stop(): Promise<void> {
    const child = this.child;
    const dir = this.dir;
    this.child = null;
    this.socketPath = null;
    this.token = null;
    this.dir = null;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** What sudo's exit and messages mean for the customer (English or French locales). */
export function sudoFailure(code: number | null, stderr: string): ElevationOutcome {
  if (/not in the sudoers|not allowed to|n'est pas dans le fichier sudoers|n'est pas autorisé/i.test(stderr)) {
    return { ok: false, error: 'not_allowed', message: 'This account may not run programs as administrator (not in sudoers)' };
  }
  if (/incorrect password|try again|no password was provided|a password is required|mot de passe incorrect|réessayer/i.test(stderr)) {
    return { ok: false, error: 'wrong_password', message: 'The password was not accepted' };
  }
  return { ok: false, error: 'failed', message: `sudo ended (${code ?? 'signal'}) before the helper started${stderr.trim() ? `: ${stderr.trim().split('\n').pop()!.slice(0, 200)}` : ''}` };
}
