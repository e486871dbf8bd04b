// The 'shell' channel kind on the customer's machine: a pseudo-terminal (node-pty) running the
// customer's login shell in their file root. Output goes out as fast as the channel's flow
// control allows — while a write waits, the pty is paused, so a flooding command is slowed down
// at its source instead of filling memory — and the transcript is kept as session events.
import { randomUUID } from 'node:crypto';
import { spawn, type IPty } from 'node-pty';
import {
  SHELL_TRANSCRIPT_EVENT_CHARS,
  SHELL_TRANSCRIPT_MAX_CHARS,
  ShellChannelMeta,
  ShellRequest,
  type ShellNotice,
} from '../../protocol/shell.ts';
import { ToolMessageError, dataMessage, decodeToolMessage, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';
import type { ToolContext } from './tool-context.ts';

/** How long transcript text waits before it is written as an event (fewer, bigger events). */
const TRANSCRIPT_FLUSH_MS = 500;

/** Batches one direction of the shell into transcript events, within a bound per shell. */
class Transcript {
  private text = '';
  private logged = 0;
  private omitted = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly emit: (text: string, omitted: number) => void) {}

  add(bytes: Uint8Array): void {
    const s = this.decoder.decode(bytes, { stream: true });
    const room = SHELL_TRANSCRIPT_MAX_CHARS - this.logged - this.text.length;
    if (room <= 0) this.omitted += s.length;
    else {
      this.text += s.slice(0, room);
      this.omitted += Math.max(0, s.length - room);
    }
    if (this.text.length >= SHELL_TRANSCRIPT_EVENT_CHARS) this.flush();
    else if (!this.timer && (this.text || this.omitted)) this.timer = setTimeout(() => this.flush(), TRANSCRIPT_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.text.length > 0 || this.omitted > 0) {
      const part = this.text.slice(0, SHELL_TRANSCRIPT_EVENT_CHARS);
      this.text = this.text.slice(part.length);
      this.logged += part.length;
      this.emit(part, this.text.length === 0 ? this.omitted : 0);
      if (this.text.length === 0) this.omitted = 0;
    }
  }
}

/** True once the process has exited and been reaped (node-pty reaps its child itself). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function loginShell(): string {
  return process.env.SHELL && process.env.SHELL.startsWith('/') ? process.env.SHELL : '/bin/sh';
}

export async function shellHandler(ch: ToolChannel, ctx: ToolContext): Promise<void> {
  const meta = ShellChannelMeta.safeParse(ch.meta);
  const notice = (n: ShellNotice) => ch.write(encodeControl(n));
  if (!meta.success) {
    await notice({ type: 'error', code: 'bad_message', message: 'A shell channel needs { cols, rows }' }).catch(() => {});
    ch.close('bad_meta');
    return;
  }
  const shellId = randomUUID();
  const shell = loginShell();
  let pty: IPty;
  try {
    pty = spawn(shell, [], {
      name: 'xterm-256color',
      cols: meta.data.cols,
      rows: meta.data.rows,
      cwd: ctx.filesRoot,
      env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>,
    });
  } catch (err) {
    await notice({ type: 'error', code: 'spawn_failed', message: `The shell ${shell} could not start: ${(err as Error).message}` }).catch(() => {});
    ch.close('failed');
    return;
  }
  ctx.report({ kind: 'shell_opened', shellId, shell, cols: meta.data.cols, rows: meta.data.rows });
  const transcriptOf = (stream: 'input' | 'output') =>
    new Transcript((text, omitted) => ctx.report({ kind: 'shell_transcript', shellId, stream, text, ...(omitted ? { omitted } : {}) }));
  const output = transcriptOf('output');
  const input = transcriptOf('input');
  await notice({ type: 'started', shellId, shell, pid: pty.pid });

  // Output: one write in flight at a time; what arrives meanwhile is gathered and the pty paused.
  // node-pty destroys its socket 200 ms after the shell exits if it has not reached the end by
  // then, and a paused socket never does: the last output would be lost. So while paused, the
  // shell is checked every 50 ms, and once it is gone the pty reads on to the end unpaused (what is
  // left is only what the kernel buffered, the writer being dead).
  let sending = false;
  let gathered: Buffer[] = [];
  let open = true;
  let shellGone = false;
  let watch: NodeJS.Timeout | null = null;
  const stopWatch = () => {
    if (watch) clearInterval(watch);
    watch = null;
  };
  const pause = () => {
    if (shellGone) return;
    pty.pause();
    watch ??= setInterval(() => {
      if (processGone(pty.pid)) {
        shellGone = true;
        stopWatch();
        pty.resume();
      }
    }, 50);
  };
  const resume = () => {
    stopWatch();
    pty.resume();
  };
  const pump = async () => {
    sending = true;
    while (gathered.length > 0 && open) {
      const chunk = Buffer.concat(gathered);
      gathered = [];
      pause();
      try {
        await ch.write(dataMessage(chunk));
      } catch {
        open = false;
      }
      if (open) resume();
    }
    stopWatch();
    sending = false;
  };
  pty.onData((d) => {
    const b = Buffer.from(d, 'utf8');
    output.add(b);
    gathered.push(b);
    if (!sending) void pump();
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => pty.onExit(resolve));
  void exited.then(async ({ exitCode, signal }) => {
    while (sending) await new Promise((r) => setTimeout(r, 5));
    if (open) await notice({ type: 'exit', exitCode, ...(signal ? { signal } : {}) }).catch(() => {});
    open = false;
    ch.close('shell_exited');
  });

  const decoder = new TextDecoder('utf-8');
  try {
    for await (const msg of ch) {
      let m;
      try {
        m = decodeToolMessage(msg.payload, ShellRequest);
      } catch (err) {
        if (err instanceof ToolMessageError) await notice({ type: 'error', code: 'bad_message', message: err.message }).catch(() => {});
        continue;
      }
      if (ctx.granted && !ctx.granted('shell')) {
        // The customer took the shell back: nothing more reaches it, even before the broker closes the channel.
        ctx.log?.('warn', { shellId }, 'shell: input refused, the shell is no longer granted');
        await notice({ type: 'error', code: 'not_granted', message: 'The customer took the shell back; input is refused' }).catch(() => {});
        break;
      }
      if (m.kind === 'data') {
        input.add(m.bytes);
        pty.write(decoder.decode(m.bytes, { stream: true }));
      } else pty.resize(m.msg.cols, m.msg.rows);
    }
  } finally {
    open = false;
    stopWatch();
    const reason = await Promise.race([ch.closed, Promise.resolve('closed')]);
    let exitCode: number | undefined;
    const killed = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 0))]);
    if (killed) exitCode = killed.exitCode;
    else {
      try {
        pty.kill('SIGHUP');
      } catch {
        // already gone
      }
    }
    input.flush();
    output.flush();
    ctx.report({ kind: 'shell_closed', shellId, reason, ...(exitCode !== undefined ? { exitCode } : {}) });
  }
}
