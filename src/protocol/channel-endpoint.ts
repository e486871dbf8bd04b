// One end of a live channel, the same class on the customer's side and in console-core: writes
// with back-pressure from the peer's credit, fragmentation of large messages, reassembly, credit
// grants with window auto-tuning, newest-wins sending on latest channels, and resume after a
// reconnect (the sender keeps what the receiver has not consumed, and resends from what it got).
// Pure TypeScript with no imports beyond the protocol: it runs in Node, Electron and browsers.
// Its parts: channel-send.ts (frames, pool, retained frames), channel-window.ts (the receiving
// window and its grants), channel-reassembly.ts (fragmented messages).
import {
  CHANNEL_KINDS,
  ChannelCloseReason,
  FrameError,
  FRAME_HEADER_BYTES,
  FrameFlag,
  encodeClose,
  encodeCredit,
  encodeKeyRequest,
  encodeSync,
  payloadOf,
  readCloseReason,
  readCounter,
  type ChannelKind,
  type ChannelKindRule,
  type ChannelMeta,
  type FrameHeader,
} from './channels.ts';

import { FramePool, framePool, ownedPayloads } from './frame-pool.ts';
import { ChannelClosedError, type ChannelMessage, type ChannelOptions, type FrameSink, type PendingWrite } from './channel-types.ts';
import { Reassembly, type ReceivedMessage } from './channel-reassembly.ts';
import { RetainedFrames, dataFrame, fragmentSize, sendFragments } from './channel-send.ts';
import { ReceiveWindow } from './channel-window.ts';

export { ChannelClosedError, type ChannelMessage, type ChannelOptions, type FrameSink } from './channel-types.ts';

const ts = (now: () => number) => now() % 2 ** 32;

export class Channel implements AsyncIterable<ChannelMessage> {
  readonly id: number;
  readonly kind: ChannelKind;
  readonly meta: ChannelMeta;
  readonly rule: ChannelKindRule;
  private readonly now: () => number;
  private readonly onProtocolError?: ChannelOptions['onProtocolError'];
  private sink: FrameSink | null = null;

  // --- sending ---
  private nextSeq = 1;
  /** Bytes (ordered) or messages (latest) sent so far, and what the peer said it consumed. */
  private sent = 0;
  private acked = 0;
  private peerWindow: number;
  private readonly queue: PendingWrite[] = [];
  private readonly retained = new RetainedFrames();
  private waitedForCredit = false;
  /**
   * Ordered channels after this side reconnected: our SYNC is out and the peer's answer is not in.
   * Until it is, nothing new is sent (the peer may have lost some of what we sent) and DATA that
   * still comes is dropped (the peer sends it again after its answer, from the byte we reported).
   */
  private awaitingSync = false;
  private latestPending: { payload: Uint8Array; key: boolean } | null = null;
  private writableWaiters: (() => void)[] = [];
  private readonly keyListeners: (() => void)[] = [];
  private closeAfterQueue: string | null = null;

  // --- receiving ---
  private readonly rx: ReceiveWindow;
  private readonly reassembly = new Reassembly();
  private readonly inbox: ReceivedMessage[] = [];
  private inboxWaiter: ((r: IteratorResult<ChannelMessage>) => void) | null = null;
  private handler: ((m: ChannelMessage) => void | Promise<void>) | null = null;
  private handling = false;

  // --- life ---
  private closedReason: string | null = null;
  private resolveClosed!: (reason: string) => void;
  /** Resolves with the reason once the channel is closed, by either side or the broker. */
  readonly closed: Promise<string>;
  /** Counters for benches and the session summary. */
  readonly stats = { bytesSent: 0, bytesReceived: 0, messagesDropped: 0, resent: 0 };

