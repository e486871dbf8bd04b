// Counts failed attempts per address in a sliding window, so session keys and resume tokens
// cannot be guessed: past the limit every attempt from that address fails for a while.
import type { Clock } from './accounts.ts';

export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** True when this address has used up its failures for the current window. */
  blocked(address: string): boolean {
    return this.recent(address).length >= this.max;
  }

  fail(address: string): void {
    const list = this.recent(address);
    list.push(this.clock.now().getTime());
    this.failures.set(address, list);
    if (this.failures.size > 10_000) this.prune();
  }

  private recent(address: string): number[] {
    const since = this.clock.now().getTime() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) this.recent(address);
  }
}
