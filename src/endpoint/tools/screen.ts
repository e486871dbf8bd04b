// The 'screen' channel kind on the customer's machine: capture → encode → channel, newest wins.
// A picture is read and encoded only when the channel can take a message (`whenWritable`: the
// broker grants credit at the pace of the roomiest viewer) *and* something changed (XDamage), so
// an unchanged screen costs nothing and a slow link lowers the frame rate without queueing old
// frames. Each key frame (asked for by the channel: a viewer joined, fell behind or skipped) is
// preceded by the layout info, so any viewer can start from it. When a video stream rests, what
// it made lossy is sent again losslessly (the sharpening pass). The rep's meta picks monitor,
// codec, quality and resolution cap; a new channel (or a control message where the transport
// carries one) switches them live.
import { createScreenEncoder, fitSize, type EncodedScreenFrame, type ScreenEncoder } from '../../codec/index.ts';
import { TileEncoder } from '../../codec/tile-encoder.ts';
import {
  ScreenChannelMeta,
  ScreenMessageError,
  decodeScreenMessage,
  encodeScreenMessage,
  videoDrawRects,
  type MonitorChoice,
  type ScreenInfo,
  type ScreenLayout,
  type ScreenRect,
} from '../../protocol/screen.ts';
import type { ScreenCapture } from '../platform/screen-capture.ts';
import type { ToolContext } from './tool-context.ts';

/** The subset of a latest live channel (protocol/channel-endpoint.ts) the screen tool uses. */
export interface ScreenChannel {
  readonly kind: string;
  readonly meta: unknown;
  readonly writable: boolean;
  whenWritable(): Promise<void>;
  writeLatest(payload: Uint8Array, options?: { key?: boolean }): boolean;
  onKeyFrameRequest(cb: () => void): void;
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
  /** Cursor position poll interval while the pointer moves (default 50 ms). */
  cursorPollMs?: number;
  /**
   * The poll once the pointer has rested 2 s (default 250 ms). Motion events (XInput2) wake the
   * stream at once whatever the poll; it catches what they miss (a warp, a window taking XI2 motion).
   */
  cursorIdlePollMs?: number;
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

/** A pointer that moved this recently is polled at the fast rate. */
const CURSOR_MOVING_MS = 2000;

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
  /** When the next picture may start (performance.now() clock): the maxFps schedule. */
  private nextPictureAt = 0;
  private lastCursorPoll = 0;
  private lastCursor = { x: -1, y: -1, serial: -2, visible: false };
  private cursorShapeChanged = true;
  /** A motion event came since the last read (or the cursor must be sent again). */
  private cursorMoved = true;
  private lastCursorChangeAt = 0;
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

