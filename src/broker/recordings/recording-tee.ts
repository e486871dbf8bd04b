// The recording tee (REP-5): sits on the channel router's tap of one session and hands the
// session's screen stream and the rep's input to the recording writer as they pass. It runs on
// the relay path, so it does only what cannot wait: fragments of one message are collected (a
// single-fragment message is passed as the very bytes the router relays), and the writer queues
// the record without touching the disk. Who holds the mouse and keyboard is the rep whose input
// channel last carried an event, until that channel closes. When the writer waits for a key frame
// (it joined a screen stream mid-way, or dropped frames while the disk was behind) the tee asks
// the producer for one, as a viewer would, instead of waiting for the next periodic one.
import { FrameFlag, FRAME_HEADER_BYTES, type FrameHeader } from '../../protocol/channels.ts';
import type { ChannelTap, TappedChannel } from '../channels/channel-router.ts';
import type { RecordedKind } from './format.ts';
import type { ControlHolder, RecordingWriter } from './recording-writer.ts';

/** What is recorded: the picture, and what the rep did to it. Files, shells and clipboards are not. */
const RECORDED = new Set<string>(['screen', 'input', 'annotation']);

interface Partial {
  seq: number;
  parts: Uint8Array[];
  key: boolean;
}

export class RecordingTee {
  private readonly seen = new Set<number>();
  private readonly partial = new Map<number, Partial>();
  private holder: { channelId: number; userId: number } | null = null;
  readonly tap: ChannelTap;

  constructor(
    private readonly writer: RecordingWriter,
    private readonly nameOf: (userId: number) => string,
    /** Asks the producer of a screen channel for a key frame (the router, spaced per channel). */
    private readonly requestKeyFrame: (channelId: number) => void = () => undefined,
  ) {
    const tap: ChannelTap = (ch, h, frame) => this.frame(ch, h, frame);
    tap.closed = (ch, reason) => this.closed(ch, reason);
    this.tap = tap;
  }

  private frame(ch: TappedChannel, h: FrameHeader, frame: Uint8Array): void {
    if (!RECORDED.has(ch.kind)) return;
    const kind = ch.kind as RecordedKind;
    if (!this.seen.has(ch.channelId)) {
      this.seen.add(ch.channelId);
      this.writer.channelOpened(ch.channelId, kind, ch.meta);
    }
    if (kind === 'input' && !ch.fromCustomer && ch.userId !== null && this.holder?.userId !== ch.userId) {
      this.holder = { channelId: ch.channelId, userId: ch.userId };
      this.writer.control(this.holderOf(ch.userId));
    }
    const payload = frame.subarray(FRAME_HEADER_BYTES);
    const more = (h.flags & FrameFlag.more) !== 0;
    const key = (h.flags & FrameFlag.key) !== 0;
    let p = this.partial.get(ch.channelId);
    if (p && p.seq !== h.seq) {
      // A message abandoned mid-way (the producer moved on): drop what was collected.
      this.partial.delete(ch.channelId);
      p = undefined;
    }
    if (!p && !more) {
      this.record(ch.channelId, kind, payload, key);
      return;
    }
    if (!p) this.partial.set(ch.channelId, (p = { seq: h.seq, parts: [], key }));
    p.parts.push(payload);
    p.key ||= key;
    if (more) return;
    this.partial.delete(ch.channelId);
    this.record(ch.channelId, kind, Buffer.concat(p.parts), p.key);
  }

  private record(channelId: number, kind: RecordedKind, payload: Uint8Array, key: boolean): void {
    if (this.writer.message(channelId, kind, payload, { key })) return;
    if (kind === 'screen' && this.writer.wantsKeyFrame(channelId)) this.requestKeyFrame(channelId);
  }

  private closed(ch: TappedChannel, reason: string): void {
    this.partial.delete(ch.channelId);
    if (this.seen.delete(ch.channelId)) this.writer.channelClosed(ch.channelId, ch.kind as RecordedKind, reason);
    if (this.holder?.channelId === ch.channelId) {
      this.holder = null;
      this.writer.control(null);
    }
  }

  private holderOf(userId: number): ControlHolder {
    return { userId, name: this.nameOf(userId) };
  }
}
