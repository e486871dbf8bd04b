// Picks an encoder/decoder for a codec id; the rest of the agent sees only the interfaces.
import { Log, AV_LOG_ERROR } from 'node-av';
import type { ScreenCodecId } from '../protocol/screen.ts';
import { TileDecoder } from './tile-decoder.ts';
import { TileEncoder } from './tile-encoder.ts';
import { checkDimensions, type EncoderSettings, type ScreenDecoder, type ScreenEncoder } from './types.ts';
import { VideoDecoder } from './video-decoder.ts';
import { VideoEncoder } from './video-encoder.ts';

export * from './types.ts';
export { ScreenCompositor } from './screen-compositor.ts';
Log.setLevel(AV_LOG_ERROR);

/** Throws CodecError for absurd output sizes (and, for video, odd sides or a codec missing here). */
export function createScreenEncoder(codec: ScreenCodecId, settings: EncoderSettings): ScreenEncoder {
  checkDimensions(settings.width, settings.height, `${codec} encoder`);
  return codec === 'tile' ? new TileEncoder(settings) : new VideoEncoder(codec, settings);
}

export function createScreenDecoder(codec: ScreenCodecId): ScreenDecoder {
  return codec === 'tile' ? new TileDecoder() : new VideoDecoder(codec);
}
