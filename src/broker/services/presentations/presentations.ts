// Presentations (CON-9, POR-2, STA-6): a rep starts one (name, listed or not, a key to give out),
// attendees join by key or from the portal's list with a name, the presenter's one video stream
// is fanned out to all of them (each at its own pace), everyone chats, the presenter sees who is
// there, removes, pauses and ends. Every join, leave, removal, pause and chat line is stored
// before anyone is told. A presenter whose connection drops has a grace period to come back.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { FrameError, readCounter, readHeader, type FrameHeader } from '../../../protocol/channels.ts';
import { siteImageUrl } from '../../../protocol/portal-look.ts';
import {
  PRESENTATION_KEY_DIGITS,
  PresentationClose,
  type AttendeeClientMessage,
  type ListedPresentations,
  type PresentationChatLine,
  type PresentationEventKind,
  type PresenterClientMessage,
  type PresenterServerMessage,
} from '../../../protocol/presentations.ts';
import { PasserelleError } from '../../errors.ts';
import type { PresentationEventRecord } from '../../store/presentations-store.ts';
import type { Store } from '../../store/store.ts';
import type { Clock } from '../accounts.ts';
import { AttemptLimiter } from '../attempt-limiter.ts';
import { newToken } from '../secrets.ts';
import { LivePresentation, type Attendee, type AttendeeSink, type PresenterSink } from './live-presentation.ts';

export interface PresentationsOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** POR-7: the attendees' banner a presentation starting now keeps (null = the default). */
  bannerForNewPresentation: () => Promise<string | null>;
  /** POR-2: whether the portal shows its presentation list; while hidden, only a key joins. */
  presentationListShown?: () => Promise<boolean>;
  /** How long a presenter whose connection dropped may take to come back (default 60 s). */
  resumeGraceMs?: number;
  /** Attendees one presentation may have at once (default 1000). */
  maxAttendees?: number;
  /** Joins one address may make per minute (default 120). */
  joinsPerMinute?: number;
  /** Wrong keys one address may try per minute before it is refused for a while (default 10). */
  keyAttemptsPerMinute?: number;
  /** Presentations one rep may run at once (default 3). */
  maxPerPresenter?: number;
}

const CHAT_BURST = 5;
const CHAT_PER_SECOND = 1;
/** Channel ids of presentations are their own range, apart from support sessions' channels. */
const FIRST_CHANNEL_ID = 0x4000_0000;

type Actor = Pick<PresentationEventRecord, 'actorKind' | 'actorName' | 'attendeeId' | 'address'>;

export class PresentationsService {
  readonly live = new Map<string, LivePresentation>();
  private readonly byKey = new Map<string, LivePresentation>();
  private readonly keyLimiter: AttemptLimiter;
  private readonly joinLimiter: AttemptLimiter;
  private nextChannelId = FIRST_CHANNEL_ID;
  private nextAttendee = 1;
  private stopping = false;
  private readonly drainTimer: ReturnType<typeof setInterval>;

  constructor(private readonly o: PresentationsOptions) {
    this.keyLimiter = new AttemptLimiter(o.clock, o.keyAttemptsPerMinute ?? 10, 60_000);
    this.joinLimiter = new AttemptLimiter(o.clock, o.joinsPerMinute ?? 120, 60_000);
    // A grant held back while every attendee's socket was full goes out once one drains.
    this.drainTimer = setInterval(() => {
      for (const p of this.live.values()) p.fanout.poke();
    }, 50);
    this.drainTimer.unref();
  }

  get resumeWithinSeconds(): number {
    return Math.round((this.o.resumeGraceMs ?? 60_000) / 1000);
  }

  private now(): string {
    return this.o.clock.now().toISOString();
  }

  /** STA-6: presentations a rep is running. */
  runningFor(userId: number): number {
    let n = 0;
    for (const p of this.live.values()) if (p.presenter.userId === userId) n++;
    return n;
  }

