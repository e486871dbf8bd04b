// The one binary frame layout for bulk data (screen tiles, file chunks, shell bytes), tagged with
// a channel id, and the credit accounting that keeps a slow receiver from growing queues.
//
//   0      1      2      4          8          12
//   | ver  | type | flags| channelId | credit/len | payload …
//
// All integers big-endian. DATA frames carry `payload.length` in the length field (checked);
// CREDIT frames grant that many more payload bytes on the channel and carry no payload.

export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 12;
export const MAX_FRAME_PAYLOAD = 256 * 1024;

export const FrameType = { data: 1, credit: 2, close: 3 } as const;
export type FrameTypeName = keyof typeof FrameType;

export interface Frame {
  type: FrameTypeName;
  flags: number;
  channelId: number;
  /** DATA: the payload length; CREDIT: bytes granted; CLOSE: 0. */
  value: number;
  payload: Uint8Array;
}

export class FrameError extends Error {
  constructor(readonly code: 'frame_too_short' | 'frame_version' | 'frame_type' | 'frame_length' | 'frame_too_large', message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

const typeNames = new Map<number, FrameTypeName>(Object.entries(FrameType).map(([k, v]) => [v, k as FrameTypeName]));

export function encodeFrame(f: { type: FrameTypeName; channelId: number; flags?: number; value?: number; payload?: Uint8Array }): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  if (payload.length > MAX_FRAME_PAYLOAD) throw new FrameError('frame_too_large', `payload over ${MAX_FRAME_PAYLOAD} bytes`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, FrameType[f.type]);
  view.setUint16(2, f.flags ?? 0);
  view.setUint32(4, f.channelId >>> 0);
  view.setUint32(8, f.type === 'data' ? payload.length : (f.value ?? 0) >>> 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Parses one frame; throws FrameError (never anything else) on a malformed one. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < FRAME_HEADER_BYTES) throw new FrameError('frame_too_short', 'frame shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== FRAME_VERSION) throw new FrameError('frame_version', `frame version ${version}, expected ${FRAME_VERSION}`);
  const type = typeNames.get(view.getUint8(1));
  if (!type) throw new FrameError('frame_type', `unknown frame type ${view.getUint8(1)}`);
  const value = view.getUint32(8);
  const payload = bytes.subarray(FRAME_HEADER_BYTES);
  if (payload.length > MAX_FRAME_PAYLOAD) throw new FrameError('frame_too_large', `payload over ${MAX_FRAME_PAYLOAD} bytes`);
  if (type === 'data' && value !== payload.length) throw new FrameError('frame_length', 'length field does not match the payload');
  if (type !== 'data' && payload.length !== 0) throw new FrameError('frame_length', `${type} frames carry no payload`);
  return { type, flags: view.getUint16(2), channelId: view.getUint32(4), value, payload };
}

/**
 * Sender side of a channel: it may send only as many payload bytes as the receiver granted.
 * The receiver grants more as it consumes, so a slow viewer slows the sender instead of queueing.
 */
export class SendCredit {
  private available: number;

  constructor(initial: number) {
    this.available = initial;
  }

  get credit(): number {
    return this.available;
  }

  canSend(bytes: number): boolean {
    return bytes <= this.available;
  }

  /** Returns false (and takes nothing) when the frame would overrun the credit. */
  take(bytes: number): boolean {
    if (bytes > this.available) return false;
    this.available -= bytes;
    return true;
  }

  grant(bytes: number): void {
    this.available = Math.min(this.available + bytes, 2 ** 32 - 1);
  }
}

/**
 * Receiver side: counts consumed bytes and says when to send a CREDIT frame (after half the
 * window is used), so grants are batched rather than one per frame.
 */
export class ReceiveWindow {
  private outstanding: number;
  private consumedSinceGrant = 0;

  constructor(readonly window: number) {
    this.outstanding = window;
  }

  /** Records a received frame; false means the sender overran its credit (a protocol error). */
  received(bytes: number): boolean {
    if (bytes > this.outstanding) return false;
    this.outstanding -= bytes;
    return true;
  }

  /** Records that the application consumed bytes; returns a grant to send, or 0. */
  consumed(bytes: number): number {
    this.consumedSinceGrant += bytes;
    if (this.consumedSinceGrant < this.window / 2) return 0;
    const grant = this.consumedSinceGrant;
    this.consumedSinceGrant = 0;
    this.outstanding += grant;
    return grant;
  }
}
