// BGRA (X11) → RGBA at the output size in one swscale pass (SIMD), for the tile codec.
import { AV_PIX_FMT_BGRA, AV_PIX_FMT_RGBA, Frame, SWS_BILINEAR, SoftwareScaleContext } from 'node-av';

export class RgbaScaler {
  private sws: SoftwareScaleContext | null = null;
  private readonly src = new Frame();
  private readonly dst = new Frame();
  private key = '';

  constructor() {
    this.src.alloc();
    this.dst.alloc();
  }

  convert(bgra: Buffer, width: number, height: number, outW: number, outH: number): Buffer {
    const key = `${width}x${height}>${outW}x${outH}`;
    if (key !== this.key) {
      this.sws?.freeContext();
      this.sws = new SoftwareScaleContext();
      this.sws.getContext(width, height, AV_PIX_FMT_BGRA, outW, outH, AV_PIX_FMT_RGBA, SWS_BILINEAR);
      this.sws.initContext();
      for (const [f, w, h, fmt] of [[this.src, width, height, AV_PIX_FMT_BGRA], [this.dst, outW, outH, AV_PIX_FMT_RGBA]] as const) {
        f.unref();
        f.width = w;
        f.height = h;
        f.format = fmt;
        f.allocBuffer();
      }
      this.key = key;
    }
    this.src.fromBuffer(bgra.subarray(0, width * height * 4));
    this.dst.makeWritable();
    this.sws?.scaleFrameSync(this.dst, this.src);
    return this.dst.toBuffer();
  }

  close(): void {
    this.sws?.freeContext();
    this.src.free();
    this.dst.free();
  }
}
