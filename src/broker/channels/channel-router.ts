// The broker's live channels: opened by a rep for what the customer granted, relayed both ways
// without copying, checked against each kind's direction and each receiver's credit, fanned out
// to every viewer on latest channels, re-attached after either side reconnects, and closed on
// revoke, leave, transfer and end. It knows sessions only through the small `ChannelSession`
// shape and parties only as frame targets, so a second broker process could hold one side of a
// channel behind a message bus (docs/sessions.md, "Across brokers").
import { randomBytes } from 'node:crypto';
import {
  CHANNEL_KINDS,
  ChannelCloseReason,
  FrameError,
  FrameFlag,
  clampCreditWindow,
  encodeClose,
  readCounter,
  readHeader,
  type ChannelKind,
  type ChannelKindRule,
  type ChannelMeta,
  type ChannelView,
  type FrameHeader,
} from '../../protocol/channels.ts';
import type { ChannelOpenedMessage } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { LatestFanout, type FrameTarget } from './fanout.ts';

/** The customer's connection as channels see it. */
export interface CustomerParty extends FrameTarget {
  sendJson(msg: ChannelOpenedMessage): void;
}

/** One rep console connection (a user may have several; each channel has exactly one). */
export interface RepParty extends FrameTarget {
  readonly userId: number;
}

export interface ChannelSession {
  readonly lsid: string;
  /** Open channels by id, as the session summary lists them (kept current by the router). */
  readonly channels: Map<number, ChannelView>;
  customerParty(): CustomerParty | null;
}

/** Something that sees every frame of a session's channels as it passes (the recording tee). */
export interface TappedChannel {
  channelId: number;
  kind: ChannelKind;
  meta: ChannelMeta;
  fromCustomer: boolean;
  /** The rep who opened the channel (on an input channel: who holds the mouse and keyboard). */
  userId: number | null;
}
export type ChannelTap = ((ch: TappedChannel, h: FrameHeader, frame: Uint8Array) => void) & {
  /** The channel closed (after its last frame). */
  closed?: (ch: TappedChannel, reason: string) => void;
};

/** How many closed channels the router remembers for late frames (a few KB). */
const RECENTLY_CLOSED_KEPT = 4096;

interface Direction {
  /** Payload bytes relayed toward the receiver, and how far its grants let the sender go. */
  relayed: number;
  limit: number;
  /**
   * The receiver reconnected and sent SYNC; until the sender answers with its own SYNC, DATA in
   * flight toward the receiver is dropped uncounted (the sender resends it after the answer).
   */
  resyncing?: boolean;
}

interface RepEnd {
  userId: number;
  party: RepParty | null;
  token: string;
}

export interface BrokerChannel {
  id: number;
  session: ChannelSession;
  kind: ChannelKind;
  rule: ChannelKindRule;
  meta: ChannelMeta;
  metaKey: string;
  /** Ordered and urgent channels: exactly one rep end; latest: one per viewer. */
  reps: RepEnd[];
  toRep: Direction;
  toCustomer: Direction;
  fanout: LatestFanout | null;
}

export interface OpenResult {
  channelId: number;
  token: string;
  window: number;
  /** A latest channel already open with the same meta: this rep joined its fan-out. */
  joined: boolean;
}

const stableKey = (kind: string, meta: ChannelMeta) => `${kind}:${JSON.stringify(Object.keys(meta).sort().map((k) => [k, meta[k]]))}`;

/** The counter of a CREDIT or SYNC frame, or a bad_request. */
function counterOf(bytes: Uint8Array): number {
  try {
    return readCounter(bytes);
  } catch (err) {
    frameError(err);
  }
}

function tapped(ch: BrokerChannel, fromCustomer: boolean): TappedChannel {
  return { channelId: ch.id, kind: ch.kind, meta: ch.meta, fromCustomer, userId: ch.reps[0]?.userId ?? null };
}

function frameError(err: unknown): never {
  if (err instanceof FrameError) throw new PasserelleError('bad_request', `Malformed frame: ${err.message}`, { frame: err.code });
  throw err;
}

