// H.264 (libx264) and VP9 (libvpx) encoders through node-av's FFmpeg: BGRA is scaled and
// converted to yuv420p by swscale in one pass, then encoded with low-latency settings
// (no B-frames, no lookahead, open-ended GOP: key frames only when asked).
import {
  AV_PICTURE_TYPE_I,
  AV_PICTURE_TYPE_NONE,
  AV_PIX_FMT_BGRA,
  AV_PIX_FMT_GRAY8,
  AV_PIX_FMT_YUV420P,
  AVERROR_EAGAIN,
  Codec,
  CodecContext,
  AV_OPT_SEARCH_CHILDREN,
  AV_OPT_TYPE_STRING,
  FF_ENCODER_LIBVPX_VP9,
  FF_ENCODER_LIBX264,
  Frame,
  Packet,
  SWS_BILINEAR,
  SoftwareScaleContext,
} from 'node-av';
import type { ScreenQuality, VideoCodecId } from '../protocol/screen.ts';
import { changedRects } from './changed-rects.ts';
import { CodecError, checkRawFrame, type EncodeOptions, type EncoderSettings, type RawFrame, type ScreenEncoder } from './types.ts';
import type { VideoFrameMessage } from '../protocol/screen.ts';

const x264Crf: Record<ScreenQuality, number> = { best: 21, balanced: 28, fastest: 34, grayscale: 28 };
const vp9Crf: Record<ScreenQuality, number> = { best: 30, balanced: 40, fastest: 50, grayscale: 40 };

function encoderOptions(codec: VideoCodecId, quality: ScreenQuality): Record<string, string> {
  if (codec === 'h264') {
    return {
      preset: quality === 'best' ? 'superfast' : 'ultrafast',
      tune: 'zerolatency',
      crf: String(x264Crf[quality]),
      'forced-idr': '1',
      // Annex B with SPS/PPS repeated on every IDR: WebCodecs decodes it without a description.
      x264opts: 'repeat-headers=1:annexb=1',
    };
  }
  return { deadline: 'realtime', 'cpu-used': '8', crf: String(vp9Crf[quality]), 'lag-in-frames': '0', 'row-mt': '1', 'error-resilient': '1' };
}

export class VideoEncoder implements ScreenEncoder {
  private readonly ctx = new CodecContext();
  private readonly sws = new SoftwareScaleContext();
  private readonly src = new Frame();
  private readonly dst = new Frame();
  private readonly packet = new Packet();
  private srcW = 0;
  private srcH = 0;
  private pts = 0n;
  private gray: Frame | null = null;
  private packed: Buffer | null = null;
  private opened = false;
  private readonly bands = new Map<number, SoftwareScaleContext>();
  private primed = false;
  private closed = false;

  constructor(
    readonly codec: VideoCodecId,
    private readonly settings: EncoderSettings,
  ) {
    const c = Codec.findEncoderByName(codec === 'h264' ? FF_ENCODER_LIBX264 : FF_ENCODER_LIBVPX_VP9);
    if (!c) throw new CodecError('codec_unavailable', `${codec} encoder not in this FFmpeg build`);
    const { width, height } = settings;
    if (width % 2 || height % 2) throw new CodecError('codec_dimensions', 'video sides must be even');
    this.ctx.allocContext3(c);
    this.ctx.width = width;
    this.ctx.height = height;
    this.ctx.pixelFormat = AV_PIX_FMT_YUV420P;
    this.ctx.timeBase = { num: 1, den: 1000 } as never;
    this.ctx.framerate = { num: 60, den: 1 } as never;
    this.ctx.gopSize = 100000;
    this.ctx.maxBFrames = 0;
    this.ctx.threadCount = 1;
    if (codec === 'vp9') this.ctx.bitRate = 0n; // constant quality (crf), no bitrate target
    // Options set on the context (not an AVDictionary: node-av 6.1 double-frees a dictionary
    // that avcodec_open2 consumed, once the GC collects it).
    for (const [k, v] of Object.entries(encoderOptions(codec, settings.quality))) {
      if (this.ctx.setOption(k, v, AV_OPT_TYPE_STRING, AV_OPT_SEARCH_CHILDREN) < 0) throw new CodecError('codec_unavailable', `${codec}: option ${k}=${v} refused`);
    }
    const r = this.ctx.open2Sync(c, null);
    if (r < 0) throw new CodecError('codec_unavailable', `cannot open ${codec} encoder (${r})`);
    this.opened = true;
    this.packet.alloc();
    this.dst.alloc();
    this.dst.width = width;
    this.dst.height = height;
    this.dst.format = AV_PIX_FMT_YUV420P;
    this.dst.allocBuffer();
    this.src.alloc();
  }

