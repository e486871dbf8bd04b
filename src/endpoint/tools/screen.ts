// The 'screen' channel kind on the customer's machine: capture → encode → channel, driven by
// damage (an unchanged screen sends nothing), paced by the channel's flow control (each write
// waits for credit, and the next picture is read only then, so a slow link lowers the frame rate
// and never queues old frames). The rep's meta picks monitor, codec, quality and resolution cap,
// switchable live with control messages; a key frame goes out whenever the channel asks for one.
import { createScreenEncoder, fitSize, type EncodedScreenFrame, type ScreenEncoder } from '../../codec/index.ts';
import { TileEncoder } from '../../codec/tile-encoder.ts';
import {
  ScreenChannelMeta,
  ScreenMessageError,
  decodeScreenMessage,
  encodeScreenMessage,
  type MonitorChoice,
  type ScreenInfo,
  type ScreenLayout,
  type ScreenRect,
} from '../../protocol/screen.ts';
import type { ScreenCapture } from '../platform/screen-capture.ts';
import type { ToolContext } from './tool-context.ts';

/** The subset of the live channel the screen tool uses. */
export interface ScreenChannel {
  readonly kind: string;
  readonly meta: unknown;
  write(payload: Uint8Array, options?: { key?: boolean }): Promise<void>;
  onKeyFrameRequest?(cb: () => void): void;
  [Symbol.asyncIterator](): AsyncIterator<{ payload: Uint8Array }>;
  close(reason?: string): void;
  readonly closed: Promise<string>;
}

export interface ScreenToolOptions {
  openCapture: () => Promise<ScreenCapture>;
  /** Upper bound on pictures per second (default 60). */
  maxFps?: number;
  /** Quiet time after which a video stream gets a lossless refresh of what changed (default 300 ms). */
  refineAfterMs?: number;
  /** Cursor position poll interval (default 50 ms). */
  cursorPollMs?: number;
}

export interface ScreenStats {
  frames: number;
  bytes: number;
  keyFrames: number;
  refines: number;
  encodeMs: number;
  grabMs: number;
}

function regionOf(layout: ScreenLayout, monitor: MonitorChoice): ScreenRect {
  if (monitor === 'all') return { x: 0, y: 0, width: layout.width, height: layout.height };
  const m = layout.monitors[monitor] ?? layout.monitors[0]!;
  return { x: m.x, y: m.y, width: m.width, height: m.height };
}

