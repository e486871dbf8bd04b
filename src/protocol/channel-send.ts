// The sending side's frames of a channel (channel-endpoint.ts): building a DATA frame in a pooled
// buffer (or in the producer's own buffer from allocPayload, without a copy), fragmenting a
// latest channel's message, and the frames kept until the peer acknowledges their bytes (they
// are resent after a reconnect, then go back to the pool).
import { FrameFlag, MAX_FRAGMENT_BYTES, encodeData, encodeDataInPlace } from './channels.ts';
import { FramePool, framePool } from './frame-pool.ts';
import type { FrameSink, PendingWrite, Retained } from './channel-types.ts';

/** Bytes per DATA frame of an ordered channel: a quarter of the peer's window, 16 KiB to MAX_FRAGMENT_BYTES. */
export function fragmentSize(peerWindow: number): number {
  return Math.min(MAX_FRAGMENT_BYTES, Math.max(16 * 1024, Math.floor(peerWindow / 4)));
}

/** The DATA frame for the next `len` bytes of `w`, and the pool buffer under it if any. */
export function dataFrame(id: number, w: PendingWrite, len: number, flags: number): { frame: Uint8Array; pooled?: Uint8Array } {
  const last = w.offset + len >= w.payload.length;
  if (w.owned && w.offset === 0 && last) {
    // The producer's bytes are already behind the header room: nothing to copy.
    const pooled = w.owned;
    w.owned = undefined;
    return { frame: encodeDataInPlace(pooled, len, id, w.seq, w.timestamp, flags), pooled };
  }
  if (FramePool.pooled(len)) {
    const pooled = framePool.take(len);
    return { frame: encodeData(id, w.seq, w.timestamp, flags, w.payload.subarray(w.offset, w.offset + len), pooled), pooled };
  }
  return { frame: encodeData(id, w.seq, w.timestamp, flags, w.payload.subarray(w.offset, w.offset + len)) };
}

/** Sends one message of a latest channel in as many frames as it needs (not retained: newest wins). */
export function sendFragments(sink: FrameSink, id: number, seq: number, timestamp: number, key: boolean, payload: Uint8Array): void {
  let off = 0;
  do {
    const len = Math.min(MAX_FRAGMENT_BYTES, payload.length - off);
    const last = off + len >= payload.length;
    const flags = (key ? FrameFlag.key : 0) | (last ? 0 : FrameFlag.more);
    sink.send(encodeData(id, seq, timestamp, flags, payload.subarray(off, off + len)));
    off += len;
  } while (off < payload.length);
}

/** Frames sent on an ordered channel that the peer has not acknowledged yet, oldest first. */
export class RetainedFrames {
  private readonly frames: Retained[] = [];

  push(r: Retained): void {
    this.frames.push(r);
  }

  /** The peer consumed up to `acked`: frames wholly below it go back to the pool. */
  release(acked: number): void {
    while (this.frames.length > 0 && this.frames[0]!.offset + this.frames[0]!.length <= acked) {
      const r = this.frames.shift()!;
      if (r.pooled) framePool.give(r.pooled);
    }
  }

  /** Sends again every frame from byte `received` on; returns the bytes resent. */
  resendFrom(received: number, sink: FrameSink | null): number {
    let bytes = 0;
    for (const r of this.frames) {
      if (r.offset >= received) {
        sink?.send(r.frame);
        bytes += r.length;
      }
    }
    return bytes;
  }

  clear(): void {
    this.frames.length = 0;
  }
}
