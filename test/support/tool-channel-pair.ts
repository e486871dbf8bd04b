// Two in-memory ends of a tool channel for unit tests of the file and shell protocols: ordered,
// with back-pressure (a write waits while the peer holds more than `window` unread bytes).
import type { ToolChannel, ToolChannelMessage } from '../../src/protocol/tool-channel.ts';

class End implements ToolChannel {
  peer!: End;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private readers: ((r: IteratorResult<ToolChannelMessage>) => void)[] = [];
  private writers: (() => void)[] = [];
  private done = false;
  private resolveClosed!: (reason: string) => void;
  readonly closed: Promise<string>;
  written = 0;
  /** Writes waiting for the peer to read (back-pressure in effect). */
  waiting = 0;

  constructor(readonly kind: string, readonly meta: unknown, private readonly window: number) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  async write(payload: Uint8Array): Promise<void> {
    if (this.done) throw new Error('channel closed');
    this.written += payload.length;
    this.peer.deliver(payload.slice());
    while (this.peer.queued > this.window && !this.done) {
      this.waiting++;
      await new Promise<void>((r) => this.peer.writers.push(r));
      this.waiting--;
    }
    if (this.done) throw new Error('channel closed');
  }

  private deliver(p: Uint8Array): void {
    if (this.done) return;
    const r = this.readers.shift();
    if (r) r({ value: { payload: p }, done: false });
    else {
      this.queue.push(p);
      this.queued += p.length;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ToolChannelMessage> {
    return {
      next: () => {
        const p = this.queue.shift();
        if (p) {
          this.queued -= p.length;
          for (const w of this.writers.splice(0)) w();
          return Promise.resolve({ value: { payload: p }, done: false });
        }
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => this.readers.push(r));
      },
    };
  }

  end(reason: string): void {
    if (this.done) return;
    this.done = true;
    for (const r of this.readers.splice(0)) r({ value: undefined, done: true });
    for (const w of this.writers.splice(0)) w();
    for (const w of this.peer.writers.splice(0)) w();
    this.resolveClosed(reason);
  }

  close(reason = 'closed_by_peer'): void {
    this.end(reason);
    this.peer.end(reason);
  }
}

/** `rep` is the side that opened the channel, `agent` the customer's side. */
export function toolChannelPair(kind: string, meta: unknown, window = 1024 * 1024): { rep: ToolChannel & { written: number; waiting: number }; agent: ToolChannel & { written: number; waiting: number } } {
  const rep = new End(kind, meta, window);
  const agent = new End(kind, meta, window);
  rep.peer = agent;
  agent.peer = rep;
  return { rep, agent };
}
