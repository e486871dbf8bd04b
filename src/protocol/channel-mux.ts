// The channels of one connection (routing frames by id, moving them to a new transport after a
// reconnect), and an in-memory pair of channel ends for unit tests of a feature's logic.
import { Channel, type FrameSink } from './channel-endpoint.ts';
import { FrameError, readHeader, type ChannelKind, type ChannelMeta, type FrameHeader } from './channels.ts';

/**
 * The channels of one connection: routes incoming frames to their channel by id, and moves them
 * all to a new transport after a reconnect. Frames for unknown channels are counted and dropped
 * (a channel closed a moment ago may still have frames in flight).
 */
export class ChannelMux {
  private readonly channels = new Map<number, Channel>();
  private sink: FrameSink | null = null;
  unknownFrames = 0;

  constructor(private readonly onError?: (code: string, message: string) => void) {}

  get size(): number {
    return this.channels.size;
  }

  get(id: number): Channel | undefined {
    return this.channels.get(id);
  }

  all(): Channel[] {
    return [...this.channels.values()];
  }

  add(ch: Channel, opts: { resync: boolean } = { resync: false }): Channel {
    this.channels.set(ch.id, ch);
    void ch.closed.then(() => {
      if (this.channels.get(ch.id) === ch) this.channels.delete(ch.id);
    });
    if (this.sink) ch.attach(this.sink, opts);
    return ch;
  }

  attach(sink: FrameSink, opts: { resync: boolean }): void {
    this.sink = sink;
    for (const ch of this.channels.values()) ch.attach(sink, opts);
  }

  /** New channels use this transport; existing ones are attached one by one by the owner. */
  setSink(sink: FrameSink): void {
    this.sink = sink;
  }

  detach(): void {
    this.sink = null;
    for (const ch of this.channels.values()) ch.detach();
  }

  /** A binary message from the WebSocket. Never throws. */
  handle(bytes: Uint8Array): void {
    let h: FrameHeader;
    try {
      h = readHeader(bytes);
    } catch (err) {
      this.onError?.(err instanceof FrameError ? err.code : 'bad_frame', err instanceof Error ? err.message : String(err));
      return;
    }
    const ch = this.channels.get(h.channelId);
    if (!ch) {
      this.unknownFrames++;
      return;
    }
    ch.handleFrame(h, bytes);
  }

  /** Ends every channel (the session ended, or the transport is gone for good). */
  finishAll(reason: string): void {
    for (const ch of [...this.channels.values()]) ch.finish(reason);
    this.channels.clear();
  }
}

/** Two channel ends joined in memory, for unit tests of a feature's logic (never for integration tests). */
export function createChannelPair(kind: ChannelKind, meta: ChannelMeta = {}, id = 1): [Channel, Channel] {
  const a = new Channel({ id, kind, meta });
  const b = new Channel({ id, kind, meta });
  const route = (to: Channel) => ({
    send: (frame: Uint8Array) => {
      const copy = frame.slice();
      queueMicrotask(() => to.handleFrame(readHeader(copy), copy));
    },
  });
  a.attach(route(b), { resync: false });
  b.attach(route(a), { resync: false });
  return [a, b];
}

