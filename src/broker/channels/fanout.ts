// Newest-wins fan-out of one producer's stream (a customer's screen, a rep's presentation) to any
// number of consumers, each at its own pace. The producer sends once; every consumer has its own
// message credit and its socket's buffered amount is checked, so a slow or stalled consumer skips
// to the next key frame instead of queueing, and never slows the others. The producer is granted
// credit at the pace of the fastest consumer, so it encodes no frame that nobody can take.
// Frames pass through unchanged (the same Buffer goes to every socket: no copy).
import { FrameFlag, encodeCredit, encodeKeyRequest, type ChannelKindRule, type FrameHeader } from '../../protocol/channels.ts';

export interface FrameTarget {
  send(frame: Uint8Array): void;
  /** Bytes queued on the socket and not yet written. */
  bufferedAmount(): number;
}

/** Above this many queued bytes, a consumer's socket takes no new frame. */
export const CONSUMER_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Key frame requests to the producer are spaced at least this far apart. */
export const KEY_REQUEST_SPACING_MS = 100;

export interface Consumer {
  readonly key: unknown;
  target: FrameTarget | null;
  /** Messages sent to it, and what it said it consumed; its window in messages. */
  sent: number;
  consumed: number;
  window: number;
  needsKey: boolean;
  /** The seq of the message being forwarded fragment by fragment, or null. */
  forwarding: number | null;
  /** A tap (the recording tee) takes everything and does not pace the producer. */
  tap: boolean;
  stats: { messages: number; skipped: number; bytes: number };
  /** The room bucket it sits in (-1: none: a tap, or away). */
  bucket: number;
}

export class LatestFanout {
  private readonly consumers = new Map<unknown, Consumer>();
  /**
   * Consumers that pace the producer (not taps, connected), by room: messages they can take now
   * (their window less what they have not consumed), 0 … the kind's maxWindow. The producer's
   * allowance is the highest non-empty bucket, so a CREDIT or a frame costs O(1), not a scan of
   * every viewer (a presentation has hundreds).
   */
  private readonly byRoom: Set<Consumer>[];
  private pacing = 0;
  producer: FrameTarget | null = null;
  /** Producer messages completed, granted, and whether a grant waits for a consumer with room. */
  private producerDone = 0;
  private producerStarted = 0;
  private producerSeq: number | null = null;
  private producerBytes = 0;
  private grantPending = false;
  private granted = 0;
  /** What the last grant let the producer have out (done + room), and the most it ever did. */
  private lastAllowed = 0;
  private maxAllowed = 0;
  private producerWindow: number;
  private lastKeyRequest = -Infinity;
  private keyTimer: ReturnType<typeof setTimeout> | null = null;
  /** Paused (a presenter hid their screen): frames go to no consumer but taps; the producer is paced as with nobody watching. */
  private paused = false;
  readonly stats = { messagesIn: 0, bytesIn: 0 };

  constructor(
    readonly channelId: number,
    readonly rule: ChannelKindRule,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.producerWindow = rule.initialWindow;
    this.byRoom = Array.from({ length: rule.maxWindow + 1 }, () => new Set<Consumer>());
  }

  /** Consumers that are not taps. */
  get consumerCount(): number {
    return this.pacing;
  }

  private room(c: Consumer): number {
    return c.window - (c.sent - c.consumed);
  }

  /** Moves a consumer to the bucket of its current room (after anything that changed it). */
  private place(c: Consumer): void {
    const b = c.tap || !c.target ? -1 : Math.max(0, Math.min(this.rule.maxWindow, this.room(c)));
    if (b === c.bucket) return;
    if (c.bucket >= 0) this.byRoom[c.bucket]!.delete(c);
    if (b >= 0) this.byRoom[b]!.add(c);
    c.bucket = b;
  }

  consumerList(): Consumer[] {
    return [...this.consumers.values()];
  }