export interface ChannelRouterOptions {
  /** The most channels one session may have open. */
  maxChannelsPerSession?: number;
  /** The broker's cap on any window (bytes), whatever the kind allows. */
  maxWindowBytes?: number;
  onClose?: (ch: BrokerChannel, reason: string) => void;
}

export class ChannelRouter {
  private readonly channels = new Map<number, BrokerChannel>();
  /**
   * Channels closed lately, with who was on them: frames their own parties had in flight when the
   * CLOSE crossed them are dropped quietly (a normal race, not bad input); anyone else still gets
   * an error. Bounded: the oldest are forgotten first.
   */
  private readonly recentlyClosed = new Map<number, { session: ChannelSession; reps: (RepParty | null)[] }>();
  private readonly taps = new Map<string, Set<ChannelTap>>();
  private nextId = 1;
  private readonly maxPerSession: number;
  private readonly maxWindowBytes: number;

  constructor(private readonly o: ChannelRouterOptions = {}) {
    this.maxPerSession = o.maxChannelsPerSession ?? 32;
    this.maxWindowBytes = o.maxWindowBytes ?? 64 * 1024 * 1024;
    // A screen grant held back while every viewer's socket was over its high-water mark goes out
    // once one drains: the sockets say nothing when they do, so look ten times a second.
    setInterval(() => {
      for (const ch of this.channels.values()) ch.fanout?.poke();
    }, 100).unref();
  }

  get openCount(): number {
    return this.channels.size;
  }

  private windowCap(rule: ChannelKindRule): number {
    return rule.delivery === 'latest' ? rule.maxWindow : Math.min(rule.maxWindow, this.maxWindowBytes);
  }

  /** A rep opens a channel (the caller checked the customer's grant). */
  open(s: ChannelSession, rep: RepParty, kind: ChannelKind, meta: ChannelMeta): OpenResult {
    const rule = CHANNEL_KINDS[kind];
    const metaKey = stableKey(kind, meta);
    const token = randomBytes(16).toString('base64url');
    if (rule.delivery === 'latest') {
      for (const id of s.channels.keys()) {
        const ch = this.channels.get(id);
        if (!ch || ch.metaKey !== metaKey || !ch.fanout) continue;
        const existing = ch.reps.find((r) => r.party === rep);
        if (existing) return { channelId: ch.id, token: existing.token, window: rule.initialWindow, joined: true };
        const end: RepEnd = { userId: rep.userId, party: rep, token };
        ch.reps.push(end);
        ch.fanout.addConsumer(end, rep);
        this.refreshView(ch);
        return { channelId: ch.id, token, window: rule.initialWindow, joined: true };
      }
    }
    if (s.channels.size >= this.maxPerSession) throw new PasserelleError('rate_limited', `At most ${this.maxPerSession} channels per session`);
    const ch: BrokerChannel = {
      id: this.nextId++,
      session: s,
      kind,
      rule,
      meta,
      metaKey,
      reps: [{ userId: rep.userId, party: rep, token }],
      toRep: { relayed: 0, limit: rule.initialWindow },
      toCustomer: { relayed: 0, limit: rule.initialWindow },
      fanout: null,
    };
    if (rule.delivery === 'latest') {
      ch.fanout = new LatestFanout(ch.id, rule);
      ch.fanout.addConsumer(ch.reps[0], rep);
    }
    this.channels.set(ch.id, ch);
    this.refreshView(ch);
    const customer = s.customerParty();
    customer?.sendJson({ type: 'channel.opened', channelId: ch.id, kind, meta });
    if (ch.fanout) ch.fanout.attachProducer(customer);
    return { channelId: ch.id, token, window: rule.initialWindow, joined: false };
  }

  /** A rep's console reconnected: it takes its end of the channel back with the token it got. */
  attachRep(s: ChannelSession, rep: RepParty, channelId: number, token: string): { kind: ChannelKind; meta: ChannelMeta } {
    const ch = this.channels.get(channelId);
    const end = ch?.session === s ? ch.reps.find((r) => r.token === token && r.userId === rep.userId) : undefined;
    if (!ch || !end) throw new PasserelleError('not_found', `No open channel ${channelId} of yours`);
    end.party = rep;
    if (ch.fanout) ch.fanout.reattach(end, rep);
    return { kind: ch.kind, meta: ch.meta };
  }