  /** POR-2: what the portal lists. */
  listed(): ListedPresentations {
    return {
      presentations: [...this.live.values()]
        .filter((p) => p.listed && !p.ended)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
        .map((p) => ({ presentationId: p.id, name: p.name, presenterName: p.presenter.name, startedAt: p.startedAt, attendees: p.attendees.size })),
    };
  }

  private async record(p: LivePresentation, kind: PresentationEventKind, actor: Actor, extra: { text?: string; reason?: string } = {}): Promise<string> {
    const at = this.now();
    await this.o.store.insertPresentationEvent({ presentationId: p.id, seq: ++p.lastSeq, at, kind, ...actor, text: extra.text ?? null, reason: extra.reason ?? null });
    return at;
  }

  private presenterActor(p: LivePresentation, address: string | null): Actor {
    return { actorKind: 'presenter', actorName: p.presenter.name, attendeeId: null, address };
  }

  private newKey(): string {
    for (;;) {
      let digits = '';
      for (let i = 0; i < PRESENTATION_KEY_DIGITS; i++) digits += String(randomInt(10));
      if (!this.byKey.has(digits)) return digits;
    }
  }

  private started(p: LivePresentation, resumed: boolean): PresenterServerMessage {
    return {
      type: 'started',
      presentation: { presentationId: p.id, key: p.key.replace(/(\d{3})(?=\d)/g, '$1 '), name: p.name, listed: p.listed, startedAt: p.startedAt, state: p.state },
      channelId: p.channelId,
      token: p.token,
      resumed,
      attendees: p.attendeeViews(),
      resumeWithinSeconds: this.resumeWithinSeconds,
    };
  }

  // ---------------- the presenter ----------------

  async start(sink: PresenterSink, presenterName: string, msg: Extract<PresenterClientMessage, { type: 'start' }>): Promise<LivePresentation> {
    if (this.stopping) throw new PasserelleError('conflict', 'The site is shutting down');
    if (this.runningFor(sink.userId) >= (this.o.maxPerPresenter ?? 3)) throw new PasserelleError('rate_limited', 'You are already running as many presentations as allowed; end one first');
    const banner = await this.o.bannerForNewPresentation();
    const p = new LivePresentation(newToken(12), this.newKey(), msg.name, msg.listed, { userId: sink.userId, name: presenterName }, newToken(24), this.now(), this.nextChannelId++, siteImageUrl(banner ?? 'default'), msg.format, sink);
    await this.o.store.insertPresentation({
      id: p.id,
      name: p.name,
      presenterUserId: sink.userId,
      presenterName,
      listed: p.listed,
      publicIp: sink.address,
      privateIp: msg.privateIp ?? '',
      banner,
      startedAt: p.startedAt,
      endedAt: null,
      endReason: null,
    });
    await this.record(p, 'started', this.presenterActor(p, sink.address), { text: p.name });
    this.live.set(p.id, p);
    this.byKey.set(p.key, p);
    sink.sendJson(this.started(p, false));
    p.fanout.attachProducer(sink);
    this.o.log.info({ presentationId: p.id, userId: sink.userId, listed: p.listed }, 'presentation started');
    return p;
  }

  /** The presenter's console came back after a drop: it takes its presentation back with the token. */
  async resume(sink: PresenterSink, presentationId: string, token: string): Promise<LivePresentation> {
    const p = this.live.get(presentationId);
    if (!p || p.ended || p.token !== token || p.presenter.userId !== sink.userId) throw new PasserelleError('presentation_not_found', 'No running presentation of yours has that id');
    return p.run(async () => {
      if (p.ended) throw new PasserelleError('presentation_not_found', 'That presentation has ended');
      const old = p.presenterSink;
      if (old && old !== sink) old.close(PresentationClose.replaced, 'replaced');
      if (p.graceTimer) clearTimeout(p.graceTimer);
      p.graceTimer = null;
      const wasAway = !old;
      p.presenterSink = sink;
      if (wasAway) await this.record(p, 'presenter_back', this.presenterActor(p, sink.address));
      sink.sendJson(this.started(p, true));
      p.fanout.attachProducer(sink);
      p.toAttendees({ type: 'state', state: p.state });
      return p;
    });
  }

