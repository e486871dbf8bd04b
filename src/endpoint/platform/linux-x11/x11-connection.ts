// One connection to an X display through npm `x11`, with promises instead of callbacks and the
// server's errors turned into log lines instead of crashes. Input, clipboard and overlay each open
// their own (an X client's requests are ordered per connection; theirs need not wait on each other).
import x11, { type XClient, type XDisplay, type XError, type XEvent } from 'x11';

export interface XLogger {
  warn(obj: object, msg: string): void;
}

export class XConnection {
  private closed = false;
  private readonly eventHandlers = new Set<(ev: XEvent) => void>();

  private constructor(
    readonly client: XClient,
    readonly display: XDisplay,
    private readonly log: XLogger,
  ) {
    client.on('event', (ev) => {
      for (const h of this.eventHandlers) h(ev);
    });
    client.on('error', (err) => this.log.warn({ xError: err.error, message: err.message, badParam: err.badParam }, 'X error'));
    client.on('end', () => {
      this.closed = true;
    });
  }

  static open(display: string, log: XLogger): Promise<XConnection> {
    return new Promise((resolve, reject) => {
      const client = x11.createClient({ display }, (err, d) => {
        if (err) reject(err);
        else resolve(new XConnection(client, d, log));
      });
      client.on('error', (err: XError) => reject(err));
    });
  }

  get root(): number {
    return this.display.screen[0]!.root;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onEvent(h: (ev: XEvent) => void): () => void {
    this.eventHandlers.add(h);
    return () => this.eventHandlers.delete(h);
  }

  /** A request that has a reply. */
  call<T>(request: string, ...args: unknown[]): Promise<T> {
    const fn = this.client[request] as (...a: unknown[]) => void;
    return new Promise((resolve, reject) => {
      fn.call(this.client, ...args, (err: XError | null | undefined, value: T) => (err ? reject(err) : resolve(value)));
    });
  }

  /** A request without reply; a failure arrives later as an 'error' and is logged. */
  send(request: string, ...args: unknown[]): void {
    if (this.closed) return;
    (this.client[request] as (...a: unknown[]) => void).call(this.client, ...args);
  }

  /** An extension object (XTEST, SHAPE, XFIXES …). */
  ext<T>(name: string): Promise<T> {
    return new Promise((resolve, reject) => this.client.require(name, (err, ext) => (err ? reject(err) : resolve(ext as T))));
  }

  /** A round trip: every request sent before it has been processed when this resolves. */
  async sync(): Promise<void> {
    await this.call('GetInputFocus');
  }

  async internAtom(name: string): Promise<number> {
    return this.call<number>('InternAtom', false, name);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.client.terminate();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'closing the X connection failed');
    }
  }
}
