// What the file and shell tools need from a live channel (issue 7's Channel satisfies it), and the
// one-byte tag that says whether a channel message is a JSON control message or raw bytes.
import type { z } from 'zod';
import { MAX_FRAGMENT_BYTES } from './channels.ts';

export interface ToolChannelMessage {
  payload: Uint8Array;
}

/** The subset of the live channel the tools use: ordered, bytes-exact, back-pressured writes. */
export interface ToolChannel {
  readonly kind: string;
  readonly meta: unknown;
  /** Resolves once the channel has taken the bytes (framed or sent): the caller may then reuse `payload`. */
  write(payload: Uint8Array): Promise<void>;
  /**
   * Where the channel offers it (issue 7's Channel): a buffer for the next message that write()
   * sends without copying; it belongs to the channel once written.
   */
  allocPayload?(bytes: number): Uint8Array;
  [Symbol.asyncIterator](): AsyncIterator<ToolChannelMessage>;
  close(reason?: string): void;
  readonly closed: Promise<string>;
}

export const TAG_CONTROL = 1;
export const TAG_DATA = 2;
/**
 * Bytes of file data per channel message: with its one-byte tag a data message is exactly one
 * frame. The window no longer depends on it (the channel credits a fragmented message's bytes
 * only once the reader takes it, or waits for it), but one byte more would still split every
 * chunk into a 1 MiB frame and a 1-byte one: twice the frames, and the receiver would copy each
 * chunk into a new buffer to reassemble it (a second MiB per chunk in flight, and a memcpy).
 */
export const TOOL_CHUNK_BYTES = MAX_FRAGMENT_BYTES - 1;
/** Bound on one JSON control message (a listing of a big folder is the largest). */
export const MAX_CONTROL_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeControl(msg: unknown): Uint8Array {
  const json = encoder.encode(JSON.stringify(msg));
  const out = new Uint8Array(json.length + 1);
  out[0] = TAG_CONTROL;
  out.set(json, 1);
  return out;
}

/** A data message, in a buffer of the channel's when it offers one (then write() sends it without another copy). */
export function dataMessage(bytes: Uint8Array, ch?: Pick<ToolChannel, 'allocPayload'>): Uint8Array {
  const out = ch?.allocPayload ? ch.allocPayload(bytes.length + 1) : new Uint8Array(bytes.length + 1);
  out[0] = TAG_DATA;
  out.set(bytes, 1);
  return out;
}

export class ToolMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolMessageError';
  }
}

export type Decoded<T> = { kind: 'control'; msg: T } | { kind: 'data'; bytes: Uint8Array };

/** Decodes one channel message, validating control messages with `schema`; throws ToolMessageError. */
export function decodeToolMessage<S extends z.ZodType>(payload: Uint8Array, schema: S): Decoded<z.infer<S>> {
  if (payload.length === 0) throw new ToolMessageError('empty message');
  if (payload[0] === TAG_DATA) return { kind: 'data', bytes: payload.subarray(1) };
  if (payload[0] !== TAG_CONTROL) throw new ToolMessageError(`unknown message tag ${payload[0]}`);
  if (payload.length - 1 > MAX_CONTROL_BYTES) throw new ToolMessageError('control message too large');
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(payload.subarray(1)));
  } catch {
    throw new ToolMessageError('control message is not UTF-8 JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ToolMessageError(`invalid control message: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  return { kind: 'control', msg: parsed.data };
}

/** Reads a channel message by message, with a pull API (`next()`), for request/answer protocols. */
export class ToolReader<S extends z.ZodType> {
  private readonly it: AsyncIterator<ToolChannelMessage>;

  constructor(ch: ToolChannel, private readonly schema: S) {
    this.it = ch[Symbol.asyncIterator]();
  }

  /** The next message, or null when the channel closed. */
  async next(): Promise<Decoded<z.infer<S>> | null> {
    const r = await this.it.next();
    if (r.done) return null;
    return decodeToolMessage(r.value.payload, this.schema);
  }
}
