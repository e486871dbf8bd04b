// The 'screen' channel's contract: the monitor layout (shared with input, which maps viewer
// coordinates to screen coordinates with it), the meta a rep opens the channel with, and the
// binary messages the agent sends (layout info, video frames, tile frames, cursor). Pure: encode
// and decode with explicit bounds checks, so a truncated or lying message is refused, never trusted.
import { z } from 'zod';

/** Largest screen side we accept anywhere (capture, codec, viewer). */
export const MAX_SCREEN_DIMENSION = 8192;
export const MAX_CURSOR_DIMENSION = 256;
export const MAX_MONITORS = 16;

export const ScreenCodecId = z.enum(['h264', 'vp9', 'tile']);
export type ScreenCodecId = z.infer<typeof ScreenCodecId>;
export const ScreenQuality = z.enum(['best', 'balanced', 'fastest', 'grayscale']);
export type ScreenQuality = z.infer<typeof ScreenQuality>;

const dim = z.number().int().min(1).max(MAX_SCREEN_DIMENSION);
const coord = z.number().int().min(-MAX_SCREEN_DIMENSION).max(MAX_SCREEN_DIMENSION);

export const ScreenRect = z.object({ x: coord, y: coord, width: dim, height: dim });
export type ScreenRect = z.infer<typeof ScreenRect>;

/** One monitor as RandR reports it, in root-window (screen) coordinates. */
export const MonitorInfo = ScreenRect.extend({
  index: z.number().int().min(0).max(MAX_MONITORS - 1),
  name: z.string().max(64),
  primary: z.boolean(),
});
export type MonitorInfo = z.infer<typeof MonitorInfo>;

/** The whole X screen and its monitors. */
export const ScreenLayout = z.object({
  width: dim,
  height: dim,
  monitors: z.array(MonitorInfo).min(1).max(MAX_MONITORS),
});
export type ScreenLayout = z.infer<typeof ScreenLayout>;

export const MonitorChoice = z.union([z.number().int().min(0).max(MAX_MONITORS - 1), z.literal('all')]);
export type MonitorChoice = z.infer<typeof MonitorChoice>;

/** What the rep asks for when opening a 'screen' channel (and when switching live). */
export const ScreenChannelMeta = z.strictObject({
  monitor: MonitorChoice.default(0),
  codec: ScreenCodecId.default('h264'),
  quality: ScreenQuality.default('balanced'),
  /** Resolution cap: the stream is scaled down (aspect kept) to fit. */
  maxWidth: z.number().int().min(160).max(MAX_SCREEN_DIMENSION).optional(),
  maxHeight: z.number().int().min(120).max(MAX_SCREEN_DIMENSION).optional(),
});
export type ScreenChannelMeta = z.infer<typeof ScreenChannelMeta>;
export type ScreenChannelMetaInput = z.input<typeof ScreenChannelMeta>;

/** Sent first and whenever the layout, the monitor or the codec changes. */
export const ScreenInfo = z.strictObject({
  layout: ScreenLayout,
  monitor: MonitorChoice,
  /** The area of the screen being streamed, in screen coordinates. */
  region: ScreenRect,
  /** Size of the decoded picture (the region scaled to the resolution cap). */
  streamWidth: dim,
  streamHeight: dim,
  codec: ScreenCodecId,
  quality: ScreenQuality,
});
export type ScreenInfo = z.infer<typeof ScreenInfo>;

/** Rep → agent on the same channel: switch monitor / codec / quality live. */
export const ScreenControl = ScreenChannelMeta.partial();
export type ScreenControl = z.infer<typeof ScreenControl>;

/** Session-log events of the screen view (reported by the agent as tool events). */
export const ScreenViewStartedEvent = z.object({ kind: z.literal('screen_view_started'), monitor: MonitorChoice, codec: ScreenCodecId, quality: ScreenQuality });
export const ScreenViewStoppedEvent = z.object({ kind: z.literal('screen_view_stopped'), reason: z.string().max(64) });
export const ScreenMonitorSwitchedEvent = z.object({ kind: z.literal('screen_monitor_switched'), monitor: MonitorChoice, name: z.string().max(64) });

/** Maps a point of the streamed picture to screen coordinates (for input). */
export function streamToScreen(info: Pick<ScreenInfo, 'region' | 'streamWidth' | 'streamHeight'>, px: number, py: number): { x: number; y: number } {
  const x = info.region.x + Math.floor((px * info.region.width) / info.streamWidth);
  const y = info.region.y + Math.floor((py * info.region.height) / info.streamHeight);
  return {
    x: Math.min(info.region.x + info.region.width - 1, Math.max(info.region.x, x)),
    y: Math.min(info.region.y + info.region.height - 1, Math.max(info.region.y, y)),
  };
}