  /** A console connection closed: its channel ends wait for it (the session's grace period). */
  repDisconnected(rep: RepParty): void {
    for (const ch of this.channels.values()) {
      for (const end of ch.reps) {
        if (end.party !== rep) continue;
        end.party = null;
        if (ch.fanout) ch.fanout.reattach(end, null);
      }
    }
  }

  /** The customer (re)connected: open channels are announced again and resume. */
  customerAttached(s: ChannelSession): void {
    const customer = s.customerParty();
    if (!customer) return;
    for (const id of s.channels.keys()) {
      const ch = this.channels.get(id);
      if (!ch) continue;
      customer.sendJson({ type: 'channel.opened', channelId: ch.id, kind: ch.kind, meta: ch.meta, resumed: true });
      if (ch.fanout) ch.fanout.attachProducer(customer);
    }
  }

  customerDetached(s: ChannelSession): void {
    for (const id of s.channels.keys()) this.channels.get(id)?.fanout?.attachProducer(null);
  }

  private refreshView(ch: BrokerChannel): void {
    ch.session.channels.set(ch.id, { channelId: ch.id, kind: ch.kind, meta: ch.meta, userIds: [...new Set(ch.reps.map((r) => r.userId))] });
  }

  get(id: number): BrokerChannel | undefined {
    return this.channels.get(id);
  }

  /** Sees every DATA frame of the session's channels (recording). Returns the way to stop. */
  /**
   * A tap of this session needs a key frame on one of its latest channels (the recorder waits
   * for one): asks the producer, spaced like viewers' requests. False if there is no such channel.
   */
  requestKeyFrame(lsid: string, channelId: number): boolean {
    const ch = this.channels.get(channelId);
    if (!ch || ch.session.lsid !== lsid || !ch.fanout) return false;
    ch.fanout.keyRequestFromTap();
    return true;
  }

  tap(lsid: string, tap: ChannelTap): () => void {
    let set = this.taps.get(lsid);
    if (!set) this.taps.set(lsid, (set = new Set()));
    set.add(tap);
    return () => {
      set.delete(tap);
      if (set.size === 0) this.taps.delete(lsid);
    };
  }

  /** Closes the session's channels that match, telling both sides (CLOSE frames, in order after data). */
  close(s: ChannelSession, match: (ch: BrokerChannel) => boolean, reason: string): void {
    for (const id of [...s.channels.keys()]) {
      const ch = this.channels.get(id);
      if (ch && match(ch)) this.closeChannel(ch, reason, { customer: true, reps: true });
    }
  }

  /** A rep leaves the session: their channels close; on a shared screen only their view ends. */
  removeRep(s: ChannelSession, userId: number, reason: string): void {
    for (const id of [...s.channels.keys()]) {
      const ch = this.channels.get(id);
      if (!ch) continue;
      if (ch.fanout) {
        for (const end of ch.reps.filter((r) => r.userId === userId)) this.dropViewer(ch, end, reason);
      } else if (ch.reps.some((r) => r.userId === userId)) {
        this.closeChannel(ch, reason, { customer: true, reps: true });
      }
    }
  }

  endSession(s: ChannelSession, reason: string): void {
    this.close(s, () => true, reason);
    this.taps.delete(s.lsid);
  }

  private dropViewer(ch: BrokerChannel, end: RepEnd, reason: string): void {
    ch.reps = ch.reps.filter((r) => r !== end);
    ch.fanout!.removeConsumer(end);
    end.party?.send(encodeClose(ch.id, reason));
    if (ch.reps.length === 0) this.closeChannel(ch, reason, { customer: true, reps: false });
    else this.refreshView(ch);
  }

