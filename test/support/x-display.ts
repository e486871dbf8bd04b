// A real X server for the tests of the agent's X11 side: Xvfb on a display number it picks itself
// (-displayfd, as several test runs share the machine; -noreset, or the server forgets a keyboard
// layout set with setxkbmap as soon as its last client leaves), plus helpers to run X clients on it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface XDisplay {
  /** ":N" */
  display: string;
  width: number;
  height: number;
  env: NodeJS.ProcessEnv;
  /** Runs an X client to completion on this display; resolves with its stdout. */
  run(cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running X client on this display (killed by close()). */
  spawn(cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): ChildProcess;
  close(): Promise<void>;
}

export async function startXvfb(opts: { width?: number; height?: number; depth?: number } = {}): Promise<XDisplay> {
  const width = opts.width ?? 1280;
  const height = opts.height ?? 800;
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x${opts.depth ?? 24}`, '-nolisten', 'tcp', '-noreset', '+extension', 'RANDR'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  xvfb.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const num = await new Promise<string>((resolve, reject) => {
    let out = '';
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr.slice(-500)}`)));
  });
  const display = `:${num}`;
  const env = { ...process.env, DISPLAY: display };
  const children = new Set<ChildProcess>();
  return {
    display,
    width,
    height,
    env,
    async run(cmd, args, o = {}) {
      const p = execFileP(cmd, args, { env: { ...env, ...o.env }, timeout: o.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
      if (o.input !== undefined) {
        p.child.stdin!.end(o.input);
      }
      return (await p).stdout;
    },
    spawn(cmd, args, o = {}) {
      const child = spawn(cmd, args, { env: { ...env, ...o.env }, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async close() {
      for (const c of children) c.kill('SIGTERM');
      if (xvfb.exitCode === null) {
        const exited = new Promise((r) => xvfb.once('exit', r));
        xvfb.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Resolves when a window whose name matches appears (xdotool search --sync waits for it). */
export async function waitForWindow(x: XDisplay, name: string): Promise<string> {
  const out = await x.run('xdotool', ['search', '--sync', '--name', name], { timeoutMs: 20_000 });
  return out.trim().split('\n')[0]!;
}

/** `xev` on its own window, reporting what each key press typed and each button/motion event. */
export interface XevWatcher {
  /** Resolves with what was typed once it reaches `length` characters. */
  typed(length: number): Promise<string>;
  /** Resolves with the first event line matching. */
  event(re: RegExp): Promise<RegExpExecArray>;
  readonly output: string;
  close(): void;
}

let xevCount = 0;

export async function startXev(x: XDisplay, geometry = '600x400+0+0'): Promise<XevWatcher> {
  const name = `xev-${process.pid}-${++xevCount}`;
  const xev = x.spawn('xev', ['-name', name, '-geometry', geometry, '-event', 'keyboard', '-event', 'button', '-event', 'mouse']);
  let output = '';
  const waiters = new Set<() => void>();
  xev.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    for (const w of [...waiters]) w();
  });
  await waitForWindow(x, `^${name}$`);
  const typedSoFar = () =>
    output
      .split(/\n(?=\S)/)
      .filter((block) => block.startsWith('KeyPress event'))
      .map((block) => /XLookupString gives \d+ bytes: (?:\([0-9a-f ]*\) )?"(.*)"/.exec(block)?.[1] ?? '')
      .join('');
  const until = <T>(check: () => T | null): Promise<T> =>
    new Promise((resolve) => {
      const w = () => {
        const v = check();
        if (v !== null) {
          waiters.delete(w);
          resolve(v);
        }
      };
      waiters.add(w);
      w();
    });
  return {
    typed: (length) => until(() => ([...typedSoFar()].length >= length ? typedSoFar() : null)),
    event: (re) => until(() => re.exec(output)),
    get output() {
      return output;
    },
    close: () => xev.kill('SIGTERM'),
  };
}

/** Reads the screen's pixels (what a capture of the display shows) as 0xRRGGBB per pixel. */
export async function captureScreen(x: XDisplay, rect: { x: number; y: number; width: number; height: number }): Promise<{ at(px: number, py: number): number }> {
  const { XConnection } = await import('../../src/endpoint/platform/linux-x11/x11-connection.ts');
  const c = await XConnection.open(x.display, { warn: () => {} });
  try {
    const img = await c.call<{ data: Buffer }>('GetImage', 2, c.root, rect.x, rect.y, rect.width, rect.height, 0xffffff);
    return {
      at(px, py) {
        const o = ((py - rect.y) * rect.width + (px - rect.x)) * 4;
        return img.data.readUInt32LE(o) & 0xffffff;
      },
    };
  } finally {
    c.close();
  }
}
