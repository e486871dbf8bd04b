// The rep's current picture of a screen stream, as the console's canvas holds it (for tests, the
// bench and replays; the console's worker does the same on an OffscreenCanvas): a video picture is
// drawn only over its changed rects, so tiles of the sharpening pass stay lossless where nothing
// changed; tile frames (a tile stream, or the sharpening pass over video) are drawn as they come.
import { videoDrawRects, type ScreenCodecId, type TileFrameMessage, type VideoFrameMessage } from '../protocol/screen.ts';
import { TileDecoder } from './tile-decoder.ts';
import { CodecError, type DecodedPicture } from './types.ts';
import { VideoDecoder } from './video-decoder.ts';

export class ScreenCompositor {
  private readonly video: VideoDecoder | null;
  private readonly tiles = new TileDecoder();
  private pic: DecodedPicture | null = null;

  constructor(readonly codec: ScreenCodecId) {
    this.video = codec === 'tile' ? null : new VideoDecoder(codec);
  }

  /** The picture as drawn so far (null before the first key frame). */
  get picture(): DecodedPicture | null {
    return this.pic;
  }

  /** Draws one frame; throws CodecError on undecodable input, leaving the picture as it was. */
  async apply(f: VideoFrameMessage | TileFrameMessage): Promise<DecodedPicture> {
    if (f.type === 'tiles') {
      // On a video stream the tiles refine the picture in place (TileDecoder adopts it, no copy).
      if (this.video && !this.pic) throw new CodecError('codec_decode', 'no picture to refine yet');
      this.pic = await this.tiles.decode(f);
      return this.pic;
    }
    if (!this.video) throw new CodecError('codec_decode', 'a video frame on a tile stream');
    const decoded = await this.video.decode(f);
    const pic = this.pic;
    if (!pic || pic.width !== decoded.width || pic.height !== decoded.height || f.key || !f.rects) {
      this.pic = { width: decoded.width, height: decoded.height, rgba: Buffer.from(decoded.rgba) };
    } else {
      const stride = pic.width * 4;
      for (const r of videoDrawRects(f)) {
        for (let y = r.y; y < r.y + r.height; y++) decoded.rgba.copy(pic.rgba, y * stride + r.x * 4, y * stride + r.x * 4, y * stride + (r.x + r.width) * 4);
      }
    }
    this.tiles.adopt(this.pic!);
    return this.pic!;
  }

  close(): void {
    this.video?.close();
    this.tiles.close();
    this.pic = null;
  }
}
