// A token bucket: `burst` at once, refilled at `perSecond`, on the clock it is given. Both sides
// use it to cut floods: the broker's gateways (text messages, binary frames) and the customer's
// tools (input and annotation events a rep sends). Pure, so it lives with what both sides share.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when none is left (what asked is refused or dropped). */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