  constructor(opts: ChannelOptions) {
    this.id = opts.id;
    this.kind = opts.kind;
    this.meta = opts.meta ?? {};
    this.rule = CHANNEL_KINDS[opts.kind];
    this.now = opts.now ?? (() => Date.now());
    this.onProtocolError = opts.onProtocolError;
    this.rx = new ReceiveWindow(this.rule, opts.maxWindow);
    this.peerWindow = this.rx.window;
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  get isClosed(): boolean {
    return this.closedReason !== null;
  }

  get latest(): boolean {
    return this.rule.delivery === 'latest';
  }

  /** Bytes (or messages) this side has sent that the peer has not consumed yet. */
  get inFlight(): number {
    return this.sent - this.acked;
  }

  get currentWindow(): number {
    return this.rx.window;
  }

  // ---------------- transport ----------------

  /** A (re)connected transport: frames flow again; ordered channels exchange SYNC to resume. */
  attach(sink: FrameSink, opts: { resync: boolean }): void {
    this.sink = sink;
    if (this.isClosed) return;
    if (opts.resync && this.latest) {
      // The broker restarts message credit from zero on both hops; the consumer waits for a key frame.
      this.sent = this.acked = this.rx.consumed = this.rx.granted = 0;
      this.peerWindow = this.rx.window;
      this.reassembly.reset();
    }
    if (opts.resync && !this.latest) {
      this.awaitingSync = true;
      sink.send(encodeSync(this.id, this.rx.received, false));
    }
    this.pump();
  }

  /** The transport went away: writes wait, nothing is lost. */
  detach(): void {
    this.sink = null;
  }

  /** A frame for this channel from the peer (or the broker). */
  handleFrame(h: FrameHeader, bytes: Uint8Array): void {
    if (this.isClosed) return;
    try {
      switch (h.type) {
        case 'data':
          return this.onData(h, payloadOf(bytes));
        case 'credit':
          return this.onCredit(readCounter(bytes), h.seq);
        case 'sync':
          return this.onSync(readCounter(bytes), (h.flags & FrameFlag.reply) !== 0);
        case 'keyreq':
          for (const l of this.keyListeners) l();
          return;
        case 'close':
          return this.finish(readCloseReason(bytes) || ChannelCloseReason.closedByPeer);
      }
    } catch (err) {
      if (err instanceof FrameError) return this.violation(err.code, err.message);
      throw err;
    }
  }

  private violation(code: string, message: string): void {
    this.onProtocolError?.(this, code, message);
    this.abort(code === 'message_too_large' ? ChannelCloseReason.tooLarge : ChannelCloseReason.flowControl);
  }

  // ---------------- sending ----------------

  /**
   * Sends one message (ordered and urgent channels); resolves once all of it is on the wire,
   * which waits for the peer's credit: that is the back-pressure.
   */
  write(payload: Uint8Array, opts: { key?: boolean } = {}): Promise<void> {
    if (this.isClosed) return Promise.reject(new ChannelClosedError(this.closedReason!));
    if (this.latest) return Promise.reject(new Error('latest channels use writeLatest()'));
    if (this.closeAfterQueue !== null) return Promise.reject(new ChannelClosedError('closing'));
    if (payload.length > this.rule.maxMessageBytes) return Promise.reject(new RangeError(`message over ${this.rule.maxMessageBytes} bytes`));
    const owned = ownedPayloads.get(payload);
    // A payload from allocPayload is written once: passed again, it is copied like any other.
    if (owned) ownedPayloads.delete(payload);
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, key: opts.key ?? false, offset: 0, seq: this.nextSeq++, timestamp: ts(this.now), owned, resolve, reject });
      this.pump();
    });
  }

  /**
   * A buffer for the next message's payload, with room for the frame header in front of it: the
   * producer reads or builds its bytes there, then passes it to `write()`, which sends it without
   * copying when it fits one frame. The buffer belongs to the channel from then on (it is reused
   * once the peer has it): do not touch it after `write()`. Its bytes are not zeroed.
   */
  allocPayload(bytes: number): Uint8Array {
    if (!FramePool.pooled(bytes)) return new Uint8Array(bytes);
    const frame = framePool.take(bytes);
    const payload = frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + bytes);
    ownedPayloads.set(payload, frame);
    return payload;
  }

  /** Whether a latest channel can take a message now (produce only then: the newest screen wins). */
  get writable(): boolean {
    if (this.isClosed || !this.sink) return false;
    return this.latest ? this.sent < this.acked + this.peerWindow : !this.awaitingSync && this.queue.length === 0 && this.sent < this.acked + this.peerWindow;
  }

  /** Resolves when `writable` becomes true (or the channel closes). */
  whenWritable(): Promise<void> {
    if (this.writable || this.isClosed) return Promise.resolve();
    return new Promise((r) => this.writableWaiters.push(r));
  }

  /**
   * Latest channels: sends now if credit allows, else keeps it as the one pending message,
   * replacing an older one. Returns false when a message was replaced (the consumer will miss a
   * frame, so key-frame listeners are told: the next frame should be a key frame).
   */
  writeLatest(payload: Uint8Array, opts: { key?: boolean } = {}): boolean {
    if (this.isClosed) return false;
    if (!this.latest) throw new Error('writeLatest() is for latest channels');
    if (payload.length > this.rule.maxMessageBytes) throw new RangeError(`message over ${this.rule.maxMessageBytes} bytes`);
    const key = opts.key ?? false;
    if (this.sink && this.sent < this.acked + this.peerWindow && !this.latestPending) {
      this.sendMessageNow(payload, key);
      return true;
    }
    const replaced = this.latestPending !== null;
    this.latestPending = { payload, key };
    if (replaced) {
      this.stats.messagesDropped++;
      if (!key) for (const l of this.keyListeners) l();
    }
    return !replaced;
  }

  /** Producer side of a latest channel: a consumer joined or fell behind and needs a key frame. */
  onKeyFrameRequest(cb: () => void): void {
    this.keyListeners.push(cb);
  }

  /** Consumer side of a latest channel: ask the producer for a key frame. */
  requestKeyFrame(): void {
    this.sink?.send(encodeKeyRequest(this.id));
  }

  private sendMessageNow(payload: Uint8Array, key: boolean): void {
    sendFragments(this.sink!, this.id, this.nextSeq++, ts(this.now), key, payload);
    this.stats.bytesSent += payload.length;
    this.sent++;
  }

  private pump(): void {
    if (!this.sink || this.isClosed) return;
    if (this.latest) {
      if (this.latestPending && this.sent < this.acked + this.peerWindow) {
        const p = this.latestPending;
        this.latestPending = null;
        this.sendMessageNow(p.payload, p.key);
      }
      this.wakeWritable();
      return;
    }
    if (this.awaitingSync) return;
    const fragSize = fragmentSize(this.peerWindow);
    while (this.queue.length > 0) {
      const w = this.queue[0]!;
      const len = Math.min(fragSize, w.payload.length - w.offset);
      if (this.sent + len > this.acked + this.peerWindow) {
        this.waitedForCredit = true;
        return;
      }
      const last = w.offset + len >= w.payload.length;
      const flags = (w.key ? FrameFlag.key : 0) | (last ? 0 : FrameFlag.more) | (this.waitedForCredit ? FrameFlag.limited : 0);
      this.waitedForCredit = false;
      const { frame, pooled } = dataFrame(this.id, w, len, flags);
      this.retained.push({ offset: this.sent, length: len, frame, pooled });
      this.sink.send(frame);
      this.sent += len;
      this.stats.bytesSent += len;
      w.offset += len;
      if (last) {
        this.queue.shift();
        // Sent in several frames, each a copy: the producer's buffer is free again.
        if (w.owned) framePool.give(w.owned);
        w.resolve();
      }
    }
    if (this.closeAfterQueue !== null) {
      const reason = this.closeAfterQueue;
      this.sink.send(encodeClose(this.id, reason));
      this.finish(reason);
      return;
    }
    this.wakeWritable();
  }

  private wakeWritable(): void {
    if (this.writableWaiters.length === 0 || !this.writable) return;
    const ws = this.writableWaiters;
    this.writableWaiters = [];
    for (const w of ws) w();
  }

  private onCredit(consumed: number, window: number): void {
    if (consumed > this.sent) return this.violation('frame_payload', `credit for ${consumed} but only ${this.sent} sent`);
    if (window === 0 || window > this.rule.maxWindow) return this.violation('frame_payload', `window ${window} out of range`);
    if (consumed > this.acked) this.acked = consumed;
    this.peerWindow = window;
    this.retained.release(this.acked);
    this.pump();
  }

  /** The peer got `received` of our bytes: resend what followed (it was lost with a connection). */
  private onSync(received: number, reply: boolean): void {
    if (!this.latest) {
      if (received > this.sent || received < this.acked) return this.violation('frame_payload', `sync at ${received} outside [${this.acked}, ${this.sent}]`);
      // Each side resends once per exchange: on the peer's SYNC, or on its answer to ours. An
      // answer that comes after we already answered a crossing SYNC resends nothing.
      const resend = !reply || this.awaitingSync;
      this.awaitingSync = false;
      // The answer goes first: the peer drops DATA until it has it, so what follows is exactly
      // the stream from the byte it reported.
      if (!reply) this.sink?.send(encodeSync(this.id, this.rx.received, true));
      if (resend) this.stats.resent += this.retained.resendFrom(received, this.sink);
    }
    // Grants sent while a side was away may be lost: say again what we consumed.
    this.sink?.send(encodeCredit(this.id, this.rx.consumed, this.rx.window));
    this.rx.markGranted();
    this.pump();
  }

  // ---------------- receiving ----------------

  private onData(h: FrameHeader, payload: Uint8Array): void {
    if (this.awaitingSync) return; // sent before the peer saw our SYNC: it comes again after the answer
    if (!this.latest && !this.rx.admit(payload.length)) return this.violation('flow_control', `peer sent beyond its credit on channel ${this.id}`);
    this.stats.bytesReceived += payload.length;
    if ((h.flags & FrameFlag.limited) !== 0) this.rx.limitedSeen = true;
    const more = (h.flags & FrameFlag.more) !== 0;
    const key = (h.flags & FrameFlag.key) !== 0;
    if (this.reassembly.abandonedBy(h.seq)) {
      // A new message began before the last was complete: the sender abandoned it.
      this.stats.messagesDropped++;
      if (!this.latest) return this.violation('frame_payload', 'incomplete message abandoned on an ordered channel');
    }
    if (!this.reassembly.pending && !more) return this.deliver({ payload, seq: h.seq, timestamp: h.timestamp, key });
    const r = this.reassembly.add(h, key, more, payload, this.rule.maxMessageBytes);
    if (r.status === 'too_large') {
      if (this.latest) {
        this.stats.messagesDropped++;
        this.requestKeyFrame();
        return;
      }
      return this.violation('message_too_large', `message over ${this.rule.maxMessageBytes} bytes`);
    }
    if (r.status === 'more') {
      if (this.readerWaiting()) this.creditPartial();
      return;
    }
    this.deliver(r.message);
  }

  /** The reader has taken everything before the message being reassembled and asks for more. */
  private readerWaiting(): boolean {
    return this.inboxWaiter !== null || (this.handler !== null && !this.handling && this.inbox.length === 0);
  }

  /**
   * Credits the fragments of the message being reassembled, once the reader waits for it: it is
   * the next thing the reader takes, so its bytes count as consumed (reassembly is bounded by the
   * kind's message size, and a message larger than the window must not deadlock). A reader that
   * stopped reading is not waiting: fragments then wait for credit like whole messages, and what
   * it holds stays within its window.
   */
  private creditPartial(): void {
    if (this.latest || this.isClosed) return;
    const n = this.reassembly.takeUncredited();
    if (n > 0) this.consumedBytes(n);
  }

  private deliver(m: ReceivedMessage): void {
    if (this.inboxWaiter) {
      const w = this.inboxWaiter;
      this.inboxWaiter = null;
      w({ value: m, done: false });
      this.consumedMessage(m);
      return;
    }
    this.inbox.push(m);
    this.drainToHandler();
  }

  /** The application took a message: grant more credit (batched on byte channels). */
  private consumedMessage(m: ReceivedMessage): void {
    if (this.isClosed) return;
    if (this.latest) {
      this.rx.consumed++;
      this.sink?.send(encodeCredit(this.id, this.rx.consumed, this.rx.window));
      this.rx.markGranted();
      return;
    }
    this.consumedBytes(m.payload.length - (m.precounted ?? 0));
  }

  private consumedBytes(n: number): void {
    if (this.rx.consume(n, this.inbox.length === 0)) this.sendGrant();
  }

  private sendGrant(): void {
    this.sink?.send(encodeCredit(this.id, this.rx.consumed, this.rx.window));
    this.rx.markGranted();
    this.pump();
  }

  /** Push-style reading: one message at a time; the next comes when the handler's promise settles. */
  onMessage(handler: (m: ChannelMessage) => void | Promise<void>): void {
    this.handler = handler;
    this.drainToHandler();
  }

  private drainToHandler(): void {
    if (!this.handler || this.handling) return;
    const m = this.inbox.shift();
    if (!m) return this.creditPartial();
    this.handling = true;
    const done = () => {
      this.handling = false;
      this.consumedMessage(m);
      this.drainToHandler();
    };
    try {
      const r = this.handler(m);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(done, done);
      else done();
    } catch {
      done();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ChannelMessage> {
    return {
      next: () => {
        const m = this.inbox.shift();
        if (m) {
          this.consumedMessage(m);
          return Promise.resolve({ value: m, done: false });
        }
        if (this.isClosed) return Promise.resolve({ value: undefined, done: true });
        const next = new Promise<IteratorResult<ChannelMessage>>((resolve) => (this.inboxWaiter = resolve));
        this.creditPartial();
        return next;
      },
      // Leaving a `for await` early stops reading; it does not close the channel.
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  // ---------------- closing ----------------

  /** Closes after what was written has gone out; the peer reads everything before the close. */
  close(reason: string = ChannelCloseReason.closedByPeer): void {
    if (this.isClosed || this.closeAfterQueue !== null) return;
    if (this.queue.length === 0 || !this.sink) {
      this.sink?.send(encodeClose(this.id, reason));
      this.finish(reason);
      return;
    }
    this.closeAfterQueue = reason;
  }

  /** Closes at once, dropping what is queued. */
  abort(reason: string): void {
    if (this.isClosed) return;
    this.sink?.send(encodeClose(this.id, reason));
    this.finish(reason);
  }

  /** The channel is over (closed here, by the peer, or by the broker). */
  finish(reason: string): void {
    if (this.isClosed) return;
    this.closedReason = reason;
    const err = new ChannelClosedError(reason);
    for (const w of this.queue.splice(0)) w.reject(err);
    this.retained.clear();
    this.latestPending = null;
    for (const w of this.writableWaiters.splice(0)) w();
    if (this.inboxWaiter && this.inbox.length === 0) {
      const w = this.inboxWaiter;
      this.inboxWaiter = null;
      w({ value: undefined, done: true });
    }
    this.resolveClosed(reason);
  }
}
