// The session recording file (REP-5): what the broker's recording tap writes as a session runs,
// raw, append-only, and what replay and video conversion read back.
//
//   file    = header record*
//   header  = "PSRC" u8 version u8 0 u16 0  u32 jsonLength  json{lsid, startedAt}   (little-endian)
//   record  = u8 type  u8 kind  u8 flags  u8 0  u32 channel  u32 t  u32 length  u32 crc32  payload[length]
//
// `t` is milliseconds since the recording began; `kind` is the channel kind's code and `channel`
// the channel's id (both 0 when the record is not a channel's); `crc32` covers the first 16 bytes
// of the record and its payload, so a
// torn write at a crash or a corrupted byte is found and reading stops at the last good record.
import { crc32 } from 'node:zlib';

export const MAGIC = Buffer.from('PSRC', 'latin1');
export const FORMAT_VERSION = 1;
export const FILE_HEADER_FIXED = 12;
export const RECORD_HEADER = 20;
/** As large as a key frame can be on a channel (16 MiB), with room. */
export const MAX_RECORD_PAYLOAD = 17 * 1024 * 1024;
export const MAX_HEADER_JSON = 64 * 1024;
export const FILE_EXTENSION = '.prec';

export const RecordType = {
  /** A channel opened: JSON {channelId, kind, meta}. */
  channelOpened: 1,
  /** One channel message: the payload bytes as sent; flags bit 0 = key frame. */
  message: 2,
  /** JSON {channelId, reason}. */
  channelClosed: 3,
  /** Who holds the mouse and keyboard from now on: JSON {holder: {userId, name} | null}. */
  control: 4,
  /** A chat line: JSON {from: {kind, name}, text, repsOnly}. */
  chat: 5,
  /** The recording ended cleanly: JSON {reason}. */
  end: 6,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];
const recordTypes = new Set<number>(Object.values(RecordType));

/** Channel kinds as codes (src/protocol/channels.ts names them); 0 = not a channel record. */
export const KIND_CODES = { screen: 1, input: 2, clipboard: 3, annotation: 4, file: 5, shell: 6, presentation: 7 } as const;
export type RecordedKind = keyof typeof KIND_CODES;
const kindByCode = new Map<number, RecordedKind>(Object.entries(KIND_CODES).map(([k, v]) => [v, k as RecordedKind]));
export function kindOfCode(code: number): RecordedKind | undefined {
  return kindByCode.get(code);
}

export const FLAG_KEY = 1;

export interface RecordingHeader {
  lsid: string;
  /** ISO instant the recording began (t = 0). */
  startedAt: string;
}

export class RecordingFormatError extends Error {
  constructor(
    readonly reason: 'not_a_recording' | 'unsupported_version' | 'bad_header',
    message: string,
  ) {
    super(message);
    this.name = 'RecordingFormatError';
  }
}

export function encodeHeader(h: RecordingHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const b = Buffer.alloc(FILE_HEADER_FIXED + json.length);
  MAGIC.copy(b, 0);
  b.writeUInt8(FORMAT_VERSION, 4);
  b.writeUInt32LE(json.length, 8);
  json.copy(b, FILE_HEADER_FIXED);
  return b;
}

/** Parses the file header from its first bytes; returns it and where records start. */
export function decodeHeader(b: Buffer): { header: RecordingHeader; size: number } {
  if (b.length < FILE_HEADER_FIXED || !b.subarray(0, 4).equals(MAGIC)) throw new RecordingFormatError('not_a_recording', 'Not a Passerelle recording');
  const version = b.readUInt8(4);
  if (version !== FORMAT_VERSION) throw new RecordingFormatError('unsupported_version', `Recording format ${version} is not supported`);
  const len = b.readUInt32LE(8);
  if (len > MAX_HEADER_JSON || b.length < FILE_HEADER_FIXED + len) throw new RecordingFormatError('bad_header', 'Truncated recording header');
  let parsed: unknown;
  try {
    parsed = JSON.parse(b.subarray(FILE_HEADER_FIXED, FILE_HEADER_FIXED + len).toString('utf8'));
  } catch {
    throw new RecordingFormatError('bad_header', 'Unreadable recording header');
  }
  const h = parsed as Partial<RecordingHeader>;
  if (typeof h?.lsid !== 'string' || typeof h.startedAt !== 'string' || Number.isNaN(Date.parse(h.startedAt))) {
    throw new RecordingFormatError('bad_header', 'Recording header lacks its session or start');
  }
  return { header: { lsid: h.lsid, startedAt: h.startedAt }, size: FILE_HEADER_FIXED + len };
}

export interface RawRecord {
  type: RecordType;
  kindCode: number;
  flags: number;
  channel: number;
  t: number;
  payload: Buffer;
}

export function encodeRecord(r: RawRecord): Buffer {
  if (r.payload.length > MAX_RECORD_PAYLOAD) throw new RangeError(`record payload of ${r.payload.length} bytes is too large`);
  const b = Buffer.allocUnsafe(RECORD_HEADER + r.payload.length);
  b.writeUInt8(r.type, 0);
  b.writeUInt8(r.kindCode, 1);
  b.writeUInt8(r.flags, 2);
  b.writeUInt8(0, 3);
  b.writeUInt32LE(r.channel >>> 0, 4);
  b.writeUInt32LE(r.t >>> 0, 8);
  b.writeUInt32LE(r.payload.length, 12);
  r.payload.copy(b, RECORD_HEADER);
  b.writeUInt32LE(crc32(r.payload, crc32(b.subarray(0, 16))), 16);
  return b;
}

export type DecodeResult =
  | { ok: true; record: RawRecord; size: number }
  | { ok: false; reason: 'need_more'; needed: number }
  | { ok: false; reason: 'corrupt'; message: string };

/** Decodes the record at the start of `b`; `need_more` when `b` holds only part of it. */
export function decodeRecord(b: Buffer): DecodeResult {
  if (b.length < RECORD_HEADER) return { ok: false, reason: 'need_more', needed: RECORD_HEADER };
  const type = b.readUInt8(0);
  const len = b.readUInt32LE(12);
  if (!recordTypes.has(type) || b.readUInt8(3) !== 0 || len > MAX_RECORD_PAYLOAD) {
    return { ok: false, reason: 'corrupt', message: `bad record header (type ${type}, length ${len})` };
  }
  if (b.length < RECORD_HEADER + len) return { ok: false, reason: 'need_more', needed: RECORD_HEADER + len };
  const payload = b.subarray(RECORD_HEADER, RECORD_HEADER + len);
  if (crc32(payload, crc32(b.subarray(0, 16))) !== b.readUInt32LE(16)) return { ok: false, reason: 'corrupt', message: 'checksum mismatch' };
  return {
    ok: true,
    record: { type: type as RecordType, kindCode: b.readUInt8(1), flags: b.readUInt8(2), channel: b.readUInt32LE(4), t: b.readUInt32LE(8), payload },
    size: RECORD_HEADER + len,
  };
}
