// A token bucket for the events a rep sends (input, annotations): a burst is fine, a flood is cut.
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

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts what a handler refused and logs it at most once a second, so a flood does not flood the log too. */
export class RefusalLog {
  private counts = new Map<string, number>();
  private lastAt = 0;

  constructor(private readonly write: (counts: Record<string, number>) => void) {}

  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    const now = Date.now();
    if (now - this.lastAt >= 1000) this.flush(now);
  }

  flush(now = Date.now()): void {
    if (this.counts.size === 0) return;
    this.lastAt = now;
    this.write(Object.fromEntries(this.counts));
    this.counts = new Map();
  }
}