  addConsumer(key: unknown, target: FrameTarget | null, opts: { tap?: boolean } = {}): Consumer {
    const c: Consumer = {
      key,
      target,
      sent: 0,
      consumed: 0,
      window: this.rule.initialWindow,
      needsKey: true,
      forwarding: null,
      tap: opts.tap ?? false,
      stats: { messages: 0, skipped: 0, bytes: 0 },
      bucket: -1,
    };
    this.forget(key);
    this.consumers.set(key, c);
    if (!c.tap) this.pacing++;
    this.place(c);
    this.requestKey();
    return c;
  }

  /** A consumer's connection came back: it starts again from a key frame. */
  reattach(key: unknown, target: FrameTarget | null): void {
    const c = this.consumers.get(key);
    if (!c) return;
    c.target = target;
    c.sent = c.consumed = 0;
    c.forwarding = null;
    c.needsKey = true;
    this.place(c);
    if (target) this.requestKey();
  }

  removeConsumer(key: unknown): void {
    if (this.forget(key)) this.maybeGrant();
  }

  private forget(key: unknown): boolean {
    const c = this.consumers.get(key);
    if (!c) return false;
    this.consumers.delete(key);
    if (c.bucket >= 0) this.byRoom[c.bucket]!.delete(c);
    c.bucket = -1;
    if (!c.tap) this.pacing--;
    return true;
  }

  /** The producer's connection came back (or is new): it resumes with a key frame. */
  attachProducer(target: FrameTarget | null): void {
    this.producer = target;
    this.producerSeq = null;
    this.producerBytes = 0;
    if (!target) return;
    // Its credit starts again from zero messages consumed, with a fresh window.
    this.producerDone = this.producerStarted = this.granted = 0;
    this.lastAllowed = this.maxAllowed = this.rule.initialWindow;
    for (const c of this.consumers.values()) {
      c.needsKey = true;
      c.forwarding = null;
    }
    target.send(encodeCredit(this.channelId, 0, this.rule.initialWindow));
    this.lastKeyRequest = -Infinity;
    this.requestKey();
  }

  /**
   * A DATA fragment from the producer. Returns an error code when the producer broke the rules
   * (more messages than its credit, a message over the kind's size); the caller closes the channel.
   */
  fromProducer(h: FrameHeader, bytes: Uint8Array): 'flow_control_violation' | 'message_too_large' | null {
    const payload = bytes.length - 16;
    const isKey = (h.flags & FrameFlag.key) !== 0;
    const last = (h.flags & FrameFlag.more) === 0;
    if (this.producerSeq !== h.seq) {
      // A new message (an unfinished one before it is abandoned: consumers drop its fragments).
      if (this.producerSeq !== null) this.producerDone++;
      this.producerStarted++;
      if (this.producerStarted > this.maxAllowed + 1) return 'flow_control_violation';
      this.producerSeq = h.seq;
      this.producerBytes = 0;
      this.stats.messagesIn++;
      for (const c of this.consumers.values()) this.decide(c, h.seq, isKey);
    }
    this.producerBytes += payload;
    this.stats.bytesIn += payload;
    if (this.producerBytes > this.rule.maxMessageBytes) {
      for (const c of this.consumers.values()) {
        if (c.forwarding !== h.seq) continue;
        c.forwarding = null;
        c.needsKey = true;
      }
      return 'message_too_large';
    }
    for (const c of this.consumers.values()) {
      if (c.forwarding !== h.seq || !c.target) continue;
      c.target.send(bytes);
      c.stats.bytes += payload;
      if (last) c.forwarding = null;
    }
    if (last) {
      this.producerSeq = null;
      this.producerDone++;
      this.maybeGrant();
    }
    return null;
  }


