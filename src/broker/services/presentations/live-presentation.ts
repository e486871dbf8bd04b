// One running presentation (CON-9): its presenter and attendees, the fan-out of its video
// channel (src/broker/channels/fanout.ts, newest wins, per-attendee credit), recent chat for
// joiners, and a queue that keeps its event writes in order.
import { CHANNEL_KINDS } from '../../../protocol/channels.ts';
import type { AttendeeServerMessage, AttendeeView, PresentationChatLine, PresentationState, PresenterServerMessage, VideoFormat } from '../../../protocol/presentations.ts';
import { LatestFanout, type FrameTarget } from '../../channels/fanout.ts';

/** The presenter's socket as the service sees it. */
export interface PresenterSink extends FrameTarget {
  readonly userId: number;
  readonly address: string;
  sendJson(msg: PresenterServerMessage): void;
  close(code: number, reason: string): void;
}

/** One attendee's socket. */
export interface AttendeeSink extends FrameTarget {
  readonly address: string;
  sendJson(msg: AttendeeServerMessage): void;
  close(code: number, reason: string): void;
}

export interface Attendee {
  id: string;
  name: string;
  address: string;
  joinedAt: string;
  sink: AttendeeSink;
  /** Chat allowance: a burst, refilled per second. */
  chatTokens: number;
  chatRefilledAt: number;
}

/** Chat lines kept for attendees who join later. */
const RECENT_CHAT = 50;

export class LivePresentation {
  readonly attendees = new Map<string, Attendee>();
  readonly fanout: LatestFanout;
  presenterSink: PresenterSink | null;
  paused = false;
  ended = false;
  format: VideoFormat;
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Name + address of removed attendees: they may not come straight back. */
  readonly removed = new Set<string>();
  readonly recentChat: PresentationChatLine[] = [];
  lastSeq = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly key: string,
    readonly name: string,
    readonly listed: boolean,
    readonly presenter: { userId: number; name: string },
    readonly token: string,
    readonly startedAt: string,
    readonly channelId: number,
    readonly bannerUrl: string,
    format: VideoFormat,
    presenterSink: PresenterSink,
  ) {
    this.format = format;
    this.presenterSink = presenterSink;
    this.fanout = new LatestFanout(channelId, CHANNEL_KINDS.presentation);
  }

  get state(): PresentationState {
    if (this.ended) return 'ended';
    if (!this.presenterSink) return 'presenter_away';
    return this.paused ? 'paused' : 'live';
  }

  /** Runs `fn` after everything queued before it: events are written, and told, in order. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  attendeeViews(): AttendeeView[] {
    return [...this.attendees.values()].map((a) => ({ attendeeId: a.id, name: a.name, address: a.address, joinedAt: a.joinedAt }));
  }

  toAttendees(msg: AttendeeServerMessage): void {
    const text = msg;
    for (const a of this.attendees.values()) a.sink.sendJson(text);
  }

  toPresenter(msg: PresenterServerMessage): void {
    this.presenterSink?.sendJson(msg);
  }

  remember(line: PresentationChatLine): void {
    this.recentChat.push(line);
    if (this.recentChat.length > RECENT_CHAT) this.recentChat.shift();
  }
}