  private setSource(w: number, h: number): void {
    if (w === this.srcW && h === this.srcH) return;
    this.src.unref();
    this.src.width = w;
    this.src.height = h;
    this.src.format = AV_PIX_FMT_BGRA;
    this.src.allocBuffer();
    this.sws.freeContext();
    this.sws.getContext(w, h, AV_PIX_FMT_BGRA, this.settings.width, this.settings.height, this.settings.quality === 'grayscale' ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    this.sws.initContext();
    this.srcW = w;
    this.srcH = h;
  }

  async encode(frame: RawFrame, options: EncodeOptions = {}): Promise<VideoFrameMessage | null> {
    if (this.closed) throw new CodecError('codec_encode', 'encoder closed');
    checkRawFrame(frame);
    const firstInput = this.pts === 0n;
    if (frame.width === this.settings.width && frame.height === this.settings.height && this.settings.quality !== 'grayscale') {
      this.convertDamaged(frame, options.key === true);
    } else {
      this.setSource(frame.width, frame.height);
      if (this.src.fromBuffer(frame.data.subarray(0, frame.width * frame.height * 4)) < 0) throw new CodecError('codec_encode', 'copy into frame failed');
      this.dst.makeWritable();
      if (this.settings.quality === 'grayscale') this.grayInto();
      else this.sws.scaleFrameSync(this.dst, this.src);
    }
    this.dst.pts = this.pts++;
    this.dst.pictType = options.key || this.pts === 1n ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    let r = this.ctx.sendFrameSync(this.dst);
    if (r < 0) throw new CodecError('codec_encode', `send_frame ${r}`);
    const chunks: Buffer[] = [];
    let key = false;
    for (;;) {
      r = this.ctx.receivePacketSync(this.packet);
      if (r === AVERROR_EAGAIN || r < 0) break;
      const d = this.packet.data;
      if (d) chunks.push(Buffer.from(d));
      key ||= this.packet.isKeyframe;
      this.packet.unref();
    }
    if (chunks.length === 0) return null;
    const { width, height } = this.settings;
    const out: VideoFrameMessage = { type: 'video', codec: this.codec, key, width, height, captureTime: frame.captureTime, data: Buffer.concat(chunks) };
    // Only the areas fed in new pixels changed; the viewer draws those (and the sharpening pass refreshes them).
    if (!key && firstInput === false) {
      const rects = changedRects(frame.damage, frame.width, frame.height, width, height);
      if (rects) out.rects = rects;
    }
    return out;
  }

  /**
   * Unscaled: BGRA → yuv420p straight from the capture buffer into the encoder's frame (no copy
   * into an AVFrame first), and only the rects that changed (16-pixel aligned, so 4:2:0 chroma
   * lines up); the rest of the frame still holds the previous picture. One swscale context per
   * rect size, cached (a scrolling xterm or typing repeats the same few sizes).
   */
  private convertDamaged(frame: RawFrame, key: boolean): void {
    const W = this.settings.width;
    const H = this.settings.height;
    let rects: { x: number; y: number; width: number; height: number }[] = [{ x: 0, y: 0, width: W, height: H }];
    if (!key && this.primed && frame.damage) {
      const changed = changedRects(frame.damage, W, H, W, H);
      if (changed) rects = changed;
      if (rects.length === 0) return;
    }
    this.dst.makeWritable();
    const planes = this.dst.data;
    const ls = this.dst.linesize;
    if (!planes || planes.length < 3) throw new CodecError('codec_encode', 'encoder frame has no planes');
    for (const r of rects) {
      const sws = this.converter(r.width, r.height);
      const res = sws.scaleSync(
        [frame.data.subarray((r.y * W + r.x) * 4)],
        [W * 4],
        0,
        r.height,
        [planes[0]!.subarray(r.y * ls[0]! + r.x), planes[1]!.subarray((r.y / 2) * ls[1]! + r.x / 2), planes[2]!.subarray((r.y / 2) * ls[2]! + r.x / 2)],
        [ls[0]!, ls[1]!, ls[2]!],
      );
      if (res < 0) throw new CodecError('codec_encode', `colour conversion failed (${res})`);
    }
    this.primed = true;
  }

  private converter(w: number, h: number): SoftwareScaleContext {
    const key = w * 65536 + h;
    let sws = this.bands.get(key);
    if (!sws) {
      if (this.bands.size >= 128) {
        for (const c of this.bands.values()) c.freeContext();
        this.bands.clear();
      }
      sws = new SoftwareScaleContext();
      sws.getContext(w, h, AV_PIX_FMT_BGRA, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
      sws.initContext();
      this.bands.set(key, sws);
    }
    return sws;
  }

  /** Grayscale: luma through swscale into a GRAY8 frame, chroma planes flat grey. */
  private grayInto(): void {
    if (!this.gray) {
      this.gray = new Frame();
      this.gray.alloc();
      this.gray.width = this.settings.width;
      this.gray.height = this.settings.height;
      this.gray.format = AV_PIX_FMT_GRAY8;
      this.gray.allocBuffer();
      const n = this.settings.width * this.settings.height;
      this.packed = Buffer.alloc(n + n / 2, 128);
    }
    this.sws.scaleFrameSync(this.gray, this.src);
    const packed = this.packed as Buffer;
    this.gray.toBuffer().copy(packed, 0, 0, this.settings.width * this.settings.height);
    this.dst.fromBuffer(packed);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.opened) this.ctx.freeContext();
    this.sws.freeContext();
    for (const c of this.bands.values()) c.freeContext();
    this.bands.clear();
    this.src.free();
    this.dst.free();
    this.packet.free();
    this.gray?.free();
  }
}