  async presenterMessage(p: LivePresentation, sink: PresenterSink, msg: Exclude<PresenterClientMessage, { type: 'ping' | 'start' | 'resume' }>): Promise<void> {
    if (p.presenterSink !== sink) throw new PasserelleError('out_of_order', 'This connection no longer presents');
    await p.run(async () => {
      if (p.ended) throw new PasserelleError('presentation_not_found', 'The presentation has ended');
      switch (msg.type) {
        case 'format':
          p.format = msg.format;
          p.toAttendees({ type: 'format', format: msg.format });
          return;
        case 'pause': {
          if (p.paused === msg.paused) return;
          await this.record(p, msg.paused ? 'paused' : 'resumed', this.presenterActor(p, sink.address));
          p.paused = msg.paused;
          p.fanout.setPaused(msg.paused);
          p.toAttendees({ type: 'state', state: p.state });
          sink.sendJson({ type: 'state', state: p.state });
          return;
        }
        case 'chat': {
          const at = await this.record(p, 'chat', this.presenterActor(p, sink.address), { text: msg.text });
          this.broadcastChat(p, { at, from: { kind: 'presenter', name: p.presenter.name }, text: msg.text });
          return;
        }
        case 'remove': {
          const a = p.attendees.get(msg.attendeeId);
          if (!a) throw new PasserelleError('not_found', 'That attendee is no longer here');
          p.removed.add(`${a.name}\u0000${a.address}`);
          await this.leaveLocked(p, a, 'removed');
          a.sink.sendJson({ type: 'removed' });
          a.sink.close(PresentationClose.removed, 'removed');
          return;
        }
        case 'end':
          return this.endLocked(p, 'ended_by_presenter');
      }
    });
  }

  /** A binary frame from the presenter: DATA of its video channel, nothing else. */
  presenterFrame(p: LivePresentation, sink: PresenterSink, bytes: Uint8Array): void {
    if (p.presenterSink !== sink || p.ended) throw new PasserelleError('out_of_order', 'This connection no longer presents');
    const h = header(bytes);
    if (h.channelId !== p.channelId) throw new PasserelleError('permission_not_granted', `No channel ${h.channelId} in this presentation`);
    if (h.type !== 'data') throw new PasserelleError('bad_request', 'The presenter sends DATA frames only');
    const problem = p.fanout.fromProducer(h, bytes);
    if (problem) {
      // A message over the size limit or beyond the credit: the stream restarts from a key frame.
      p.fanout.attachProducer(sink);
      throw new PasserelleError(problem === 'message_too_large' ? 'body_too_large' : 'rate_limited', `Presentation video: ${problem}`);
    }
  }

  /** The presenter's connection dropped: attendees wait (frozen picture) for the grace period. */
  presenterDisconnected(p: LivePresentation, sink: PresenterSink): void {
    void p.run(async () => {
      if (p.ended || p.presenterSink !== sink) return;
      p.presenterSink = null;
      p.fanout.attachProducer(null);
      await this.record(p, 'presenter_away', this.presenterActor(p, sink.address), { reason: 'connection_lost' });
      p.toAttendees({ type: 'state', state: p.state });
      if (this.stopping) return;
      p.graceTimer = setTimeout(() => {
        void p.run(async () => {
          if (!p.presenterSink && !p.ended) await this.endLocked(p, 'presenter_connection_lost');
        });
      }, this.o.resumeGraceMs ?? 60_000);
      p.graceTimer.unref?.();
    }).catch((err: unknown) => this.o.log.error({ err, presentationId: p.id }, 'presenter drop not recorded'));
  }

  // ---------------- attendees ----------------

