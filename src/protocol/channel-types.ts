// The shapes around a live channel's endpoint (channel-endpoint.ts): where its frames go, what a
// reader gets, how it is made, and the bookkeeping of what was sent and not yet acknowledged.
import type { ChannelKind, ChannelMeta } from './channels.ts';

/** Where a channel's frames go: the party's WebSocket. Swapped on reconnect (detach, attach). */
export interface FrameSink {
  send(frame: Uint8Array): void;
}

export interface ChannelMessage {
  payload: Uint8Array;
  seq: number;
  timestamp: number;
  key: boolean;
}

export class ChannelClosedError extends Error {
  constructor(readonly reason: string) {
    super(`channel closed: ${reason}`);
    this.name = 'ChannelClosedError';
  }
}

export interface PendingWrite {
  payload: Uint8Array;
  key: boolean;
  offset: number;
  seq: number;
  timestamp: number;
  /** The whole frame buffer of a payload from `allocPayload` (header room in front of it). */
  owned?: Uint8Array;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface Retained {
  offset: number;
  length: number;
  frame: Uint8Array;
  /** The pool buffer under `frame`: back to the pool once the peer acknowledged the bytes. */
  pooled?: Uint8Array;
}

export interface ChannelOptions {
  id: number;
  kind: ChannelKind;
  meta?: ChannelMeta;
  /** The broker's cap on windows for this channel (it clamps grants anyway). */
  maxWindow?: number;
  /** Clock for frame timestamps (ms). */
  now?: () => number;
  /** A protocol problem the peer caused: the channel closes; the owner may log it. */
  onProtocolError?: (channel: { readonly id: number; readonly kind: ChannelKind }, code: string, message: string) => void;
}
