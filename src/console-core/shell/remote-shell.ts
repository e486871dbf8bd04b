// A shell on the customer's machine, seen from the console: keystrokes out, terminal output in
// (paced by the channel: a slow terminal slows the customer's shell down), resize, close.
import { ShellNotice, type ShellChannelMeta } from '../../protocol/shell.ts';
import { ToolMessageError, dataMessage, decodeToolMessage, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';

export type OpenShellChannel = (meta: ShellChannelMeta) => Promise<ToolChannel>;

export interface RemoteShellHandlers {
  /** Output bytes; return a promise to hold the next ones until this is drawn (back-pressure). */
  output(bytes: Uint8Array): void | Promise<void>;
  /** The shell ended (its exit code when it exited by itself) or the channel closed (the reason). */
  closed?(info: { reason: string; exitCode?: number }): void;
  error?(message: string): void;
}

const encoder = new TextEncoder();

export class RemoteShell {
  shellId: string | null = null;
  shell: string | null = null;
  private exitCode: number | undefined;
  readonly ended: Promise<{ reason: string; exitCode?: number }>;

  private constructor(private readonly ch: ToolChannel, private readonly h: RemoteShellHandlers) {
    this.ended = this.read();
  }

  static async open(open: OpenShellChannel, size: ShellChannelMeta, h: RemoteShellHandlers): Promise<RemoteShell> {
    return new RemoteShell(await open(size), h);
  }

  private async read(): Promise<{ reason: string; exitCode?: number }> {
    for await (const msg of this.ch) {
      let m;
      try {
        m = decodeToolMessage(msg.payload, ShellNotice);
      } catch (err) {
        if (err instanceof ToolMessageError) this.h.error?.(err.message);
        continue;
      }
      if (m.kind === 'data') await this.h.output(m.bytes);
      else if (m.msg.type === 'started') {
        this.shellId = m.msg.shellId;
        this.shell = m.msg.shell;
      } else if (m.msg.type === 'exit') this.exitCode = m.msg.exitCode;
      else this.h.error?.(m.msg.message);
    }
    const reason = await this.ch.closed;
    const info = { reason, ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}) };
    this.h.closed?.(info);
    return info;
  }

  /** Keystrokes or pasted text; resolves when the channel took them. */
  write(input: string | Uint8Array): Promise<void> {
    return this.ch.write(dataMessage(typeof input === 'string' ? encoder.encode(input) : input));
  }

  resize(cols: number, rows: number): Promise<void> {
    return this.ch.write(encodeControl({ type: 'resize', cols, rows }));
  }

  close(): void {
    this.ch.close('closed_by_rep');
  }
}
