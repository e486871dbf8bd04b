// Flood limits of the customer's tools: the token bucket (shared with the broker) and a refusal
// log that says what was cut at most once a second.
export { TokenBucket } from '../../protocol/token-bucket.ts';

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