function union(a: ScreenRect | null, b: ScreenRect): ScreenRect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** One screen stream on one channel. Exposed for the bench and the tests. */
export class ScreenStreamer {
  readonly stats: ScreenStats = { frames: 0, bytes: 0, keyFrames: 0, refines: 0, encodeMs: 0, grabMs: 0 };
  private meta: ScreenChannelMeta;
  private encoder: ScreenEncoder | null = null;
  private encoderKey = '';
  private refiner: TileEncoder | null = null;
  private info: ScreenInfo | null = null;
  private needKey = true;
  private needInfo = true;
  private dirty = true;
  private refineArea: ScreenRect | null = null;
  private lastFrameAt = 0;
  private lastCursor = { x: -1, y: -1, serial: -2, visible: false };
  private cursorShapeChanged = true;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly ch: ScreenChannel,
    private readonly capture: ScreenCapture,
    meta: ScreenChannelMeta,
    private readonly ctx: ToolContext,
    private readonly opts: Required<Omit<ScreenToolOptions, 'openCapture'>>,
  ) {
    this.meta = meta;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Applies a control message from the rep (monitor / codec / quality / cap switched live). */
  control(change: Partial<ScreenChannelMeta>): void {
    const next = ScreenChannelMeta.parse({ ...this.meta, ...change });
    if (next.monitor !== this.meta.monitor) {
      const name = next.monitor === 'all' ? 'all' : (this.capture.layout.monitors[next.monitor]?.name ?? String(next.monitor));
      this.ctx.report({ kind: 'screen_monitor_switched', monitor: next.monitor, name });
    }
    this.meta = next;
    // Applied at the start of the next step, never under a picture being encoded.
    this.needInfo = true;
    this.requestKeyFrame();
  }

  requestKeyFrame(): void {
    this.needKey = true;
    this.dirty = true;
    this.poke();
  }

  private ensureEncoder(): { encoder: ScreenEncoder; info: ScreenInfo } {
    if (this.encoder && this.info && !this.needInfo) return { encoder: this.encoder, info: this.info };
    const layout = this.capture.layout;
    let monitor = this.meta.monitor;
    if (monitor !== 'all' && !layout.monitors[monitor]) monitor = 0; // a monitor that went away
    const region = regionOf(layout, monitor);
    const size = fitSize(region.width, region.height, this.meta.maxWidth, this.meta.maxHeight);
    const key = `${this.meta.codec}/${this.meta.quality}/${size.width}x${size.height}`;
    if (!this.encoder || key !== this.encoderKey) {
      this.encoder?.close();
      this.encoderKey = key;
      this.encoder = createScreenEncoder(this.meta.codec, { quality: this.meta.quality, ...size });
      this.refiner?.close();
      this.refiner = this.meta.codec === 'tile' ? null : new TileEncoder({ quality: 'best', ...size });
    }
    this.info = { layout, monitor, region, streamWidth: size.width, streamHeight: size.height, codec: this.meta.codec, quality: this.meta.quality };
    return { encoder: this.encoder, info: this.info };
  }

  private async send(frame: EncodedScreenFrame): Promise<void> {
    const bytes = encodeScreenMessage(frame);
    this.stats.frames++;
    this.stats.bytes += bytes.length;
    if (frame.key) this.stats.keyFrames++;
    await this.ch.write(bytes, { key: frame.key });
  }

  async run(): Promise<string> {
    this.offs.push(
      this.capture.onDamage(() => {
        this.dirty = true;
        this.poke();
      }),
      this.capture.onLayout(() => {
        this.needInfo = true;
        this.requestKeyFrame();
      }),
    );
    const shape = (this.capture as { onCursorShape?: (cb: () => void) => () => void }).onCursorShape;
    if (shape) this.offs.push(shape.call(this.capture, () => (this.cursorShapeChanged = true)));
    this.ch.onKeyFrameRequest?.(() => this.requestKeyFrame());
    void this.readControl();
    this.ctx.report({ kind: 'screen_view_started', monitor: this.meta.monitor, codec: this.meta.codec, quality: this.meta.quality });
    const reason = this.ch.closed.then((r) => {
      this.stopped = true;
      this.poke();
      return r;
    });
    try {
      while (!this.stopped) {
        await this.step();
        if (this.stopped) break;
        if (!this.dirty && !this.needKey) {
          const quietFor = this.opts.cursorPollMs;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, quietFor);
            this.wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          if (!this.dirty && !this.needKey && this.refineArea && Date.now() - this.lastFrameAt >= this.opts.refineAfterMs) await this.refine();
        }
      }
    } catch (err) {
      if (!this.stopped) {
        this.ctx.warn?.(`screen stream failed: ${String(err)}`);
        this.ch.close('screen_failed');
      }
    } finally {
      for (const off of this.offs) off();
      this.encoder?.close();
      this.refiner?.close();
    }
    const r = await reason;
    this.ctx.report({ kind: 'screen_view_stopped', reason: r.slice(0, 64) });
    return r;
  }

  /** One iteration: cursor, then (if something changed) one picture. */
  private async step(): Promise<void> {
    const { encoder, info } = this.ensureEncoder();
    if (this.needInfo) {
      this.needInfo = false;
      await this.ch.write(encodeScreenMessage({ type: 'info', info }), { key: true });
    }
    await this.sendCursor(info);
    if (!this.dirty && !this.needKey) return;
    // Pace to maxFps: wait out the rest of the frame interval (damage keeps accumulating meanwhile).
    const wait = this.lastFrameAt + 1000 / this.opts.maxFps - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const key = this.needKey;
    this.dirty = false;
    this.needKey = false;
    const t0 = performance.now();
    const frame = await this.capture.grab(info.region, key);
    this.stats.grabMs += performance.now() - t0;
    if (!frame) return;
    const t1 = performance.now();
    const out = await encoder.encode(frame, { key });
    this.stats.encodeMs += performance.now() - t1;
    this.lastFrameAt = Date.now();
    if (!out) return;
    if (this.refiner && out.type === 'video') {
      const sx = info.streamWidth / info.region.width;
      const sy = info.streamHeight / info.region.height;
      for (const d of frame.damage ?? [{ x: 0, y: 0, width: frame.width, height: frame.height }]) {
        const x = Math.max(0, Math.floor(d.x * sx));
        const y = Math.max(0, Math.floor(d.y * sy));
        const r = { x, y, width: Math.min(info.streamWidth - x, Math.ceil(d.width * sx) + 1), height: Math.min(info.streamHeight - y, Math.ceil(d.height * sy) + 1) };
        if (r.width > 0 && r.height > 0) this.refineArea = union(this.refineArea, r);
      }
    }
    await this.send(out);
  }

  /** The sharpening pass: once the screen rests, what the video made lossy is sent losslessly. */
  private async refine(): Promise<void> {
    const area = this.refineArea;
    const { info } = this.ensureEncoder();
    this.refineArea = null;
    if (!area || !this.refiner) return;
    const frame = await this.capture.grab(info.region, true);
    if (!frame) return;
    const sx = info.region.width / info.streamWidth;
    const sy = info.region.height / info.streamHeight;
    frame.damage = [{ x: Math.floor(area.x * sx), y: Math.floor(area.y * sy), width: Math.ceil(area.width * sx), height: Math.ceil(area.height * sy) }];
    const out = await this.refiner.encode(frame, { refresh: true });
    if (!out) return;
    this.stats.refines++;
    await this.send({ ...out, key: false });
  }

  private async sendCursor(info: ScreenInfo): Promise<void> {
    const c = await this.capture.cursor(this.cursorShapeChanged);
    const withImage = this.cursorShapeChanged && c.image !== undefined;
    this.cursorShapeChanged = false;
    const r = info.region;
    const visible = c.x >= r.x && c.y >= r.y && c.x < r.x + r.width && c.y < r.y + r.height;
    const x = Math.round(((c.x - r.x) * info.streamWidth) / r.width);
    const y = Math.round(((c.y - r.y) * info.streamHeight) / r.height);
    const last = this.lastCursor;
    if (!withImage && last.x === x && last.y === y && last.visible === visible) return;
    this.lastCursor = { x, y, serial: c.serial, visible };
    const clamp = (v: number) => Math.max(-32768, Math.min(32767, v));
    await this.ch.write(encodeScreenMessage({ type: 'cursor', x: clamp(x), y: clamp(y), visible, image: withImage ? c.image : undefined }));
  }

  private async readControl(): Promise<void> {
    try {
      for await (const msg of this.ch) {
        try {
          const m = decodeScreenMessage(msg.payload);
          if (m.type !== 'control') throw new ScreenMessageError('screen_tag', `unexpected ${m.type} message from the rep`);
          this.control(m.control);
        } catch (err) {
          this.ctx.warn?.(`screen channel: refused a message (${err instanceof ScreenMessageError ? err.code : 'invalid'}): ${String(err instanceof Error ? err.message : err)}`);
        }
      }
    } catch (err) {
      if (!this.stopped) this.ctx.warn?.(`screen channel read failed: ${String(err)}`);
    }
  }

  stop(): void {
    this.stopped = true;
    this.poke();
  }
}

export function createScreenHandler(options: ScreenToolOptions): (ch: ScreenChannel, ctx: ToolContext) => Promise<void> {
  return async (ch, ctx) => {
    const meta = ScreenChannelMeta.safeParse(ch.meta ?? {});
    if (!meta.success) {
      ctx.warn?.(`screen channel refused: bad meta (${meta.error.issues[0]?.message ?? 'invalid'})`);
      ch.close('bad_meta');
      return;
    }
    let capture: ScreenCapture;
    try {
      capture = await options.openCapture();
    } catch (err) {
      ctx.warn?.(`screen capture unavailable: ${String(err)}`);
      ch.close('capture_unavailable');
      return;
    }
    try {
      const streamer = new ScreenStreamer(ch, capture, meta.data, ctx, {
        maxFps: options.maxFps ?? 60,
        refineAfterMs: options.refineAfterMs ?? 300,
        cursorPollMs: options.cursorPollMs ?? 50,
      });
      await streamer.run();
    } finally {
      capture.close();
    }
  };
}
