// Live channels of a session (screen, input, clipboard, annotations, files, shell): their kinds and
// per-kind rules, declared once, and the binary frame layout every party speaks. The broker, the
// customer client, console-core and the renderer all import this file; docs/sessions.md explains it.
import { z } from 'zod';
import type { SessionPermission } from './sessions.ts';

/**
 * How a kind's messages travel.
 * - `ordered`: bytes-exact and in order, end-to-end flow control counted in bytes, resumed after a
 *   reconnect from the last byte the receiver got (files, shell, clipboard).
 * - `latest`: newest wins. One producer, any number of consumers served by the broker's fan-out,
 *   credit counted in messages; a consumer that falls behind skips to the next key frame and never
 *   gets a backlog (screen, presentations).
 * - `urgent`: ordered, small messages, a small window, sent before bulk data (input, annotations).
 */
export type ChannelDelivery = 'ordered' | 'latest' | 'urgent';

export interface ChannelKindRule {
  /** What the customer must have granted for the channel to open, and to stay open. */
  permission: SessionPermission;
  delivery: ChannelDelivery;
  /** Which side may send messages on it. */
  toRep: boolean;
  toCustomer: boolean;
  /** Largest message (reassembled from fragments) a receiver accepts. */
  maxMessageBytes: number;
  /** Starting window: bytes (ordered, urgent) or messages (latest). */
  initialWindow: number;
  /** The most a receiver may grant: auto-tuning stops here, and the broker clamps grants to it. */
  maxWindow: number;
}

const MiB = 1024 * 1024;

