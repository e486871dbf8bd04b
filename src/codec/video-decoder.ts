// H.264 / VP9 decoding through node-av, for tests, the bench and replays (the console uses
// WebCodecs). Output is RGBA so it compares directly with a capture or a canvas read-back, or
// planar YUV 4:2:0 (`decodeYuv`) for the conversion of recordings to video, which hands the
// decoder's own picture to the video encoder without two colour conversions.
import { AV_PIX_FMT_RGBA, AV_PIX_FMT_YUV420P, AVERROR_EAGAIN, Codec, FF_DECODER_H264, FF_DECODER_VP9, CodecContext, Frame, Packet, SWS_BILINEAR, SoftwareScaleContext } from 'node-av';
import type { VideoCodecId } from '../protocol/screen.ts';
import { CodecError, checkDimensions, type DecodedPicture, type EncodedScreenFrame, type ScreenDecoder } from './types.ts';

export class VideoDecoder implements ScreenDecoder {
  private readonly ctx = new CodecContext();
  private readonly packet = new Packet();
  private readonly frame = new Frame();
  private readonly rgba = new Frame();
  private sws: SoftwareScaleContext | null = null;
  private swsKey = '';
  private readonly yuv = new Frame();
  private yuvSws: SoftwareScaleContext | null = null;
  private yuvKey = '';
  private last: DecodedPicture | null = null;
  private gotKey = false;

  constructor(readonly codec: VideoCodecId) {
    const c = Codec.findDecoderByName(codec === 'h264' ? FF_DECODER_H264 : FF_DECODER_VP9);
    if (!c) throw new CodecError('codec_unavailable', `${codec} decoder missing`);
    this.ctx.allocContext3(c);
    this.ctx.threadCount = 1;
    if (this.ctx.open2Sync(c, null) < 0) throw new CodecError('codec_unavailable', `cannot open ${codec} decoder`);
    this.packet.alloc();
    this.frame.alloc();
    this.rgba.alloc();
    this.yuv.alloc();
  }

  async decode(f: EncodedScreenFrame): Promise<DecodedPicture> {
    return this.run(f, () => this.toRgba());
  }

  /** The picture as planar YUV 4:2:0 (Y, then U, then V, no padding), for even sizes or not. */
  async decodeYuv(f: EncodedScreenFrame): Promise<{ width: number; height: number; yuv: Buffer }> {
    const p = await this.run(f, () => this.toYuv());
    return { width: p.width, height: p.height, yuv: p.rgba };
  }

  private async run(f: EncodedScreenFrame, convert: () => DecodedPicture): Promise<DecodedPicture> {
    if (f.type !== 'video' || f.codec !== this.codec) throw new CodecError('codec_decode', `not a ${this.codec} frame`);
    checkDimensions(f.width, f.height, `${this.codec} frame`);
    // An empty packet would be read as end of stream (a flush), after which nothing decodes.
    if (f.data.length === 0) throw new CodecError('codec_decode', `empty ${this.codec} frame`);
    if (!this.gotKey && !f.key) throw new CodecError('codec_decode', 'no key frame yet');
    this.gotKey = true;
    this.packet.unref();
    this.packet.data = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    let r = this.ctx.sendPacketSync(this.packet);
    if (r < 0 && r !== AVERROR_EAGAIN) throw new CodecError('codec_decode', `undecodable ${this.codec} frame (${r})`);
    let got = false;
    for (;;) {
      r = this.ctx.receiveFrameSync(this.frame);
      if (r < 0) break;
      this.last = convert();
      this.frame.unref();
      got = true;
    }
    if (!got || !this.last) throw new CodecError('codec_decode', `${this.codec} frame gave no picture`);
    if (this.last.width !== f.width || this.last.height !== f.height) throw new CodecError('codec_decode', 'decoded size differs from the frame header');
    return this.last;
  }

  private toRgba(): DecodedPicture {
    const { width, height } = this.frame;
    const key = `${width}x${height}:${this.frame.format}`;
    if (key !== this.swsKey) {
      this.sws?.freeContext();
      this.sws = new SoftwareScaleContext();
      this.sws.getContext(width, height, this.frame.format as never, width, height, AV_PIX_FMT_RGBA, SWS_BILINEAR);
      this.sws.initContext();
      this.rgba.unref();
      this.rgba.width = width;
      this.rgba.height = height;
      this.rgba.format = AV_PIX_FMT_RGBA;
      this.rgba.allocBuffer();
      this.swsKey = key;
    }
    this.rgba.makeWritable();
    this.sws?.scaleFrameSync(this.rgba, this.frame);
    return { width, height, rgba: this.rgba.toBuffer() };
  }

  /** `rgba` holds the YUV planes here (see decodeYuv). */
  private toYuv(): DecodedPicture {
    const { width, height } = this.frame;
    if (this.frame.format === AV_PIX_FMT_YUV420P) return { width, height, rgba: this.frame.toBuffer() };
    const key = `${width}x${height}:${this.frame.format}`;
    if (key !== this.yuvKey) {
      this.yuvSws?.freeContext();
      this.yuvSws = new SoftwareScaleContext();
      this.yuvSws.getContext(width, height, this.frame.format as never, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
      this.yuvSws.initContext();
      this.yuv.unref();
      this.yuv.width = width;
      this.yuv.height = height;
      this.yuv.format = AV_PIX_FMT_YUV420P;
      this.yuv.allocBuffer();
      this.yuvKey = key;
    }
    this.yuv.makeWritable();
    this.yuvSws?.scaleFrameSync(this.yuv, this.frame);
    return { width, height, rgba: this.yuv.toBuffer() };
  }

  close(): void {
    this.ctx.freeContext();
    this.packet.free();
    this.frame.free();
    this.rgba.free();
    this.yuv.free();
    this.sws?.freeContext();
    this.yuvSws?.freeContext();
  }
}
