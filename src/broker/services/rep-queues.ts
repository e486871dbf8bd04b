// Reps with the console open, and the queues they see (CON-2, POR-4): who is online, what each
// console lists, and what happens to a rep's sessions when their console drops for good.
import type { Logger } from 'pino';
import type { RepServerMessage } from '../../protocol/site.ts';
import type { LiveSession, RepSink } from './live-session.ts';
import type { SessionsService } from './sessions.ts';

export class RepQueues {
  private readonly reps = new Map<number, Set<RepSink>>();
  private readonly repLost = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly log: Logger,
    /** How long a dropped console may take to come back. */
    private readonly resumeGraceMs: number,
  ) {}

  connected(sink: RepSink): void {
    let set = this.reps.get(sink.userId);
    if (!set) this.reps.set(sink.userId, (set = new Set()));
    set.add(sink);
    const lost = this.repLost.get(sink.userId);
    if (lost) clearTimeout(lost);
    this.repLost.delete(sink.userId);
    sink.send({ type: 'queue.snapshot', sessions: this.queueFor(sink.userId) });
    for (const s of this.sessions.live.values()) if (s.visibleToRep(sink.userId)) s.visibleTo.add(sink.userId);
  }

  disconnected(sink: RepSink): void {
    const set = this.reps.get(sink.userId);
    set?.delete(sink);
    if (!set || set.size > 0 || this.sessions.shuttingDown) return;
    this.reps.delete(sink.userId);
    const live = this.sessions.live;
    const waitingForRep = (s: LiveSession) => s.record.state === 'waiting' && s.record.queueUserId === sink.userId;
    if (this.sessions.runningFor(sink.userId) === 0 && ![...live.values()].some(waitingForRep)) return;
    // The rep's sessions wait for the console to come back; after the grace period the rep leaves
    // them, and customers waiting in the rep's personal queue move to the general queue.
    const timer = setTimeout(() => {
      this.repLost.delete(sink.userId);
      if (this.reps.has(sink.userId)) return;
      for (const s of [...live.values()]) {
        const fail = (err: unknown) => this.log.error({ err, lsid: s.lsid }, 'handling a lost rep failed');
        if (s.participants.has(sink.userId)) void s.run(() => this.sessions.leaveLocked(s, sink.userId, 'rep_connection_lost')).catch(fail);
        else if (waitingForRep(s)) void s.run(() => this.sessions.requeueLocked(s, 'rep_unavailable')).catch(fail);
      }
    }, this.resumeGraceMs);
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
    const candidates = among.filter((id) => this.reps.has(id)).sort((a, b) => this.sessions.runningFor(a) - this.sessions.runningFor(b) || a - b);
    return candidates[0];
  }

  queueFor(userId: number) {
    return [...this.sessions.live.values()].filter((s) => s.visibleToRep(userId)).map((s) => s.summary());
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