export const ChannelKind = z.enum(['screen', 'input', 'clipboard', 'annotation', 'file', 'shell', 'presentation']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const CHANNEL_KINDS: Record<ChannelKind, ChannelKindRule> = {
  screen: { permission: 'screen_view', delivery: 'latest', toRep: true, toCustomer: false, maxMessageBytes: 16 * MiB, initialWindow: 3, maxWindow: 8 },
  input: { permission: 'screen_control', delivery: 'urgent', toRep: false, toCustomer: true, maxMessageBytes: 4096, initialWindow: 64 * 1024, maxWindow: 256 * 1024 },
  clipboard: { permission: 'screen_control', delivery: 'ordered', toRep: true, toCustomer: true, maxMessageBytes: 4 * MiB, initialWindow: 1 * MiB, maxWindow: 8 * MiB },
  annotation: { permission: 'annotations', delivery: 'urgent', toRep: false, toCustomer: true, maxMessageBytes: 64 * 1024, initialWindow: 256 * 1024, maxWindow: 1 * MiB },
  file: { permission: 'file_transfer', delivery: 'ordered', toRep: true, toCustomer: true, maxMessageBytes: 4 * MiB, initialWindow: 4 * MiB, maxWindow: 32 * MiB },
  shell: { permission: 'shell', delivery: 'ordered', toRep: true, toCustomer: true, maxMessageBytes: 1 * MiB, initialWindow: 1 * MiB, maxWindow: 16 * MiB },
  // CON-9: a rep's screen to a presentation's attendees (src/protocol/presentations.ts), never part
  // of a support session: the presenter produces, every attendee consumes through the fan-out.
  presentation: { permission: 'screen_view', delivery: 'latest', toRep: false, toCustomer: false, maxMessageBytes: 16 * MiB, initialWindow: 3, maxWindow: 8 },
};

/** The kinds a support session may open (presentations have their own sockets). */
export const SessionChannelKind = ChannelKind.exclude(['presentation']);
export type SessionChannelKind = z.infer<typeof SessionChannelKind>;

/** The kinds that need a permission, for a console deciding what to offer. */
export function kindsForPermission(permission: SessionPermission): ChannelKind[] {
  return SessionChannelKind.options.filter((k) => CHANNEL_KINDS[k].permission === permission);
}

/** What a feature passes when it opens a channel (monitor, codec, path …): small, flat JSON. */
export const ChannelMeta = z
  .record(z.string().max(64), z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 32, { message: 'at most 32 meta fields' });
export type ChannelMeta = z.infer<typeof ChannelMeta>;

/** An open channel as a session summary lists it. */
export const ChannelView = z.object({
  channelId: z.number().int(),
  kind: ChannelKind,
  meta: ChannelMeta,
  /** Reps receiving or sending on it (several for a fanned-out screen). */
  userIds: z.array(z.number().int()),
});
export type ChannelView = z.infer<typeof ChannelView>;

// ---- binary frames ----
//
//   0     1      2       4           8       12          16
//   | ver | type | flags | channelId | seq   | timestamp | payload …
//
// All integers big-endian. One frame is one WebSocket binary message.
// DATA      a fragment of a message; `seq` numbers messages per channel and direction (fragments of
//           one message share it), `timestamp` is the sender's clock in ms (mod 2^32).
//           flags: KEY (a key frame, on latest channels), MORE (another fragment of this message
//           follows), LIMITED (the sender waited for credit: the receiver may grow its window).
// CREDIT    the receiver's grant: `seq` = window; payload = float64 of what it consumed so far
//           (bytes on ordered/urgent, messages on latest). The sender may have consumed + window out.
// SYNC      after a reconnect: payload = float64 of what the sender of SYNC received so far; the
//           peer resends from there. flags REPLY on the answer, so the exchange ends.
// KEYREQ    a consumer of a latest channel needs a key frame.
// CLOSE     the channel ends; payload = UTF-8 reason. Sent after the last DATA, so nothing is cut.

export const FRAME_VERSION = 2;
export const FRAME_HEADER_BYTES = 16;
/** Largest payload of one frame; bigger messages are fragmented. */
export const MAX_FRAGMENT_BYTES = 1024 * 1024;
/** What a party's WebSocket accepts in one message (a fragment plus its header, with room). */
export const MAX_WS_BINARY_BYTES = MAX_FRAGMENT_BYTES + 64 * 1024;
export const MAX_CLOSE_REASON_BYTES = 200;

export const FrameType = { data: 1, credit: 2, sync: 3, keyreq: 4, close: 5 } as const;
export type FrameTypeName = keyof typeof FrameType;
export const FrameFlag = { key: 1, more: 2, limited: 4, reply: 8 } as const;
const KNOWN_FLAGS = FrameFlag.key | FrameFlag.more | FrameFlag.limited | FrameFlag.reply;

export interface FrameHeader {
  type: FrameTypeName;
  flags: number;
  channelId: number;
  seq: number;
  timestamp: number;
}

export type FrameErrorCode = 'frame_too_short' | 'frame_version' | 'frame_type' | 'frame_flags' | 'frame_too_large' | 'frame_payload';

export class FrameError extends Error {
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

const typeNames: (FrameTypeName | undefined)[] = [];
for (const [k, v] of Object.entries(FrameType)) typeNames[v] = k as FrameTypeName;

/** A header read straight from the bytes, without copying the payload. Throws FrameError only. */
export function readHeader(bytes: Uint8Array): FrameHeader {
  if (bytes.length < FRAME_HEADER_BYTES) throw new FrameError('frame_too_short', 'frame shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const version = view.getUint8(0);
  if (version !== FRAME_VERSION) throw new FrameError('frame_version', `frame version ${version}, expected ${FRAME_VERSION}`);
  const type = typeNames[view.getUint8(1)];
  if (!type) throw new FrameError('frame_type', `unknown frame type ${view.getUint8(1)}`);
  const flags = view.getUint16(2);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new FrameError('frame_flags', `unknown flags ${flags}`);
  const payloadBytes = bytes.length - FRAME_HEADER_BYTES;
  if (payloadBytes > MAX_FRAGMENT_BYTES) throw new FrameError('frame_too_large', `payload over ${MAX_FRAGMENT_BYTES} bytes`);
  if ((type === 'credit' || type === 'sync') && payloadBytes !== 8) throw new FrameError('frame_payload', `${type} frames carry 8 bytes`);
  if (type === 'keyreq' && payloadBytes !== 0) throw new FrameError('frame_payload', 'keyreq frames carry nothing');
  if (type === 'close' && payloadBytes > MAX_CLOSE_REASON_BYTES) throw new FrameError('frame_payload', 'close reason too long');
  return { type, flags, channelId: view.getUint32(4), seq: view.getUint32(8), timestamp: view.getUint32(12) };
}

export function payloadOf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(FRAME_HEADER_BYTES);
}

function writeHeader(out: Uint8Array, h: { type: FrameTypeName; flags?: number; channelId: number; seq?: number; timestamp?: number }): DataView {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, FrameType[h.type]);
  view.setUint16(2, h.flags ?? 0);
  view.setUint32(4, h.channelId >>> 0);
  view.setUint32(8, (h.seq ?? 0) >>> 0);
  view.setUint32(12, (h.timestamp ?? 0) >>> 0);
  return view;
}

/**
 * One DATA fragment: the payload is copied once, behind its header, into `into` when given (a
 * buffer of at least FRAME_HEADER_BYTES + payload bytes, reused by the sender) or a new buffer.
 */
export function encodeData(channelId: number, seq: number, timestamp: number, flags: number, payload: Uint8Array, into?: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAGMENT_BYTES) throw new FrameError('frame_too_large', `payload over ${MAX_FRAGMENT_BYTES} bytes`);
  const out = into ? into.subarray(0, FRAME_HEADER_BYTES + payload.length) : new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeHeader(out, { type: 'data', flags, channelId, seq, timestamp });
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/**
 * A DATA frame around a payload that already sits FRAME_HEADER_BYTES into `frame` (read there by
 * its producer): only the header is written, nothing is copied. Returns the frame's bytes.
 */
export function encodeDataInPlace(frame: Uint8Array, payloadBytes: number, channelId: number, seq: number, timestamp: number, flags: number): Uint8Array {
  if (payloadBytes > MAX_FRAGMENT_BYTES) throw new FrameError('frame_too_large', `payload over ${MAX_FRAGMENT_BYTES} bytes`);
  const out = frame.subarray(0, FRAME_HEADER_BYTES + payloadBytes);
  writeHeader(out, { type: 'data', flags, channelId, seq, timestamp });
  return out;
}

function encodeCounter(type: 'credit' | 'sync', channelId: number, seq: number, flags: number, value: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + 8);
  writeHeader(out, { type, channelId, seq, flags }).setFloat64(FRAME_HEADER_BYTES, value);
  return out;
}

