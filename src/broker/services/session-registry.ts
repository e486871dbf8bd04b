// The running support sessions by LSID: the bottom of the session core. Everything above it
// (queues, lifecycle, the customer's side, the rep's actions) finds sessions here; nothing here
// knows about them.
import { PasserelleError } from '../errors.ts';
import type { Clock } from './accounts.ts';
import type { LiveSession } from './live-session.ts';

export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>();
  private stopping = false;

  constructor(
    private readonly clock: Clock,
    /** How long a dropped customer or rep may take to come back. */
    readonly resumeGraceMs: number,
  ) {}

  /** Once the broker stops, nothing new starts and dropped connections are not waited for. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  stop(): void {
    this.stopping = true;
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  get resumeWithinSeconds(): number {
    return Math.round(this.resumeGraceMs / 1000);
  }

  add(s: LiveSession): void {
    this.live.set(s.lsid, s);
  }

  remove(lsid: string): void {
    this.live.delete(lsid);
  }

  has(lsid: string): boolean {
    return this.live.has(lsid);
  }

  get(lsid: string): LiveSession | undefined {
    return this.live.get(lsid);
  }

  /** A running session, or `session_not_found`. */
  requireLive(lsid: string): LiveSession {
    const s = this.live.get(lsid);
    if (!s || s.ended) throw new PasserelleError('session_not_found', 'No such running session');
    return s;
  }

  /** A snapshot: callers may end sessions while they go through it. */
  all(): LiveSession[] {
    return [...this.live.values()];
  }

  /** Running support sessions a rep takes part in (STA-6). */
  runningFor(userId: number): number {
    let n = 0;
    for (const s of this.live.values()) if (s.participants.has(userId)) n++;
    return n;
  }
}
