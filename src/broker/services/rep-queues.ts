// Reps with the console open, and the queues they see (CON-2, POR-4): who is online, what each
// console lists, and what happens to a rep's sessions when their console drops for good.
import type { Logger } from 'pino';
import type { RepServerMessage } from '../../protocol/site.ts';
import type { LiveSession, RepSink } from './live-session.ts';
import type { SessionPublisher } from './session-lifecycle.ts';
import type { SessionRegistry } from './session-registry.ts';

/** What to do with a session whose rep's console did not come back: leave it, or requeue it. */
export type LostRepHandler = (s: LiveSession, userId: number, what: 'leave' | 'requeue') => Promise<unknown>;

export class RepQueues implements SessionPublisher {
  private readonly reps = new Map<number, Set<RepSink>>();
  private readonly repLost = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly log: Logger,
    /** Called inside the session's lock once a dropped console's grace period is over. */
    private readonly lostRep: LostRepHandler,
  ) {}

  connected(sink: RepSink): void {
    let set = this.reps.get(sink.userId);
    if (!set) this.reps.set(sink.userId, (set = new Set()));
    set.add(sink);
    const lost = this.repLost.get(sink.userId);
    if (lost) clearTimeout(lost);
    this.repLost.delete(sink.userId);
    sink.send({ type: 'queue.snapshot', sessions: this.queueFor(sink.userId) });
    for (const s of this.registry.all()) if (s.visibleToRep(sink.userId)) s.visibleTo.add(sink.userId);
  }

  disconnected(sink: RepSink): void {
    const set = this.reps.get(sink.userId);
    set?.delete(sink);
    if (!set || set.size > 0 || this.registry.shuttingDown) return;
    this.reps.delete(sink.userId);
    const waitingForRep = (s: LiveSession) => s.record.state === 'waiting' && s.record.queueUserId === sink.userId;
    if (this.registry.runningFor(sink.userId) === 0 && !this.registry.all().some(waitingForRep)) return;
    // The rep's sessions wait for the console to come back; after the grace period the rep leaves
    // them, and customers waiting in the rep's personal queue move to the general queue.
    const timer = setTimeout(() => {
      this.repLost.delete(sink.userId);
      if (this.reps.has(sink.userId)) return;
      for (const s of this.registry.all()) {
        const fail = (err: unknown) => this.log.error({ err, lsid: s.lsid }, 'handling a lost rep failed');
        if (s.participants.has(sink.userId)) void s.run(() => this.lostRep(s, sink.userId, 'leave')).catch(fail);
        else if (waitingForRep(s)) void s.run(() => this.lostRep(s, sink.userId, 'requeue')).catch(fail);
      }
    }, this.registry.resumeGraceMs);
    timer.unref();
    this.repLost.set(sink.userId, timer);
  }

  isOnline(userId: number): boolean {
    return this.reps.has(userId);
  }

  /** POR-4: the logged-in rep with the fewest running sessions; undefined when nobody is logged in. */
  /** Reps with a console connected now. */
  onlineUserIds(): number[] {
    return [...this.reps.keys()];
  }

  /** Of `among` (default: every rep online), the one with the fewest running sessions. */
  leastBusy(among: number[] = [...this.reps.keys()]): number | undefined {
    const candidates = among.filter((id) => this.reps.has(id)).sort((a, b) => this.registry.runningFor(a) - this.registry.runningFor(b) || a - b);
    return candidates[0];
  }

  queueFor(userId: number) {
    return this.registry.all().filter((s) => s.visibleToRep(userId)).map((s) => s.summary());
  }

  /** Tells every connected rep how the session now looks in their queue, or that it left it. */
  publish(s: LiveSession, isNew = false): void {
    const summary = s.summary();
    const now = new Set<number>();
    for (const uid of this.reps.keys()) {
      if (s.visibleToRep(uid)) {
        now.add(uid);
        this.toRep(uid, { type: 'session.updated', session: summary, isNew: isNew || !s.visibleTo.has(uid) });
      } else if (s.visibleTo.has(uid)) {
        this.toRep(uid, { type: 'session.removed', lsid: s.lsid, reason: s.ended ? (s.record.endReason ?? 'ended') : 'moved' });
      }
    }
    s.visibleTo = now;
  }

  toRep(userId: number, msg: RepServerMessage): void {
    for (const sink of this.reps.get(userId) ?? []) sink.send(msg);
  }

  /** Broker shutdown: no lost console is waited for any more. */
  stopWaiting(): void {
    for (const t of this.repLost.values()) clearTimeout(t);
  }
}
