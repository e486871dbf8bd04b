// A ToolChannel over one Unix-socket connection to (or from) the elevated helper: what the tools
// need (ordered messages, back-pressured writes, a close reason), plus tool events going back.
import type { Socket } from 'node:net';
import { HelperFrame, MAX_HELPER_FRAME } from '../../protocol/elevation.ts';
import type { ToolChannel, ToolChannelMessage } from '../../protocol/tool-channel.ts';

const HIGH_WATER = 16;

export function helperFrame(type: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt32BE(1 + payload.length, 0);
  out[4] = type;
  out.set(payload, 5);
  return out;
}

export class SocketToolChannel implements ToolChannel {
  readonly closed: Promise<string>;
  private resolveClosed!: (r: string) => void;
  private reason: string | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private readonly inbox: ToolChannelMessage[] = [];
  private waiter: ((r: IteratorResult<ToolChannelMessage>) => void) | null = null;
  private eventHandler: ((json: unknown) => void) | null = null;
  private helloHandler: ((json: unknown) => void) | null = null;

  constructor(
    private readonly socket: Socket,
    /** Set from the hello on the helper's side. */
    public kind: string,
    public meta: unknown,
  ) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => this.finish('connection_lost'));
    socket.on('close', () => this.finish('connection_lost'));
  }

  onEvent(h: (json: unknown) => void): void {
    this.eventHandler = h;
  }

  /** The helper side: the first frame is the hello. */
  onHello(h: (json: unknown) => void): void {
    this.helloHandler = h;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len < 1 || len > MAX_HELPER_FRAME) return this.fail('bad_frame');
      if (this.buf.length < 4 + len) break;
      const type = this.buf[4]!;
      const payload = this.buf.subarray(5, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      if (type === HelperFrame.message) this.push({ payload });
      else if (type === HelperFrame.close) this.finish(payload.toString('utf8').slice(0, 64) || 'closed_by_peer');
      else if (type === HelperFrame.event || type === HelperFrame.hello) {
        let json: unknown;
        try {
          json = JSON.parse(payload.toString('utf8'));
        } catch {
          return this.fail('bad_frame');
        }
        (type === HelperFrame.event ? this.eventHandler : this.helloHandler)?.(json);
      } else return this.fail('bad_frame');
    }
    if (this.inbox.length >= HIGH_WATER) this.socket.pause();
  }

  private fail(reason: string): void {
    this.finish(reason);
    this.socket.destroy();
  }

  private push(m: ToolChannelMessage): void {
    if (this.reason !== null) return;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w({ value: m, done: false });
    } else this.inbox.push(m);
  }

  private finish(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.resolveClosed(reason);
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<ToolChannelMessage> {
    return {
      next: () => {
        const m = this.inbox.shift();
        if (this.inbox.length < HIGH_WATER / 2) this.socket.resume();
        if (m) return Promise.resolve({ value: m, done: false });
        if (this.reason !== null) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => (this.waiter = r));
      },
    };
  }

  private send(type: number, payload: Uint8Array): Promise<void> {
    if (this.reason !== null || this.socket.destroyed) return Promise.reject(new Error(`channel closed (${this.reason ?? 'connection_lost'})`));
    return new Promise((resolve, reject) => {
      const ok = this.socket.write(helperFrame(type, payload), (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else this.socket.once('drain', () => resolve());
    });
  }

  write(payload: Uint8Array): Promise<void> {
    return this.send(HelperFrame.message, payload);
  }

  sendJson(type: typeof HelperFrame.event | typeof HelperFrame.hello, json: unknown): Promise<void> {
    return this.send(type, Buffer.from(JSON.stringify(json)));
  }

  close(reason = 'done'): void {
    if (this.reason !== null) return;
    if (!this.socket.destroyed) this.socket.end(helperFrame(HelperFrame.close, Buffer.from(reason)));
    this.finish(reason);
  }
}
