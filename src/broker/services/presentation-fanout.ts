// One producer, many consumers, newest wins (DESIGN.md "Live channels"): every video frame of a
// presentation goes to each attendee at that attendee's own pace. A consumer whose socket is behind
// skips frames and resumes at a key frame; a joining consumer starts with the current group of
// pictures (last key frame and what followed), so it shows the screen without waiting. Written to be
// swapped onto the broker's generic channel fan-out (issue 7) when it lands: same three operations.

export interface FrameConsumer {
  id: string;
  /** Queues one frame; never blocks. */
  send(frame: Uint8Array): void;
  /** Bytes queued and not yet written to the network (ws `bufferedAmount`). */
  buffered(): number;
}

export interface FanOutOptions {
  /** Past this many queued bytes a consumer is "behind" and skips frames. */
  highWaterBytes: number;
  /** The largest group of pictures kept for joiners and catch-up; past it, wait for the next key frame. */
  maxGopBytes: number;
  /** Ask the producer for a key frame (a consumer joined with nothing cached, or lost its place). */
  requestKeyFrame(): void;
  now(): number;
}

interface ConsumerState {
  c: FrameConsumer;
  needsKey: boolean;
  sent: number;
  skipped: number;
}

export class FrameFanOut {
  private gop: Uint8Array[] = [];
  private gopBytes = 0;
  private readonly consumers = new Map<string, ConsumerState>();
  private lastKeyRequest = -Infinity;

  constructor(private readonly o: FanOutOptions) {}

  get size(): number {
    return this.consumers.size;
  }

  stats(id: string): { sent: number; skipped: number } | undefined {
    const s = this.consumers.get(id);
    return s && { sent: s.sent, skipped: s.skipped };
  }

  add(c: FrameConsumer): void {
    const s: ConsumerState = { c, needsKey: true, sent: 0, skipped: 0 };
    this.consumers.set(c.id, s);
    if (!this.catchUp(s)) this.askKeyFrame();
  }

  remove(id: string): void {
    this.consumers.delete(id);
  }

  /** Forget the cached pictures (the producer changed size or codec: old frames cannot be decoded). */
  reset(): void {
    this.gop = [];
    this.gopBytes = 0;
    for (const s of this.consumers.values()) s.needsKey = true;
  }

  push(frame: Uint8Array, key: boolean): void {
    if (key) {
      this.gop = [frame];
      this.gopBytes = frame.length;
    } else if (this.gop.length > 0) {
      this.gop.push(frame);
      this.gopBytes += frame.length;
      if (this.gopBytes > this.o.maxGopBytes) {
        this.gop = [];
        this.gopBytes = 0;
      }
    }
    for (const s of this.consumers.values()) {
      if (s.c.buffered() > this.o.highWaterBytes) {
        // Behind: this one skips; the others are not held back.
        s.skipped++;
        s.needsKey = true;
        continue;
      }
      if (s.needsKey) {
        if (key) this.deliver(s, frame);
        else if (!this.catchUp(s)) {
          s.skipped++;
          this.askKeyFrame();
        }
        continue;
      }
      this.deliver(s, frame);
    }
  }

  private deliver(s: ConsumerState, frame: Uint8Array): void {
    s.c.send(frame);
    s.sent++;
    s.needsKey = false;
  }

  /** Sends the cached group of pictures if there is one and it fits; true when the consumer is in step again. */
  private catchUp(s: ConsumerState): boolean {
    if (this.gop.length === 0 || this.gopBytes > this.o.highWaterBytes * 4) return false;
    for (const f of this.gop) s.c.send(f);
    s.sent += this.gop.length;
    s.needsKey = false;
    return true;
  }

  private askKeyFrame(): void {
    // At most a few requests a second however many consumers fall behind at once.
    const now = this.o.now();
    if (now - this.lastKeyRequest < 250) return;
    this.lastKeyRequest = now;
    this.o.requestKeyFrame();
  }
}