/** The areas of a video picture a viewer draws: its changed rects, or all of it (key frames, or none said). */
export function videoDrawRects(m: Pick<VideoFrameMessage, 'key' | 'width' | 'height' | 'rects'>): ScreenRect[] {
  return !m.key && m.rects ? m.rects : [{ x: 0, y: 0, width: m.width, height: m.height }];
}

// ---- binary messages -------------------------------------------------------------------------

export const ScreenTag = { info: 1, video: 2, tiles: 3, cursor: 4, control: 16 } as const;
export const VideoCodecByte = { h264: 1, vp9: 2 } as const;
export type VideoCodecId = keyof typeof VideoCodecByte;
export const TileKind = { png: 1, webp: 2, jpeg: 3, copy: 4, fill: 5 } as const;
export type TileKindName = keyof typeof TileKind;

export type ScreenErrorCode = 'screen_truncated' | 'screen_tag' | 'screen_bounds' | 'screen_dimensions' | 'screen_json' | 'screen_too_large';
export class ScreenMessageError extends Error {
  constructor(readonly code: ScreenErrorCode, message: string) {
    super(message);
    this.name = 'ScreenMessageError';
  }
}

export interface VideoFrameMessage {
  type: 'video';
  codec: VideoCodecId;
  key: boolean;
  width: number;
  height: number;
  /** Agent clock (ms since the epoch) when the pixels were captured. */
  captureTime: number;
  /**
   * What this picture changed, in stream pixels: a viewer draws only these areas of the decoded
   * picture, so areas the sharpening pass made lossless stay so. Absent: the whole picture (key
   * frames always are); empty: nothing changed.
   */
  rects?: ScreenRect[];
  data: Uint8Array;
}
export type Tile =
  | { kind: 'png' | 'webp' | 'jpeg'; x: number; y: number; width: number; height: number; data: Uint8Array }
  | { kind: 'copy'; x: number; y: number; width: number; height: number; srcX: number; srcY: number }
  | { kind: 'fill'; x: number; y: number; width: number; height: number; rgba: number };
export interface TileFrameMessage {
  type: 'tiles';
  key: boolean;
  width: number;
  height: number;
  captureTime: number;
  tiles: Tile[];
}
export interface CursorImage {
  serial: number;
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  /** width*height*4 bytes, RGBA, not premultiplied. */
  rgba: Uint8Array;
}
export interface CursorMessage {
  type: 'cursor';
  /** Position in stream pixels (already mapped to the streamed region and scale). */
  x: number;
  y: number;
  visible: boolean;
  image?: CursorImage;
}
export type ScreenMessage = { type: 'info'; info: ScreenInfo } | VideoFrameMessage | TileFrameMessage | CursorMessage | { type: 'control'; control: ScreenControl };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const MAX_JSON_BYTES = 64 * 1024;
const MAX_TILES = 65535;
/** Changed rects one video frame may carry; an encoder with more sends their bounding box. */
export const MAX_VIDEO_RECTS = 64;
const VIDEO_HEADER = 15;
const VIDEO_FLAG_KEY = 1;
const VIDEO_FLAG_RECTS = 2;
const TILE_HEADER = 9;

function checkDims(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SCREEN_DIMENSION || height > MAX_SCREEN_DIMENSION) {
    throw new ScreenMessageError('screen_dimensions', `absurd dimensions ${width}x${height}`);
  }
}
function checkRect(t: { x: number; y: number; width: number; height: number }, width: number, height: number, what: string): void {
  if (t.width < 1 || t.height < 1 || t.x < 0 || t.y < 0 || t.x + t.width > width || t.y + t.height > height) {
    throw new ScreenMessageError('screen_bounds', `${what} ${t.x},${t.y} ${t.width}x${t.height} outside ${width}x${height}`);
  }
}