export function encodeCredit(channelId: number, consumed: number, window: number): Uint8Array {
  return encodeCounter('credit', channelId, window, 0, consumed);
}

export function encodeSync(channelId: number, received: number, reply: boolean): Uint8Array {
  return encodeCounter('sync', channelId, 0, reply ? FrameFlag.reply : 0, received);
}

export function encodeKeyRequest(channelId: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES);
  writeHeader(out, { type: 'keyreq', channelId });
  return out;
}

export function encodeClose(channelId: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason.slice(0, MAX_CLOSE_REASON_BYTES));
  const body = text.length > MAX_CLOSE_REASON_BYTES ? text.subarray(0, MAX_CLOSE_REASON_BYTES) : text;
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  writeHeader(out, { type: 'close', channelId });
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

/** The float64 counter of a CREDIT or SYNC frame; NaN, negative or fractional values are refused. */
export function readCounter(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset + FRAME_HEADER_BYTES, 8).getFloat64(0);
  if (!Number.isSafeInteger(v) || v < 0) throw new FrameError('frame_payload', 'counter is not a non-negative integer');
  return v;
}

export function readCloseReason(bytes: Uint8Array): string {
  return new TextDecoder().decode(payloadOf(bytes));
}

/** Overwrites the window of a CREDIT frame in place (the broker clamps grants to the kind's cap). */
export function clampCreditWindow(bytes: Uint8Array, max: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  if (view.getUint32(8) > max) view.setUint32(8, max);
}

// ---- control messages about channels (JSON, on the session's WebSocket) ----

/** Broker → customer: a rep opened a channel (or, `resumed`, it is still open after a reconnect). */
export const ChannelOpenedMessage = z.object({
  type: z.literal('channel.opened'),
  channelId: z.number().int(),
  kind: ChannelKind,
  meta: ChannelMeta,
  resumed: z.boolean().optional(),
});
export type ChannelOpenedMessage = z.infer<typeof ChannelOpenedMessage>;

/** Why channels close, as both sides see it (CLOSE frames carry these, or a feature's own word). */
export const ChannelCloseReason = {
  closedByPeer: 'closed_by_peer',
  revoked: 'permission_revoked',
  ended: 'session_ended',
  repLeft: 'rep_left',
  transferred: 'transferred',
  flowControl: 'flow_control_violation',
  tooLarge: 'message_too_large',
  flood: 'flood',
  detached: 'detached',
} as const;
