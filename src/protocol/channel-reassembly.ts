// Reassembly of a channel message that arrives in fragments (DATA frames flagged `more`), for
// channel-endpoint.ts. It also remembers how many of the message's bytes were already credited to
// the sender, so the reader's taking the whole message credits only the rest.
import type { ChannelMessage } from './channel-types.ts';

/** A whole message, with the bytes of it that were credited before it was taken. */
export type ReceivedMessage = ChannelMessage & { precounted?: number };

interface Partial {
  seq: number;
  parts: Uint8Array[];
  bytes: number;
  /** Bytes of this message that already count as consumed. */
  credited: number;
  key: boolean;
  timestamp: number;
}

export type FragmentResult = { status: 'more' } | { status: 'too_large' } | { status: 'complete'; message: ReceivedMessage };

export class Reassembly {
  private partial: Partial | null = null;

  /** Whether a message is being reassembled. */
  get pending(): boolean {
    return this.partial !== null;
  }

  /**
   * A frame of message `seq` came: if another message was being reassembled, the sender abandoned
   * it; it is dropped and true is returned.
   */
  abandonedBy(seq: number): boolean {
    if (!this.partial || this.partial.seq === seq) return false;
    this.partial = null;
    return true;
  }

  /** Adds a fragment (the last one when `more` is false); `maxBytes` bounds the whole message. */
  add(h: { seq: number; timestamp: number }, key: boolean, more: boolean, payload: Uint8Array, maxBytes: number): FragmentResult {
    const p = (this.partial ??= { seq: h.seq, parts: [], bytes: 0, credited: 0, key, timestamp: h.timestamp });
    p.parts.push(payload);
    p.bytes += payload.length;
    if (p.bytes > maxBytes) {
      this.partial = null;
      return { status: 'too_large' };
    }
    if (more) return { status: 'more' };
    this.partial = null;
    const whole = new Uint8Array(p.bytes);
    let off = 0;
    for (const part of p.parts) {
      whole.set(part, off);
      off += part.length;
    }
    return { status: 'complete', message: { payload: whole, seq: p.seq, timestamp: p.timestamp, key: p.key, precounted: p.credited } };
  }

  /** Marks the bytes received so far of the message being reassembled as credited; returns how many were not yet. */
  takeUncredited(): number {
    const p = this.partial;
    if (!p) return 0;
    const n = p.bytes - p.credited;
    p.credited = p.bytes;
    return n;
  }

  reset(): void {
    this.partial = null;
  }
}