  private closeChannel(ch: BrokerChannel, reason: string, tell: { customer: boolean; reps: boolean }): void {
    if (!this.channels.delete(ch.id)) return;
    ch.session.channels.delete(ch.id);
    this.recentlyClosed.set(ch.id, { session: ch.session, reps: ch.reps.map((r) => r.party) });
    if (this.recentlyClosed.size > RECENTLY_CLOSED_KEPT) this.recentlyClosed.delete(this.recentlyClosed.keys().next().value!);
    const frame = encodeClose(ch.id, reason);
    if (tell.customer) ch.session.customerParty()?.send(frame);
    if (tell.reps) for (const end of ch.reps) end.party?.send(frame);
    ch.fanout?.dispose();
    const taps = this.taps.get(ch.session.lsid);
    if (taps) for (const tap of taps) tap.closed?.(tapped(ch, false), reason);
    this.o.onClose?.(ch, reason);
  }

  // ---------------- frames ----------------

  /** A binary frame from the session's customer. Throws PasserelleError for the gateway to answer. */
  fromCustomer(s: ChannelSession, bytes: Uint8Array): void {
    let h: FrameHeader;
    try {
      h = readHeader(bytes);
    } catch (err) {
      frameError(err);
    }
    const ch = this.channels.get(h.channelId);
    if (!ch && this.recentlyClosed.get(h.channelId)?.session === s) return;
    if (!ch || ch.session !== s) throw new PasserelleError('permission_not_granted', `No open channel ${h.channelId} in this session`);
    if (ch.fanout) return this.producerFrame(ch, h, bytes);
    const rep = ch.reps[0]!;
    switch (h.type) {
      case 'data':
        if (!ch.rule.toRep) return this.violate(ch, 'bad_request', `${ch.kind} channels carry nothing from the customer`, 'customer');
        return this.relayData(ch, ch.toRep, h, bytes, rep.party, true);
      case 'credit':
        return this.relayCredit(ch, ch.toCustomer, bytes, rep.party);
      case 'sync':
        return this.relaySync(ch, h, ch.toCustomer, ch.toRep, bytes, rep.party);
      case 'close':
        rep.party?.send(bytes);
        return this.closeChannel(ch, ChannelCloseReason.closedByPeer, { customer: false, reps: false });
      case 'keyreq':
        return this.violate(ch, 'bad_request', `Channel ${ch.id}: key frame requests are for latest channels`, 'customer');
    }
  }

  /** A binary frame from a rep console connection. */
  fromRep(rep: RepParty, bytes: Uint8Array): void {
    let h: FrameHeader;
    try {
      h = readHeader(bytes);
    } catch (err) {
      frameError(err);
    }
    const ch = this.channels.get(h.channelId);
    const end = ch?.reps.find((r) => r.party === rep);
    if (!ch && this.recentlyClosed.get(h.channelId)?.reps.includes(rep)) return;
    if (!ch || !end) throw new PasserelleError('permission_not_granted', `No open channel ${h.channelId} of this console`);
    const customer = ch.session.customerParty();
    if (ch.fanout) {
      switch (h.type) {
        case 'credit': {
          const consumed = counterOf(bytes);
          if (ch.fanout.fromConsumer(end, consumed, h.seq)) return this.violate(ch, 'bad_request', 'Credit for frames never sent', 'rep', end);
          return;
        }
        case 'keyreq':
          return ch.fanout.keyRequestFrom(end);
        case 'close':
          return this.dropViewer(ch, end, ChannelCloseReason.closedByPeer);
        default:
          // This viewer broke the channel's rules: its view closes, the other viewers' go on.
          return this.violate(ch, 'bad_request', `Channel ${ch.id}: ${ch.kind} channels carry nothing from the console but credit, key frame requests and close`, 'rep', end);
      }
    }
    switch (h.type) {
      case 'data':
        if (!ch.rule.toCustomer) return this.violate(ch, 'bad_request', `${ch.kind} channels carry nothing from the console`, 'rep');
        return this.relayData(ch, ch.toCustomer, h, bytes, customer, false);
      case 'credit':
        return this.relayCredit(ch, ch.toRep, bytes, customer);
      case 'sync':
        return this.relaySync(ch, h, ch.toRep, ch.toCustomer, bytes, customer);
      case 'close':
        customer?.send(bytes);
        return this.closeChannel(ch, ChannelCloseReason.closedByPeer, { customer: false, reps: false });
      case 'keyreq':
        return this.violate(ch, 'bad_request', `Channel ${ch.id}: key frame requests are for latest channels`, 'rep');
    }
  }

