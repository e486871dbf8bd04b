// The receiving side's flow-control window of a channel (channel-endpoint.ts): bytes (ordered
// channels) or messages (latest channels) received, consumed and granted, and receiver-side
// auto-tuning of the window from the sender's `limited` flag.
import type { ChannelKindRule } from './channels.ts';

export class ReceiveWindow {
  received = 0;
  consumed = 0;
  granted = 0;
  window: number;
  readonly maxWindow: number;
  /** The sender said it waited for credit since the last growth. */
  limitedSeen = false;

  constructor(rule: ChannelKindRule, maxWindow?: number) {
    this.maxWindow = Math.min(maxWindow ?? rule.maxWindow, rule.maxWindow);
    this.window = Math.min(rule.initialWindow, this.maxWindow);
  }

  /** Ordered channels: `n` bytes came; false when the peer sent beyond its credit (half a window of slack). */
  admit(n: number): boolean {
    if (this.received + n > this.consumed + this.window + (this.window >> 1)) return false;
    this.received += n;
    return true;
  }

  /**
   * `n` bytes were consumed; returns whether a grant should go out now (batched: a quarter of the
   * window, or an eighth once the reader has nothing queued). Grows the window when the sender
   * waited for credit while the reader kept up.
   */
  consume(n: number, inboxEmpty: boolean): boolean {
    this.consumed += n;
    if (this.limitedSeen && inboxEmpty && this.window < this.maxWindow) {
      // The sender waited for credit while we kept up: the window is below the link's
      // bandwidth-delay product. Grow it (receiver-side auto-tuning, up to the cap).
      this.window = Math.min(this.window * 2, this.maxWindow);
      this.limitedSeen = false;
      return true;
    }
    return this.consumed - this.granted >= this.window / 4 || (inboxEmpty && this.consumed - this.granted >= this.window / 8);
  }

  /** A grant for what was consumed went out. */
  markGranted(): void {
    this.granted = this.consumed;
  }
}
