// One picture kept in two forms through node-av's swscale: planar YUV 4:2:0 (what a video
// encoder reads, and what the video decoder gives) and RGBA (what tile frames are drawn on).
// The RGBA form is brought up to date only when something draws on it. Used by the conversion
// of recordings to video (REP-5). Sides must be even.
import { AV_PIX_FMT_RGBA, AV_PIX_FMT_YUV420P, Frame, SWS_BILINEAR, SoftwareScaleContext } from 'node-av';

/** The output picture in both forms: YUV 4:2:0 (what ffmpeg reads) and RGBA (what tiles draw on). */
export class YuvPicture {
  readonly yuv: Buffer;
  readonly rgba: Buffer;
  private rgbaCurrent = true;
  private readonly f = { rgba: new Frame(), yuv: new Frame() };
  private readonly toYuvSws = new SoftwareScaleContext();
  private readonly toRgbaSws = new SoftwareScaleContext();

  constructor(readonly width: number, readonly height: number) {
    for (const [fr, fmt] of [[this.f.rgba, AV_PIX_FMT_RGBA], [this.f.yuv, AV_PIX_FMT_YUV420P]] as const) {
      fr.alloc();
      fr.width = width;
      fr.height = height;
      fr.format = fmt;
      fr.allocBuffer();
    }
    this.toYuvSws.getContext(width, height, AV_PIX_FMT_RGBA, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    this.toYuvSws.initContext();
    this.toRgbaSws.getContext(width, height, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_RGBA, SWS_BILINEAR);
    this.toRgbaSws.initContext();
    this.rgba = Buffer.alloc(width * height * 4);
    this.yuv = Buffer.alloc(width * height + 2 * (width / 2) * (height / 2));
    this.rgbaChanged(); // black, in both forms
  }

  /** A decoded video picture of exactly this size, YUV 4:2:0. */
  setYuv(yuv: Buffer): void {
    yuv.copy(this.yuv);
    this.rgbaCurrent = false;
  }

  /** The RGBA form, brought up to date (before tiles are drawn on it). */
  currentRgba(): Buffer {
    if (!this.rgbaCurrent) {
      this.f.yuv.makeWritable();
      this.f.yuv.fromBuffer(this.yuv);
      this.f.rgba.makeWritable();
      this.toRgbaSws.scaleFrameSync(this.f.rgba, this.f.yuv);
      this.f.rgba.toBuffer().copy(this.rgba);
      this.rgbaCurrent = true;
    }
    return this.rgba;
  }

  /** After drawing on `rgba`: the YUV form follows. */
  rgbaChanged(): void {
    this.f.rgba.makeWritable();
    this.f.rgba.fromBuffer(this.rgba);
    this.f.yuv.makeWritable();
    this.toYuvSws.scaleFrameSync(this.f.yuv, this.f.rgba);
    this.f.yuv.toBuffer().copy(this.yuv);
    this.rgbaCurrent = true;
  }

  close(): void {
    this.toYuvSws.freeContext();
    this.toRgbaSws.freeContext();
    this.f.rgba.free();
    this.f.yuv.free();
  }
}
