// Buffers for the DATA frames of ordered channels, reused instead of allocated per frame. A sender
// keeps each frame until the peer acknowledges its bytes (to resend it after a reconnect); once
// acknowledged, the bytes went through the socket and the broker long ago, so the buffer goes
// back here for the next frame. Allocating a fresh megabyte per frame cost the sending processes
// of bench:relay as much as the copy itself, and most of their garbage collection: off-heap
// memory growing by 64 MB forces a full collection. Pure TypeScript: Node, Electron and browsers.
import { FRAME_HEADER_BYTES, MAX_FRAGMENT_BYTES } from './channels.ts';

/** Every pooled buffer holds a header and a full fragment. */
export const POOLED_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_FRAGMENT_BYTES;
/** Smaller frames are allocated as before: a pooled megabyte for a few bytes would waste memory. */
export const MIN_POOLED_PAYLOAD_BYTES = 64 * 1024;

export class FramePool {
  private readonly free: Uint8Array[] = [];
  /** Buffers made, and buffers handed out again (for tests and benches). */
  readonly stats = { allocated: 0, reused: 0 };

  /** `maxFree` bounds what the pool holds while nothing is in flight. */
  constructor(private readonly maxFree: number) {}

  get freeCount(): number {
    return this.free.length;
  }

  /** A buffer of POOLED_FRAME_BYTES; its bytes are what a previous frame left (never zeroed). */
  take(): Uint8Array {
    const b = this.free.pop();
    if (b) {
      this.stats.reused++;
      return b;
    }
    this.stats.allocated++;
    return new Uint8Array(POOLED_FRAME_BYTES);
  }

  /** Back to the pool; nothing else may hold it any more. Buffers of another size are left to the GC. */
  give(b: Uint8Array): void {
    if (b.byteLength !== POOLED_FRAME_BYTES || b.byteOffset !== 0 || b.buffer.byteLength !== POOLED_FRAME_BYTES) return;
    if (this.free.length < this.maxFree) this.free.push(b);
  }
}

/** The process's pool, shared by its channels: at most 32 MiB of free buffers. */
export const framePool = new FramePool(32);

/** Payload views handed out by `Channel.allocPayload`, each with its whole frame buffer. */
export const ownedPayloads = new WeakMap<Uint8Array, Uint8Array>();