  /** Stops or resumes forwarding to consumers; on resume each starts again from a key frame. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    for (const c of this.consumers.values()) if (!c.tap) c.needsKey = true;
    if (paused) this.maybeGrant();
    else this.requestKey();
  }

  /** Whether a consumer takes the message that starts now. */
  private decide(c: Consumer, seq: number, isKey: boolean): void {
    c.forwarding = null;
    if (!c.target) return;
    if (c.tap) {
      c.forwarding = seq;
      c.stats.messages++;
      return;
    }
    if (this.paused) {
      c.needsKey = true;
      return;
    }
    const room = c.sent - c.consumed < c.window && c.target.bufferedAmount() < CONSUMER_HIGH_WATER_BYTES;
    if (room && (!c.needsKey || isKey)) {
      c.forwarding = seq;
      c.sent++;
      this.place(c);
      c.stats.messages++;
      if (isKey) c.needsKey = false;
      return;
    }
    c.stats.skipped++;
    // A skipped frame breaks the consumer's decoding chain: it resumes at the next key frame.
    if (!c.needsKey) c.needsKey = true;
    if (room) this.requestKey();
  }

  /** A consumer's CREDIT (it decoded frames): maybe it needs a key frame, maybe the producer may go on. */
  fromConsumer(key: unknown, consumed: number, window: number): 'flow_control_violation' | null {
    const c = this.consumers.get(key);
    if (!c) return null;
    if (consumed > c.sent || window < 1) return 'flow_control_violation';
    c.consumed = consumed;
    c.window = Math.min(window, this.rule.maxWindow);
    this.place(c);
    if (c.needsKey && c.sent - c.consumed < c.window) this.requestKey();
    // Only this consumer's room changed: the producer's allowance can grow only if it now exceeds
    // the last grant (or a grant is waiting for a consumer with room).
    if (this.grantPending || this.producerDone + this.room(c) > this.lastAllowed) this.maybeGrant();
    return null;
  }

  /** The recording tee needs a key frame (it joined mid-stream or dropped frames); spaced like the rest. */
  keyRequestFromTap(): void {
    this.requestKey();
  }

  /** A consumer asked for a key frame (its decoder lost track). */
  keyRequestFrom(key: unknown): void {
    const c = this.consumers.get(key);
    if (!c) return;
    c.needsKey = true;
    this.requestKey();
  }

  /**
   * Lets the producer have as many messages out as the roomiest consumer (not a tap) can take:
   * no frame is encoded that every viewer would skip. With nobody watching, the kind's window.
   */
  private maybeGrant(): void {
    if (!this.producer) return;
    const room = this.pacing === 0 || this.paused ? this.producerWindow : this.roomiest();
    const allowed = this.producerDone + room;
    if (room < 1 || allowed <= this.lastAllowed) {
      this.grantPending = room < 1;
      return;
    }
    this.grantPending = false;
    this.granted = this.producerDone;
    this.lastAllowed = allowed;
    this.maxAllowed = Math.max(this.maxAllowed, allowed);
    this.producer.send(encodeCredit(this.channelId, this.granted, room));
  }

  /**
   * The most room any connected consumer whose socket is below its high-water mark has: the
   * highest bucket with such a consumer. Usually the first consumer looked at answers; only
   * consumers whose sockets are full are stepped over (they have little room anyway).
   */
  private roomiest(): number {
    for (let r = this.byRoom.length - 1; r >= 1; r--) {
      for (const c of this.byRoom[r]!) if (c.target && c.target.bufferedAmount() < CONSUMER_HIGH_WATER_BYTES) return r;
    }
    return 0;
  }

  /** Called by the owner when sockets drain, so a grant held back for want of room goes out. */
  poke(): void {
    if (this.grantPending) this.maybeGrant();
  }

  private requestKey(): void {
    if (!this.producer) return;
    const now = this.now();
    const wait = this.lastKeyRequest + KEY_REQUEST_SPACING_MS - now;
    if (wait <= 0) {
      this.lastKeyRequest = now;
      this.producer.send(encodeKeyRequest(this.channelId));
      return;
    }
    if (this.keyTimer) return;
    this.keyTimer = setTimeout(() => {
      this.keyTimer = null;
      this.requestKey();
    }, wait);
    (this.keyTimer as { unref?: () => void }).unref?.();
  }

  dispose(): void {
    if (this.keyTimer) clearTimeout(this.keyTimer);
    this.keyTimer = null;
    this.consumers.clear();
    for (const b of this.byRoom) b.clear();
    this.pacing = 0;
    this.producer = null;
  }
}
