// Sends annotation messages in order on the channel, and while a write waits for credit, a stroke
// that keeps growing is sent once with its newest points instead of once per pointer move.
import type { AnnotationMessage } from '../../../../src/protocol/remote-control.ts';

export class AnnotationSender {
  private readonly pending: AnnotationMessage[] = [];
  private busy = false;
  sent = 0;

  constructor(
    private readonly write: (m: AnnotationMessage) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  push(messages: readonly AnnotationMessage[]): void {
    for (const m of messages) {
      const last = this.pending[this.pending.length - 1];
      if (m.t === 'stroke' && last?.t === 'stroke' && last.stroke.id === m.stroke.id) this.pending[this.pending.length - 1] = m;
      else if (m.t === 'clear') {
        // Nothing queued before a clear needs to be drawn first.
        this.pending.length = 0;
        this.pending.push(m);
      } else this.pending.push(m);
    }
    void this.pump();
  }

  get queued(): number {
    return this.pending.length;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.length) {
        const m = this.pending.shift()!;
        await this.write(m);
        this.sent++;
      }
    } catch (err) {
      this.pending.length = 0;
      this.onError(err);
    } finally {
      this.busy = false;
    }
  }
}
