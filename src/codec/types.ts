// The one interface every screen codec implements (video through FFmpeg, tiles through sharp), so
// the agent picks one per session and switches live; decoders exist here for tests, the bench and
// the recording replay — the console decodes with WebCodecs / createImageBitmap.
import { MAX_SCREEN_DIMENSION, type ScreenCodecId, type ScreenQuality, type ScreenRect, type TileFrameMessage, type VideoFrameMessage } from '../protocol/screen.ts';

/** A captured picture: BGRA (X11 ZPixmap, little-endian 32 bpp), rows packed (stride = width*4). */
export interface RawFrame {
  width: number;
  height: number;
  data: Buffer;
  /** What changed since the previous frame handed to this encoder; undefined = everything. */
  damage?: ScreenRect[];
  /** ms since the epoch when the pixels were read. */
  captureTime: number;
}

export interface EncodeOptions {
  /** Send a picture that decodes on its own (a viewer joined, fell behind or switched). */
  key?: boolean;
  /** Tile codec: send every tile of the damaged area, changed or not (the sharpening pass). */
  refresh?: boolean;
}

export type EncodedScreenFrame = VideoFrameMessage | TileFrameMessage;

export interface EncoderSettings {
  quality: ScreenQuality;
  /** Output size; the encoder scales the input to it when it differs. */
  width: number;
  height: number;
}

export interface ScreenEncoder {
  readonly codec: ScreenCodecId;
  /** Encodes one picture; null when nothing needs sending (no change). */
  encode(frame: RawFrame, options?: EncodeOptions): Promise<EncodedScreenFrame | null>;
  close(): void;
}

export interface DecodedPicture {
  width: number;
  height: number;
  /** RGBA, stride width*4. */
  rgba: Buffer;
}

export interface ScreenDecoder {
  /** Applies one frame; returns the full current picture. Throws CodecError on undecodable input. */
  decode(frame: EncodedScreenFrame): Promise<DecodedPicture>;
  close(): void;
}

export class CodecError extends Error {
  constructor(readonly code: 'codec_unavailable' | 'codec_decode' | 'codec_encode' | 'codec_dimensions' | 'codec_bounds', message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** Fits width×height inside the cap, aspect kept, even sides (4:2:0 video needs them). */
export function fitSize(width: number, height: number, maxWidth?: number, maxHeight?: number): { width: number; height: number } {
  const s = Math.min(1, (maxWidth ?? width) / width, (maxHeight ?? height) / height);
  const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
  return { width: even(Math.round(width * s)), height: even(Math.round(height * s)) };
}

/** Refuses sides that are not integers in [1, MAX_SCREEN_DIMENSION] (an encoder, a raw or a decoded frame). */
export function checkDimensions(width: number, height: number, what: string): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_SCREEN_DIMENSION;
  if (!ok(width) || !ok(height)) throw new CodecError('codec_dimensions', `${what}: absurd dimensions ${width}x${height}`);
}

/** Refuses a rectangle that is not wholly inside a width×height picture. */
export function checkInside(r: ScreenRect, width: number, height: number, what: string): void {
  const ints = [r.x, r.y, r.width, r.height].every(Number.isInteger);
  if (!ints || r.width < 1 || r.height < 1 || r.x < 0 || r.y < 0 || r.x + r.width > width || r.y + r.height > height) {
    throw new CodecError('codec_bounds', `${what} ${r.x},${r.y} ${r.width}x${r.height} outside ${width}x${height}`);
  }
}

/** A raw frame the encoders can read: sane sides, a buffer that holds them. */
export function checkRawFrame(frame: RawFrame): void {
  checkDimensions(frame.width, frame.height, 'raw frame');
  if (frame.data.length < frame.width * frame.height * 4) throw new CodecError('codec_dimensions', 'frame buffer smaller than its size');
}
