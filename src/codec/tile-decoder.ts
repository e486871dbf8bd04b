// Applies tile frames to an RGBA picture (tests, bench, replays); the console does the same on a canvas.
import sharp from 'sharp';
import { copyRect } from './tile-scroll.ts';
import { CodecError, checkDimensions, checkInside, type DecodedPicture, type EncodedScreenFrame, type ScreenDecoder } from './types.ts';

export class TileDecoder implements ScreenDecoder {
  private pic: DecodedPicture | null = null;

  /** Draws from now on into `pic` itself, without a copy (ScreenCompositor's shared picture). */
  adopt(pic: DecodedPicture): void {
    this.pic = pic;
  }

  /** Starts from an existing picture (tiles drawn over a video picture: the sharpening pass). */
  setPicture(pic: DecodedPicture): void {
    this.pic = { width: pic.width, height: pic.height, rgba: Buffer.from(pic.rgba) };
  }

  async decode(f: EncodedScreenFrame): Promise<DecodedPicture> {
    if (f.type !== 'tiles') throw new CodecError('codec_decode', 'not a tile frame');
    checkDimensions(f.width, f.height, 'tile frame');
    // Every rect is checked before anything is drawn: a bad frame leaves the picture as it was.
    for (const t of f.tiles) {
      checkInside(t, f.width, f.height, `${t.kind} tile`);
      if (t.kind === 'copy') checkInside({ x: t.srcX, y: t.srcY, width: t.width, height: t.height }, f.width, f.height, 'copy source');
      else if (t.kind !== 'fill' && t.data.length === 0) throw new CodecError('codec_decode', `empty ${t.kind} tile at ${t.x},${t.y}`);
    }
    if (!this.pic || this.pic.width !== f.width || this.pic.height !== f.height) {
      if (!f.key) throw new CodecError('codec_decode', 'no key frame yet');
      this.pic = { width: f.width, height: f.height, rgba: Buffer.alloc(f.width * f.height * 4) };
    }
    const pic = this.pic;
    const stride = pic.width * 4;
    const images = await Promise.all(
      f.tiles.map(async (t) => {
        if (t.kind === 'copy' || t.kind === 'fill') return null;
        try {
          const { data, info } = await sharp(t.data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
          if (info.width !== t.width || info.height !== t.height) throw new Error('size');
          return data;
        } catch {
          throw new CodecError('codec_decode', `undecodable ${t.kind} tile at ${t.x},${t.y}`);
        }
      }),
    );
    f.tiles.forEach((t, i) => {
      if (t.kind === 'copy') copyRect(pic.rgba, stride, { x: t.srcX, y: t.srcY, width: t.width, height: t.height }, t);
      else if (t.kind === 'fill') {
        const px = Buffer.from([t.rgba >>> 24, (t.rgba >>> 16) & 255, (t.rgba >>> 8) & 255, t.rgba & 255]);
        for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) px.copy(pic.rgba, y * stride + x * 4);
      } else {
        const data = images[i] as Buffer;
        for (let y = 0; y < t.height; y++) data.copy(pic.rgba, (t.y + y) * stride + t.x * 4, y * t.width * 4, (y + 1) * t.width * 4);
      }
    });
    return pic;
  }

  close(): void {
    this.pic = null;
  }
}