function jsonMessage(tag: number, value: unknown): Uint8Array {
  const body = textEncoder.encode(JSON.stringify(value));
  const out = new Uint8Array(1 + body.length);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

export function encodeScreenMessage(m: ScreenMessage): Uint8Array {
  switch (m.type) {
    case 'info':
      return jsonMessage(ScreenTag.info, ScreenInfo.parse(m.info));
    case 'control':
      return jsonMessage(ScreenTag.control, ScreenControl.parse(m.control));
    case 'video': {
      checkDims(m.width, m.height);
      const rects = m.key ? undefined : m.rects;
      if (rects && rects.length > MAX_VIDEO_RECTS) throw new ScreenMessageError('screen_too_large', `${rects.length} changed rects, at most ${MAX_VIDEO_RECTS}`);
      const head = VIDEO_HEADER + (rects ? 2 + rects.length * 8 : 0);
      const out = new Uint8Array(head + m.data.length);
      const v = new DataView(out.buffer);
      v.setUint8(0, ScreenTag.video);
      v.setUint8(1, VideoCodecByte[m.codec]);
      v.setUint8(2, (m.key ? VIDEO_FLAG_KEY : 0) | (rects ? VIDEO_FLAG_RECTS : 0));
      v.setUint16(3, m.width);
      v.setUint16(5, m.height);
      v.setFloat64(7, m.captureTime);
      if (rects) {
        v.setUint16(VIDEO_HEADER, rects.length);
        rects.forEach((r, i) => {
          checkRect(r, m.width, m.height, 'changed rect');
          const p = VIDEO_HEADER + 2 + i * 8;
          v.setUint16(p, r.x);
          v.setUint16(p + 2, r.y);
          v.setUint16(p + 4, r.width);
          v.setUint16(p + 6, r.height);
        });
      }
      out.set(m.data, head);
      return out;
    }
    case 'tiles': {
      checkDims(m.width, m.height);
      if (m.tiles.length > MAX_TILES) throw new ScreenMessageError('screen_too_large', 'too many tiles');
      let size = 16;
      for (const t of m.tiles) size += TILE_HEADER + (t.kind === 'copy' ? 4 : t.kind === 'fill' ? 4 : 4 + t.data.length);
      const out = new Uint8Array(size);
      const v = new DataView(out.buffer);
      v.setUint8(0, ScreenTag.tiles);
      v.setUint8(1, m.key ? 1 : 0);
      v.setUint16(2, m.width);
      v.setUint16(4, m.height);
      v.setFloat64(6, m.captureTime);
      v.setUint16(14, m.tiles.length);
      let p = 16;
      for (const t of m.tiles) {
        checkRect(t, m.width, m.height, 'tile');
        v.setUint8(p, TileKind[t.kind]);
        v.setUint16(p + 1, t.x);
        v.setUint16(p + 3, t.y);
        v.setUint16(p + 5, t.width);
        v.setUint16(p + 7, t.height);
        p += TILE_HEADER;
        if (t.kind === 'copy') {
          checkRect({ x: t.srcX, y: t.srcY, width: t.width, height: t.height }, m.width, m.height, 'copy source');
          v.setUint16(p, t.srcX);
          v.setUint16(p + 2, t.srcY);
          p += 4;
        } else if (t.kind === 'fill') {
          v.setUint32(p, t.rgba >>> 0);
          p += 4;
        } else {
          v.setUint32(p, t.data.length);
          out.set(t.data, p + 4);
          p += 4 + t.data.length;
        }
      }
      return out;
    }
    case 'cursor': {
      const img = m.image;
      const out = new Uint8Array(7 + (img ? 12 + img.rgba.length : 0));
      const v = new DataView(out.buffer);
      v.setUint8(0, ScreenTag.cursor);
      v.setInt16(1, m.x);
      v.setInt16(3, m.y);
      v.setUint8(5, m.visible ? 1 : 0);
      v.setUint8(6, img ? 1 : 0);
      if (img) {
        if (img.width < 1 || img.height < 1 || img.width > MAX_CURSOR_DIMENSION || img.height > MAX_CURSOR_DIMENSION || img.rgba.length !== img.width * img.height * 4) {
          throw new ScreenMessageError('screen_dimensions', 'bad cursor image');
        }
        v.setUint32(7, img.serial >>> 0);
        v.setUint16(11, img.width);
        v.setUint16(13, img.height);
        v.setUint16(15, img.hotX);
        v.setUint16(17, img.hotY);
        out.set(img.rgba, 19);
      }
      return out;
    }
  }
}

function need(buf: Uint8Array, n: number, what: string): void {
  if (buf.length < n) throw new ScreenMessageError('screen_truncated', `${what}: ${buf.length} bytes, need ${n}`);
}

function parseJson<T>(buf: Uint8Array, schema: z.ZodType<T>): T {
  if (buf.length - 1 > MAX_JSON_BYTES) throw new ScreenMessageError('screen_too_large', 'JSON message too large');
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(buf.subarray(1)));
  } catch {
    throw new ScreenMessageError('screen_json', 'not JSON');
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new ScreenMessageError('screen_json', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** Decodes one message; throws ScreenMessageError (and nothing else) on bad input. */
export function decodeScreenMessage(buf: Uint8Array): ScreenMessage {
  need(buf, 1, 'message');
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (buf[0]) {
    case ScreenTag.info:
      return { type: 'info', info: parseJson(buf, ScreenInfo) };
    case ScreenTag.control:
      return { type: 'control', control: parseJson(buf, ScreenControl) };
    case ScreenTag.video: {
      need(buf, 16, 'video frame');
      const codecByte = v.getUint8(1);
      const codec = codecByte === 1 ? 'h264' : codecByte === 2 ? 'vp9' : null;
      if (!codec) throw new ScreenMessageError('screen_tag', `unknown video codec ${codecByte}`);
      const width = v.getUint16(3);
      const height = v.getUint16(5);
      checkDims(width, height);
      const flags = v.getUint8(2);
      const key = (flags & VIDEO_FLAG_KEY) !== 0;
      const captureTime = v.getFloat64(7);
      if ((flags & VIDEO_FLAG_RECTS) === 0) return { type: 'video', codec, key, width, height, captureTime, data: buf.subarray(VIDEO_HEADER) };
      if (key) throw new ScreenMessageError('screen_tag', 'a key frame is the whole picture: it carries no changed rects');
      need(buf, VIDEO_HEADER + 2, 'changed rects');
      const count = v.getUint16(VIDEO_HEADER);
      if (count > MAX_VIDEO_RECTS) throw new ScreenMessageError('screen_too_large', `${count} changed rects, at most ${MAX_VIDEO_RECTS}`);
      const head = VIDEO_HEADER + 2 + count * 8;
      need(buf, head + 1, 'video frame after its changed rects');
      const rects: ScreenRect[] = [];
      for (let i = 0; i < count; i++) {
        const p = VIDEO_HEADER + 2 + i * 8;
        const r = { x: v.getUint16(p), y: v.getUint16(p + 2), width: v.getUint16(p + 4), height: v.getUint16(p + 6) };
        checkRect(r, width, height, 'changed rect');
        rects.push(r);
      }
      return { type: 'video', codec, key, width, height, captureTime, rects, data: buf.subarray(head) };
    }
    case ScreenTag.tiles: {
      need(buf, 16, 'tile frame');
      const width = v.getUint16(2);
      const height = v.getUint16(4);
      checkDims(width, height);
      const count = v.getUint16(14);
      const tiles: Tile[] = [];
      let p = 16;
      for (let i = 0; i < count; i++) {
        need(buf, p + TILE_HEADER + 4, 'tile');
        const kindByte = v.getUint8(p);
        const x = v.getUint16(p + 1);
        const y = v.getUint16(p + 3);
        const w = v.getUint16(p + 5);
        const h = v.getUint16(p + 7);
        p += TILE_HEADER;
        const rect = { x, y, width: w, height: h };
        checkRect(rect, width, height, 'tile');
        if (kindByte === TileKind.copy) {
          const srcX = v.getUint16(p);
          const srcY = v.getUint16(p + 2);
          checkRect({ x: srcX, y: srcY, width: w, height: h }, width, height, 'copy source');
          tiles.push({ kind: 'copy', ...rect, srcX, srcY });
          p += 4;
        } else if (kindByte === TileKind.fill) {
          tiles.push({ kind: 'fill', ...rect, rgba: v.getUint32(p) });
          p += 4;
        } else if (kindByte === TileKind.png || kindByte === TileKind.webp || kindByte === TileKind.jpeg) {
          const len = v.getUint32(p);
          need(buf, p + 4 + len, 'tile data');
          if (len === 0) throw new ScreenMessageError('screen_truncated', 'empty tile data');
          const kind = kindByte === TileKind.png ? 'png' : kindByte === TileKind.webp ? 'webp' : 'jpeg';
          tiles.push({ kind, ...rect, data: buf.subarray(p + 4, p + 4 + len) });
          p += 4 + len;
        } else {
          throw new ScreenMessageError('screen_tag', `unknown tile kind ${kindByte}`);
        }
      }
      if (p !== buf.length) throw new ScreenMessageError('screen_truncated', 'trailing bytes after tiles');
      return { type: 'tiles', key: (v.getUint8(1) & 1) === 1, width, height, captureTime: v.getFloat64(6), tiles };
    }
    case ScreenTag.cursor: {
      need(buf, 7, 'cursor');
      const m: CursorMessage = { type: 'cursor', x: v.getInt16(1), y: v.getInt16(3), visible: v.getUint8(5) === 1 };
      if (v.getUint8(6) === 1) {
        need(buf, 19, 'cursor image');
        const width = v.getUint16(11);
        const height = v.getUint16(13);
        if (width < 1 || height < 1 || width > MAX_CURSOR_DIMENSION || height > MAX_CURSOR_DIMENSION) {
          throw new ScreenMessageError('screen_dimensions', `cursor ${width}x${height}`);
        }
        if (buf.length !== 19 + width * height * 4) throw new ScreenMessageError('screen_truncated', 'cursor image length');
        const hotX = v.getUint16(15);
        const hotY = v.getUint16(17);
        if (hotX >= width || hotY >= height) throw new ScreenMessageError('screen_bounds', 'cursor hotspot outside image');
        m.image = { serial: v.getUint32(7), width, height, hotX, hotY, rgba: buf.subarray(19) };
      }
      return m;
    }
    default:
      throw new ScreenMessageError('screen_tag', `unknown message tag ${buf[0]}`);
  }
}