  async join(sink: AttendeeSink, msg: Extract<AttendeeClientMessage, { type: 'join' }>): Promise<{ p: LivePresentation; attendee: Attendee }> {
    if ((msg.key === undefined) === (msg.presentationId === undefined)) throw new PasserelleError('validation_failed', 'Give a presentation key or a presentation from the list');
    if (this.keyLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many wrong presentation keys; try again in a minute');
    if (this.joinLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many joins from your address; try again in a minute');
    const found = msg.key !== undefined ? this.byKey.get(msg.key) : this.live.get(msg.presentationId!);
    const fromList = msg.key === undefined;
    const listShown = fromList ? ((await this.o.presentationListShown?.()) ?? true) : true;
    if (!found || found.ended || (fromList && (!found.listed || !listShown))) {
      this.keyLimiter.fail(sink.address);
      throw new PasserelleError('presentation_not_found', msg.key !== undefined ? 'No running presentation has that key' : 'That presentation is not running or not listed');
    }
    this.joinLimiter.fail(sink.address);
    const p = found;
    return p.run(async () => {
      if (p.ended) throw new PasserelleError('presentation_not_found', 'That presentation has ended');
      if (p.removed.has(`${msg.name}\u0000${sink.address}`)) throw new PasserelleError('forbidden', 'The presenter removed you from this presentation');
      if (p.attendees.size >= (this.o.maxAttendees ?? 1000)) throw new PasserelleError('rate_limited', 'This presentation is full');
      const a: Attendee = { id: `a${this.nextAttendee++}`, name: msg.name, address: sink.address, joinedAt: '', sink, chatTokens: CHAT_BURST, chatRefilledAt: this.o.clock.now().getTime() };
      a.joinedAt = await this.record(p, 'joined', { actorKind: 'attendee', actorName: a.name, attendeeId: a.id, address: a.address });
      p.attendees.set(a.id, a);
      sink.sendJson({
        type: 'joined',
        attendeeId: a.id,
        presentation: { presentationId: p.id, name: p.name, presenterName: p.presenter.name, state: p.state },
        channelId: p.channelId,
        format: p.format,
        bannerUrl: p.bannerUrl,
        chat: [...p.recentChat],
      });
      // The key frame on join: the fan-out asks the presenter for one (spaced, however many join).
      p.fanout.addConsumer(a, sink);
      p.toPresenter({ type: 'attendee.joined', attendee: { attendeeId: a.id, name: a.name, address: a.address, joinedAt: a.joinedAt }, count: p.attendees.size });
      return { p, attendee: a };
    });
  }

  async attendeeMessage(p: LivePresentation, a: Attendee, msg: Exclude<AttendeeClientMessage, { type: 'ping' | 'join' }>): Promise<void> {
    if (msg.type === 'leave') {
      await p.run(async () => {
        if (p.attendees.get(a.id) === a) await this.leaveLocked(p, a, 'left');
      });
      a.sink.close(1000, 'left');
      return;
    }
    const t = this.o.clock.now().getTime();
    a.chatTokens = Math.min(CHAT_BURST, a.chatTokens + ((t - a.chatRefilledAt) / 1000) * CHAT_PER_SECOND);
    a.chatRefilledAt = t;
    if (a.chatTokens < 1) throw new PasserelleError('rate_limited', 'Too many chat lines; slow down');
    a.chatTokens -= 1;
    await p.run(async () => {
      if (p.ended || p.attendees.get(a.id) !== a) throw new PasserelleError('out_of_order', 'You are no longer in this presentation');
      const at = await this.record(p, 'chat', { actorKind: 'attendee', actorName: a.name, attendeeId: a.id, address: a.address }, { text: msg.text });
      this.broadcastChat(p, { at, from: { kind: 'attendee', name: a.name, attendeeId: a.id }, text: msg.text });
    });
  }

  /** An attendee's CREDIT (it decoded frames) or KEYREQ (its decoder lost track). */
  attendeeFrame(p: LivePresentation, a: Attendee, bytes: Uint8Array): void {
    const h = header(bytes);
    if (h.channelId !== p.channelId || p.attendees.get(a.id) !== a) throw new PasserelleError('permission_not_granted', `No channel ${h.channelId} for you`);
    if (h.type === 'keyreq') return p.fanout.keyRequestFrom(a);
    if (h.type !== 'credit') throw new PasserelleError('bad_request', 'Attendees send CREDIT and KEYREQ frames only');
    let consumed: number;
    try {
      consumed = readCounter(bytes);
    } catch (err) {
      throw new PasserelleError('bad_request', `Malformed frame: ${(err as Error).message}`);
    }
    if (p.fanout.fromConsumer(a, consumed, h.seq)) {
      // Credit for frames never sent: start this attendee over from a key frame.
      p.fanout.reattach(a, a.sink);
      throw new PasserelleError('bad_request', 'Credit for frames never sent');
    }
  }

  attendeeDisconnected(p: LivePresentation, a: Attendee): void {
    void p.run(async () => {
      if (p.attendees.get(a.id) === a) await this.leaveLocked(p, a, 'connection_lost');
    }).catch((err: unknown) => this.o.log.error({ err, presentationId: p.id }, 'attendee leave not recorded'));
  }

  private async leaveLocked(p: LivePresentation, a: Attendee, reason: 'left' | 'removed' | 'connection_lost'): Promise<void> {
    p.attendees.delete(a.id);
    p.fanout.removeConsumer(a);
    await this.record(p, reason === 'removed' ? 'removed' : 'left', { actorKind: 'attendee', actorName: a.name, attendeeId: a.id, address: a.address }, { reason });
    p.toPresenter({ type: 'attendee.left', attendeeId: a.id, name: a.name, reason, count: p.attendees.size });
  }

  private broadcastChat(p: LivePresentation, line: PresentationChatLine): void {
    p.remember(line);
    p.toAttendees({ type: 'chat', line });
    p.toPresenter({ type: 'chat', line });
  }

  // ---------------- the end ----------------

  private async endLocked(p: LivePresentation, reason: string): Promise<void> {
    if (p.ended) return;
    // Everyone still watching leaves with it: the report has a leave time for every join.
    for (const a of p.attendees.values()) {
      await this.record(p, 'left', { actorKind: 'attendee', actorName: a.name, attendeeId: a.id, address: a.address }, { reason: 'presentation_ended' });
    }
    const at = await this.record(p, 'ended', { actorKind: reason === 'ended_by_presenter' ? 'presenter' : 'system', actorName: reason === 'ended_by_presenter' ? p.presenter.name : 'system', attendeeId: null, address: null }, { reason });
    await this.o.store.endPresentation(p.id, at, reason);
    p.ended = true;
    if (p.graceTimer) clearTimeout(p.graceTimer);
    this.live.delete(p.id);
    this.byKey.delete(p.key);
    for (const a of p.attendees.values()) {
      a.sink.sendJson({ type: 'ended', reason });
      a.sink.close(PresentationClose.ended, reason.slice(0, 100));
    }
    p.attendees.clear();
    p.fanout.dispose();
    p.toPresenter({ type: 'ended', reason });
    this.o.log.info({ presentationId: p.id, reason }, 'presentation ended');
  }

  /** Broker shutdown: every running presentation ends with that reason. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.drainTimer);
    for (const p of [...this.live.values()]) {
      await p.run(() => this.endLocked(p, 'broker_shutdown')).catch((err: unknown) => this.o.log.error({ err }, 'ending a presentation at shutdown failed'));
    }
  }

  /** A start after a crash: presentations left open end with `broker_restart`. */
  async recoverAfterRestart(): Promise<void> {
    for (const rec of await this.o.store.listRunningPresentations()) {
      const events = await this.o.store.listPresentationEvents(rec.id);
      const at = this.now();
      await this.o.store.insertPresentationEvent({ presentationId: rec.id, seq: (events.at(-1)?.seq ?? 0) + 1, at, kind: 'ended', actorKind: 'system', actorName: 'system', attendeeId: null, address: null, text: null, reason: 'broker_restart' });
      await this.o.store.endPresentation(rec.id, at, 'broker_restart');
    }
  }
}

function header(bytes: Uint8Array): FrameHeader {
  try {
    return readHeader(bytes);
  } catch (err) {
    if (err instanceof FrameError) throw new PasserelleError('bad_request', `Malformed frame: ${err.message}`, { frame: err.code });
    throw err;
  }
}
