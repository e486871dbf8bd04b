// Runs the real customer client (`passerelle customer …`) as a child process and reads its
// terminal output line by line; and a TCP proxy a test can cut to simulate a dropped network.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

export class CustomerProcess {
  readonly lines: string[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }[] = [];
  stderr = '';

  /** Where the client keeps its running session (XDG_STATE_HOME): its own folder unless a test shares one. */
  readonly stateDir: string;

  /** `exe`: a downloaded single-executable client instead of `passerelle customer` from the sources. */
  constructor(args: string[], opts: { env?: NodeJS.ProcessEnv; stateDir?: string; exe?: string } = {}) {
    this.stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'passerelle-customer-state-'));
    const [command, prefix] = opts.exe ? [opts.exe, []] : [process.execPath, ['--import', 'tsx', cli, 'customer']];
    this.child = spawn(command, [...prefix, '--no-browser', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...(opts.env ?? process.env), XDG_STATE_HOME: this.stateDir },
    });
    let buf = '';
    this.child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        this.check();
      }
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  private check(): void {
    for (const w of [...this.waiters]) {
      for (let i = w.from; i < this.lines.length; i++) {
        const m = this.lines[i]!.match(w.re);
        if (m) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
          break;
        }
      }
    }
  }

  /** Waits for a line matching `re` (among all lines printed so far or later). */
  line(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line ${re}; got:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ re, from: 0, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      this.check();
    });
  }

  type(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** A loopback TCP proxy to a broker; `cut()` drops every connection through it, like a network failure. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  port = 0;
  /** Bytes the clients sent towards the target, over every connection so far. */
  bytesUp = 0;
  private cutAt: { bytes: number; resolve: () => void } | null = null;

  static async start(targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy();
    p.server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        p.sockets.add(s);
        s.on('close', () => p.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (d: Buffer) => {
        p.bytesUp += d.length;
        if (p.cutAt && p.bytesUp >= p.cutAt.bytes) {
          const { resolve } = p.cutAt;
          p.cutAt = null;
          p.cut();
          resolve();
        }
      });
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    p.port = (p.server.address() as { port: number }).port;
    return p;
  }

  /** Cuts every connection once `bytes` more have gone towards the target; resolves when it has. */
  cutAfterUp(bytes: number): Promise<void> {
    return new Promise((resolve) => (this.cutAt = { bytes: this.bytesUp + bytes, resolve }));
  }

  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