  /** Sleeps until poked (damage, key request, control, stop) or `ms` passed. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
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
    this.requestKeyFrame();
  }

  /** A viewer needs a picture that decodes on its own: the layout info, then a key frame. */
  requestKeyFrame(): void {
    // A viewer starting from this key frame gets the cursor (shape and position) too.
    this.cursorShapeChanged = true;
    this.cursorMoved = true;
    this.lastCursor = { ...this.lastCursor, x: -1 };
    this.needKey = true;
    this.needInfo = true;
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
      this.refineArea = null;
      this.needKey = true;
    }
    this.info = { layout, monitor, region, streamWidth: size.width, streamHeight: size.height, codec: this.meta.codec, quality: this.meta.quality };
    return { encoder: this.encoder, info: this.info };
  }

  /** Sends one message; the caller made sure the channel was writable (so nothing is replaced). */
  private put(bytes: Uint8Array, key: boolean): void {
    this.ch.writeLatest(bytes, { key });
  }

  private sendFrame(frame: EncodedScreenFrame): void {
    const bytes = encodeScreenMessage(frame);
    this.stats.frames++;
    this.stats.bytes += bytes.length;
    if (frame.key) this.stats.keyFrames++;
    this.put(bytes, frame.key);
  }

  async run(): Promise<string> {
    this.offs.push(
      this.capture.onDamage(() => {
        this.dirty = true;
        this.poke();
      }),
      this.capture.onLayout(() => this.requestKeyFrame()),
    );
    const shape = (this.capture as { onCursorShape?: (cb: () => void) => () => void }).onCursorShape;
    if (shape) {
      this.offs.push(
        shape.call(this.capture, () => {
          this.cursorShapeChanged = true;
          this.poke();
        }),
      );
    }
    const offMove = this.capture.onCursorMove?.(() => {
      if (this.cursorMoved) return;
      this.cursorMoved = true;
      this.poke();
    });
    if (offMove) this.offs.push(offMove);
    this.ch.onKeyFrameRequest(() => this.requestKeyFrame());
    void this.readControl();
    this.ctx.report({ kind: 'screen_view_started', monitor: this.meta.monitor, codec: this.meta.codec, quality: this.meta.quality });
    const reason = this.ch.closed.then((r) => {
      this.stopped = true;
      this.poke();
      return r;
    });
    try {
      while (!this.stopped) {
        // Produce only when the channel (the roomiest viewer) can take a message: newest wins.
        if (!this.ch.writable) {
          await Promise.race([this.ch.whenWritable(), reason]);
          continue;
        }
        if (await this.step()) continue;
        if (this.dirty || this.needKey || this.stopped) continue;
        // Nothing to send: sleep until damage / a key request, the next cursor poll or the refine time.
        const now = Date.now();
        let until = this.nextCursorRead();
        if (this.refineArea) until = Math.min(until, this.lastFrameAt + this.opts.refineAfterMs);
        await this.sleep(until - now);
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

  /** Sends at most one message (the channel is writable). False when there was nothing to send. */
  private async step(): Promise<boolean> {
    const { encoder, info } = this.ensureEncoder();
    if (this.needInfo) {
      this.needInfo = false;
      this.put(encodeScreenMessage({ type: 'info', info }), true);
      return true;
    }
    if (Date.now() >= this.nextCursorRead() && (await this.sendCursor(info))) return true;
    if (this.dirty || this.needKey) {
      // Pace to maxFps on a schedule of picture *starts* (damage keeps accumulating meanwhile):
      // counting the interval from the end of the last encode made a picture's period its work
      // plus a whole interval (11 + 16.7 ms: 36 fps on a scrolling xterm that changes 80 times a second).
      const interval = 1000 / this.opts.maxFps;
      const wait = this.nextPictureAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.stopped || this.needInfo) return true;
      const start = performance.now();
      // On time or less than an interval late: keep the schedule (the average holds maxFps);
      // after a rest, start a new one from now.
      this.nextPictureAt = (start - this.nextPictureAt > interval ? start : this.nextPictureAt) + interval;
      const key = this.needKey;
      this.dirty = false;
      this.needKey = false;
      const t0 = performance.now();
      const frame = await this.capture.grab(info.region, key);
      this.stats.grabMs += performance.now() - t0;
      if (!frame) return false;
      const t1 = performance.now();
      const out = await encoder.encode(frame, { key });
      this.stats.encodeMs += performance.now() - t1;
      this.lastFrameAt = Date.now();
      if (!out) return false;
      if (this.refiner && out.type === 'video') this.noteRefine(videoDrawRects(out));
      if (this.stopped || this.needInfo || !this.ch.writable) {
        // A switch or a key request came in meanwhile: this picture is stale for the new chain.
        if (out.key) this.needKey = true;
        this.dirty = true;
        return true;
      }
      this.sendFrame(out);
      return true;
    }
    if (this.refineArea && Date.now() - this.lastFrameAt >= this.opts.refineAfterMs) return this.refine(info);
    return false;
  }

  /**
   * Video made these stream areas lossy (exactly what the viewer drew of the picture, its changed
   * rects): the next rest refreshes them losslessly.
   */
  private noteRefine(drawn: ScreenRect[]): void {
    for (const r of drawn) this.refineArea = union(this.refineArea, r);
  }

  /** The sharpening pass: once the screen rests, what the video made lossy is sent losslessly. */
  private async refine(info: ScreenInfo): Promise<boolean> {
    const area = this.refineArea;
    this.refineArea = null;
    if (!area || !this.refiner) return false;
    const frame = await this.capture.grab(info.region, true);
    if (!frame) return false;
    const sx = info.region.width / info.streamWidth;
    const sy = info.region.height / info.streamHeight;
    frame.damage = [{ x: Math.floor(area.x * sx), y: Math.floor(area.y * sy), width: Math.ceil(area.width * sx), height: Math.ceil(area.height * sy) }];
    const out = await this.refiner.encode(frame, { refresh: true });
    if (!out || this.stopped || this.needInfo || !this.ch.writable) return true;
    this.stats.refines++;
    this.sendFrame({ ...out, key: false });
    return true;
  }

  /**
   * When the cursor is next read: after a motion event or a shape change, at once (at most once a
   * picture interval); while it moved in the last 2 s, every poll interval; at rest, every idle poll.
   */
  private nextCursorRead(): number {
    if (this.cursorMoved || this.cursorShapeChanged) return this.lastCursorPoll + 1000 / this.opts.maxFps;
    const moving = Date.now() - this.lastCursorChangeAt < CURSOR_MOVING_MS;
    return this.lastCursorPoll + (moving ? this.opts.cursorPollMs : this.opts.cursorIdlePollMs);
  }

  /** Sends the cursor if it moved or changed shape; true when a message went out. */
  private async sendCursor(info: ScreenInfo): Promise<boolean> {
    this.lastCursorPoll = Date.now();
    this.cursorMoved = false;
    const c = await this.capture.cursor(this.cursorShapeChanged);
    const withImage = this.cursorShapeChanged && c.image !== undefined;
    this.cursorShapeChanged = false;
    const r = info.region;
    const visible = c.x >= r.x && c.y >= r.y && c.x < r.x + r.width && c.y < r.y + r.height;
    const x = Math.round(((c.x - r.x) * info.streamWidth) / r.width);
    const y = Math.round(((c.y - r.y) * info.streamHeight) / r.height);
    const last = this.lastCursor;
    if (!withImage && last.x === x && last.y === y && last.visible === visible) return false;
    if (this.stopped || this.needInfo || !this.ch.writable) {
      if (withImage) this.cursorShapeChanged = true;
      this.cursorMoved = true;
      return false;
    }
    this.lastCursor = { x, y, serial: c.serial, visible };
    this.lastCursorChangeAt = Date.now();
    const clamp = (v: number) => Math.max(-32768, Math.min(32767, v));
    this.put(encodeScreenMessage({ type: 'cursor', x: clamp(x), y: clamp(y), visible, image: withImage ? c.image : undefined }), false);
    return true;
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
    if (typeof ch.writeLatest !== 'function' || typeof ch.whenWritable !== 'function') {
      ctx.warn?.('screen channel refused: not a latest (newest-wins) channel');
      ch.close('unsupported_kind');
      return;
    }
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
        cursorIdlePollMs: options.cursorIdlePollMs ?? 250,
      });
      await streamer.run();
    } finally {
      capture.close();
    }
  };
}
