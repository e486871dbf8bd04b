// Buffers for the DATA frames of ordered channels, reused instead of allocated per frame. A sender
// keeps each frame until the peer acknowledges its bytes (to resend it after a reconnect); once
// acknowledged, the bytes went through the socket and the broker long ago, so the buffer goes
// back here for the next frame. Allocating a fresh megabyte per frame cost the sending processes
// of bench:relay as much as the copy itself, and most of their garbage collection: off-heap
// memory growing by 64 MB forces a full collection. Pure TypeScript: Node, Electron and browsers.
import { FRAME_HEADER_BYTES, MAX_FRAGMENT_BYTES } from './channels.ts';

/** Smaller frames are allocated as before: pooling a few bytes gains nothing. */
export const MIN_POOLED_PAYLOAD_BYTES = 64 * 1024;
/** Size classes: room for a header and 64 KiB, 128 KiB … MAX_FRAGMENT_BYTES of payload. */
const CLASSES: number[] = [];
for (let p = MIN_POOLED_PAYLOAD_BYTES; p <= MAX_FRAGMENT_BYTES; p *= 2) CLASSES.push(FRAME_HEADER_BYTES + p);

function classOf(frameBytes: number): number {
  for (let i = 0; i < CLASSES.length; i++) if (frameBytes <= CLASSES[i]!) return i;
  return -1;
}

export class FramePool {
  private readonly free: Uint8Array[][] = CLASSES.map(() => []);
  private freeBytes = 0;
  /** Buffers made, and buffers handed out again (for tests and benches). */
  readonly stats = { allocated: 0, reused: 0 };

  /** `maxFreeBytes` bounds what the pool holds while nothing is in flight. */
  constructor(private readonly maxFreeBytes: number) {}

  get freeCount(): number {
    return this.free.reduce((n, l) => n + l.length, 0);
  }

  /** Whether frames of this payload size come from the pool. */
  static pooled(payloadBytes: number): boolean {
    return payloadBytes >= MIN_POOLED_PAYLOAD_BYTES && payloadBytes <= MAX_FRAGMENT_BYTES;
  }

  /** A buffer with room for a header and `payloadBytes` (at most MAX_FRAGMENT_BYTES); its bytes are what a previous frame left. */
  take(payloadBytes: number): Uint8Array {
    const c = classOf(FRAME_HEADER_BYTES + payloadBytes);
    if (c < 0) throw new RangeError(`no pooled frame for ${payloadBytes} bytes`);
    const b = this.free[c]!.pop();
    if (b) {
      this.freeBytes -= b.byteLength;
      this.stats.reused++;
      return b;
    }
    this.stats.allocated++;
    return new Uint8Array(CLASSES[c]!);
  }

  /** Back to the pool; nothing else may hold it any more. Buffers not made here are left to the GC. */
  give(b: Uint8Array): void {
    const c = classOf(b.byteLength);
    if (c < 0 || CLASSES[c] !== b.byteLength || b.byteOffset !== 0 || b.buffer.byteLength !== b.byteLength) return;
    // Full: buffers of other sizes make room (the sizes in use now are the ones worth keeping).
    for (let o = this.free.length - 1; o >= 0 && this.freeBytes + b.byteLength > this.maxFreeBytes; o--) {
      if (o === c) continue;
      const list = this.free[o]!;
      while (list.length > 0 && this.freeBytes + b.byteLength > this.maxFreeBytes) this.freeBytes -= list.pop()!.byteLength;
    }
    if (this.freeBytes + b.byteLength > this.maxFreeBytes) return;
    this.freeBytes += b.byteLength;
    this.free[c]!.push(b);
  }
}

/** The process's pool, shared by its channels: at most 32 MiB of free buffers. */
export const framePool = new FramePool(32 * 1024 * 1024);

/** Payload views handed out by `Channel.allocPayload`, each with its whole frame buffer. */
export const ownedPayloads = new WeakMap<Uint8Array, Uint8Array>();