  private producerFrame(ch: BrokerChannel, h: FrameHeader, bytes: Uint8Array): void {
    if (h.type === 'close') {
      for (const end of ch.reps) end.party?.send(bytes);
      return this.closeChannel(ch, ChannelCloseReason.closedByPeer, { customer: false, reps: false });
    }
    if (h.type !== 'data') return this.violate(ch, 'bad_request', `Channel ${ch.id}: the customer sends DATA and CLOSE on ${ch.kind} channels`, 'customer');
    this.tapFrame(ch, h, bytes, true);
    const problem = ch.fanout!.fromProducer(h, bytes);
    if (problem) this.violate(ch, problem === 'message_too_large' ? 'body_too_large' : 'rate_limited', `Channel ${ch.id}: ${problem}`, 'customer', undefined, problem);
  }

  private relayData(ch: BrokerChannel, dir: Direction, h: FrameHeader, bytes: Uint8Array, to: FrameTarget | null, fromCustomer: boolean): void {
    if (dir.resyncing) return;
    const n = bytes.length - 16;
    if (dir.relayed + n > dir.limit) {
      return this.violate(ch, 'rate_limited', `Channel ${ch.id}: credit exceeded; wait for a CREDIT frame`, fromCustomer ? 'customer' : 'rep', undefined, ChannelCloseReason.flowControl);
    }
    dir.relayed += n;
    this.tapFrame(ch, h, bytes, fromCustomer);
    // The receiver is away (reconnecting): the sender keeps these bytes and resends after SYNC.
    to?.send(bytes);
  }

  private relayCredit(ch: BrokerChannel, dir: Direction, bytes: Uint8Array, to: FrameTarget | null): void {
    const consumed = counterOf(bytes);
    if (consumed > dir.relayed) return this.violate(ch, 'bad_request', `Channel ${ch.id}: credit for bytes never sent`, 'either');
    clampCreditWindow(bytes, this.windowCap(ch.rule));
    const window = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0);
    dir.limit = Math.max(dir.limit, consumed + window);
    to?.send(bytes);
  }

  /** A SYNC about `dir` (what its sender of it received); `other` is the opposite direction. */
  private relaySync(ch: BrokerChannel, h: FrameHeader, dir: Direction, other: Direction, bytes: Uint8Array, to: FrameTarget | null): void {
    const received = counterOf(bytes);
    if (received > dir.relayed) return this.violate(ch, 'bad_request', `Channel ${ch.id}: sync beyond what was sent`, 'either');
    // The sender resends from `received`: count from there again.
    dir.relayed = received;
    if ((h.flags & FrameFlag.reply) === 0) dir.resyncing = true;
    // This side's SYNC answers the other side's: DATA toward the other side flows again.
    other.resyncing = false;
    to?.send(bytes);
  }

  private tapFrame(ch: BrokerChannel, h: FrameHeader, bytes: Uint8Array, fromCustomer: boolean): void {
    const taps = this.taps.get(ch.session.lsid);
    if (!taps) return;
    const view = tapped(ch, fromCustomer);
    for (const tap of taps) tap(view, h, bytes);
  }

  /**
   * A party broke the channel's rules: on ordered channels the byte stream can no longer be
   * trusted, so the channel closes with the reason; the offender gets a typed error. On a latest
   * channel a viewer's fault closes only that viewer's view (the last one closes the channel).
   */
  private violate(ch: BrokerChannel, code: 'bad_request' | 'rate_limited' | 'body_too_large', message: string, _who: string, viewer?: RepEnd, closeReason: string = ChannelCloseReason.flowControl): never {
    if (viewer) this.dropViewer(ch, viewer, closeReason);
    else this.closeChannel(ch, closeReason, { customer: true, reps: true });
    throw new PasserelleError(code, message, { channelId: ch.id });
  }
}
