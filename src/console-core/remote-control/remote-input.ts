// The rep's side of the 'input' channel (CON-4): input messages written in order, pointer moves
// coalesced to the newest one while a write is under way (a fast mouse never queues old
// positions), and everything held let go when the rep leaves the picture. Pure: the channel is
// passed in, so it is tested under Node.
import { encodeChannelJson, type InputMessage } from '../../protocol/remote-control.ts';

export interface InputChannelLike {
  write(payload: Uint8Array): Promise<void>;
  close(reason?: string): void;
  readonly closed: Promise<string>;
}

export class RemoteInput {
  private queue: InputMessage[] = [];
  private pendingMove: InputMessage | null = null;
  private writing = false;
  private closedReason: string | null = null;
  sent = 0;

  constructor(private readonly ch: InputChannelLike, private readonly onError?: (message: string) => void) {
    void ch.closed.then((r) => (this.closedReason = r));
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /** Queues a message; moves replace a move not yet sent. */
  send(m: InputMessage): void {
    if (this.closedReason !== null) return;
    if (m.t === 'move') this.pendingMove = m;
    else {
      // A click or key lands where the pointer is now: the pending move goes first.
      if (this.pendingMove) this.queue.push(this.pendingMove);
      this.pendingMove = null;
      this.queue.push(m);
    }
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (;;) {
        const m = this.queue.shift() ?? this.pendingMove;
        if (!m) break;
        if (m === this.pendingMove) this.pendingMove = null;
        await this.ch.write(encodeChannelJson(m));
        this.sent++;
      }
    } catch (err) {
      this.queue = [];
      this.pendingMove = null;
      if (this.closedReason === null) this.onError?.(err instanceof Error ? err.message : String(err));
    } finally {
      this.writing = false;
    }
  }

  close(): void {
    this.ch.close('closed_by_peer');
  }
}
