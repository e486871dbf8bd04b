// Screen capture on X11 through npm `x11`: DAMAGE says what changed (nothing changed → nothing
// read), MIT-SHM GetImage reads only the changed rectangles into a full-screen copy (core
// GetImage where SHM cannot attach), RandR monitors are followed live, and XFIXES gives the cursor
// shape and position apart from the pixels.
import type { RawFrame } from '../../../codec/types.ts';
import type { ScreenLayout, ScreenRect } from '../../../protocol/screen.ts';
import { MAX_SCREEN_DIMENSION } from '../../../protocol/screen.ts';
import { boundingBox, intersect, type CursorState, type ScreenCapture } from '../screen-capture.ts';
import { RandrMonitors } from './randr-monitors.ts';
import { XConnection, type XLogger } from './x11-connection.ts';

interface DamageExt {
  firstEvent: number;
  ReportLevel: { NonEmpty: number };
  Create(damage: number, drawable: number, level: number): void;
  Destroy(damage: number): void;
  Subtract(damage: number, repair: number, parts: number): void;
}
interface FixesExt {
  firstEvent: number;
  CreateRegion(region: number, rects: ScreenRect[]): void;
  DestroyRegion(region: number): void;
  FetchRegion(region: number, cb: (err: unknown, reg: { rectangles: ScreenRect[] }) => void): void;
  SelectCursorInput(win: number, mask: number): void;
  GetCursorImage(cb: (err: unknown, img: { x: number; y: number; width: number; height: number; xhot: number; yhot: number; cursorSerial: number; cursorImage: Buffer }) => void): void;
}
interface XInputExt {
  XISelectEvents(window: number, masks: { deviceId: number; mask: string[] }): void;
}
/** XInput2's AllMasterDevices: the pointer the user sees, whichever device (or XTEST) moved it. */
const XI_ALL_MASTER_DEVICES = 1;
interface ShmSegment {
  buffer: Buffer;
  size: number;
  getImage(drawable: number, x: number, y: number, w: number, h: number, planeMask: number, format: number, offset: number, cb: (err: unknown, rep: { size: number }) => void): void;
  detach(cb?: () => void): void;
}
interface ShmExt {
  usable(cb: (err: unknown, ok: boolean) => void): void;
  createSegment(size: number, cb: (err: unknown, seg: ShmSegment) => void): void;
}

/** Above this many damaged rectangles, one bounding box is cheaper than one request each. */
const MAX_RECTS = 12;

export class X11ScreenCapture implements ScreenCapture {
  private fb: Buffer;
  private regionBuf: Buffer = Buffer.alloc(0);
  private width: number;
  private height: number;
  private currentLayout: ScreenLayout;
  private readonly layoutCbs = new Set<(l: ScreenLayout) => void>();
  private readonly damageCbs = new Set<() => void>();
  private readonly moveCbs = new Set<() => void>();
  private rawMotion = false;
  private readonly damageId: number;
  private readonly partsRegion: number;
  private shm: ShmSegment | null = null;
  private pendingDamage: ScreenRect[] = [];
  private lastCursorSerial = -1;
  private layoutTimer: NodeJS.Timeout | null = null;
  private grabbing: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly conn: XConnection,
    private readonly damage: DamageExt,
    private readonly fixes: FixesExt,
    private readonly randr: RandrMonitors | null,
    private readonly log: XLogger,
  ) {
    const s = conn.display.screen[0]!;
    this.width = s.pixel_width;
    this.height = s.pixel_height;
    this.fb = Buffer.alloc(this.width * this.height * 4);
    this.currentLayout = { width: this.width, height: this.height, monitors: [{ index: 0, name: 'screen', x: 0, y: 0, width: this.width, height: this.height, primary: true }] };
    this.damageId = conn.client.AllocID();
    this.partsRegion = conn.client.AllocID();
  }

  static async open(display: string, log: XLogger): Promise<X11ScreenCapture> {
    const conn = await XConnection.open(display, log);
    try {
      const s = conn.display.screen[0];
      if (!s || s.root_depth < 24) throw new Error(`unsupported X screen (depth ${s?.root_depth})`);
      const [damage, fixes] = await Promise.all([conn.ext<DamageExt>('damage'), conn.ext<FixesExt>('fixes')]);
      const randr = await RandrMonitors.open(conn);
      const cap = new X11ScreenCapture(conn, damage, fixes, randr, log);
      await cap.start();
      return cap;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  get method(): string {
    return this.shm ? 'mit-shm' : 'get-image';
  }

  get layout(): ScreenLayout {
    return this.currentLayout;
  }

  private async start(): Promise<void> {
    const root = this.conn.root;
    this.fixes.CreateRegion(this.partsRegion, []);
    this.damage.Create(this.damageId, root, this.damage.ReportLevel.NonEmpty);
    this.fixes.SelectCursorInput(root, 1);
    this.randr?.selectChanges();
    this.conn.onEvent((ev) => {
      if (ev.name === 'DamageNotify') {
        for (const cb of this.damageCbs) cb();
      } else if (ev.name === 'XIMotion' || ev.name === 'XIRawMotion') {
        for (const cb of this.moveCbs) cb();
      } else if (this.randr && ev.type >= this.randr.firstEvent && ev.type < this.randr.firstEvent + 3) {
        void this.refreshLayout();
      }
    });
    await this.selectMotion();
    await this.attachShm();
    await this.refreshLayout();
    // Client-declared RandR monitors do not always send an event: look again every 2 s (one round trip).
    this.layoutTimer = setInterval(() => void this.refreshLayout(), 2000);
    this.layoutTimer.unref();
    await this.readRects([{ x: 0, y: 0, width: this.width, height: this.height }]);
  }

  /**
   * XInput2 motion on the root window: XI Motion reaches it from every window whose client did not
   * select XI2 motion itself (xterm, core-event apps; absolute XTEST moves send only this), raw
   * motion comes from relative devices wherever the pointer is. The tool still polls, slowly, for
   * what neither reports (a warp, a GTK window that takes XI2 motion for itself).
   */
  private async selectMotion(): Promise<void> {
    try {
      const xi = await this.conn.ext<XInputExt>('xinput');
      xi.XISelectEvents(this.conn.root, { deviceId: XI_ALL_MASTER_DEVICES, mask: ['RawMotion', 'Motion'] });
      await this.conn.sync();
      this.rawMotion = true;
    } catch (err) {
      this.log.warn({ err: String(err) }, 'XInput2 unavailable, polling the cursor position only');
    }
  }

  onCursorMove(cb: () => void): (() => void) | null {
    if (!this.rawMotion) return null;
    this.moveCbs.add(cb);
    return () => this.moveCbs.delete(cb);
  }

  private async attachShm(): Promise<void> {
    this.shm?.detach();
    this.shm = null;
    try {
      const shm = await this.conn.ext<ShmExt>('shm');
      const ok = await new Promise<boolean>((resolve) => shm.usable((e, v) => resolve(!e && v)));
      if (!ok) return;
      this.shm = await new Promise<ShmSegment>((resolve, reject) => shm.createSegment(this.width * this.height * 4, (e, seg) => (e ? reject(e) : resolve(seg))));
    } catch (err) {
      this.log.warn({ err: String(err) }, 'MIT-SHM unavailable, capturing with core GetImage');
    }
  }

  private async refreshLayout(): Promise<void> {
    if (this.closed) return;
    try {
      const geo = await this.conn.call<{ width: number; height: number }>('GetGeometry', this.conn.root);
      if (geo.width < 1 || geo.height < 1 || geo.width > MAX_SCREEN_DIMENSION || geo.height > MAX_SCREEN_DIMENSION) return;
      if (geo.width !== this.width || geo.height !== this.height) {
        await this.grabbing;
        this.width = geo.width;
        this.height = geo.height;
        this.fb = Buffer.alloc(this.width * this.height * 4);
        await this.attachShm();
        await this.readRects([{ x: 0, y: 0, width: this.width, height: this.height }]);
        this.pendingDamage.push({ x: 0, y: 0, width: this.width, height: this.height });
      }
      const monitors = this.randr ? await this.randr.getMonitors(this.width, this.height) : this.currentLayout.monitors;
      const next: ScreenLayout = { width: this.width, height: this.height, monitors };
      if (JSON.stringify(next) !== JSON.stringify(this.currentLayout)) {
        this.currentLayout = next;
        for (const cb of this.layoutCbs) cb(next);
      }
    } catch (err) {
      if (!this.closed) this.log.warn({ err: String(err) }, 'reading the monitor layout failed');
    }
  }

  onLayout(cb: (l: ScreenLayout) => void): () => void {
    this.layoutCbs.add(cb);
    return () => this.layoutCbs.delete(cb);
  }

  onDamage(cb: () => void): () => void {
    this.damageCbs.add(cb);
    return () => this.damageCbs.delete(cb);
  }

  /** Takes the damage region accumulated by the server (and re-arms its notification). */
  private takeDamage(): Promise<ScreenRect[]> {
    this.damage.Subtract(this.damageId, 0, this.partsRegion);
    return new Promise((resolve, reject) => this.fixes.FetchRegion(this.partsRegion, (e, reg) => (e ? reject(e) : resolve(reg.rectangles))));
  }

  /** Reads rectangles of the root window into the full-screen copy. */
  private async readRects(rects: ScreenRect[]): Promise<void> {
    const screen = { x: 0, y: 0, width: this.width, height: this.height };
    let list = rects.map((r) => intersect(r, screen)).filter((r): r is ScreenRect => r !== null);
    if (list.length === 0) return;
    const area = list.reduce((s, r) => s + r.width * r.height, 0);
    const box = boundingBox(list)!;
    if (list.length > MAX_RECTS || area > box.width * box.height * 0.7) list = [box];
    const stride = this.width * 4;
    const shm = this.shm;
    if (shm) {
      // Pipelined: each rectangle at its own offset of the segment, one round trip in all.
      let offset = 0;
      const jobs = list.map((r) => {
        const at = offset;
        offset += r.width * r.height * 4;
        return new Promise<void>((resolve, reject) =>
          shm.getImage(this.conn.root, r.x, r.y, r.width, r.height, 0xffffffff, 2, at, (err) => {
            if (err) return reject(err);
            const rowBytes = r.width * 4;
            for (let y = 0; y < r.height; y++) shm.buffer.copy(this.fb, (r.y + y) * stride + r.x * 4, at + y * rowBytes, at + (y + 1) * rowBytes);
            resolve();
          }),
        );
      });
      await Promise.all(jobs);
      return;
    }
    for (const r of list) {
      // Core GetImage: bands of rows so one reply stays under a few MB.
      const band = Math.max(1, Math.floor((4 * 1024 * 1024) / (r.width * 4)));
      for (let y0 = r.y; y0 < r.y + r.height; y0 += band) {
        const h = Math.min(band, r.y + r.height - y0);
        const img = await this.conn.call<{ data: Buffer }>('GetImage', 2, this.conn.root, r.x, y0, r.width, h, 0xffffffff);
        const rowBytes = r.width * 4;
        for (let y = 0; y < h; y++) img.data.copy(this.fb, (y0 + y) * stride + r.x * 4, y * rowBytes, (y + 1) * rowBytes);
      }
    }
  }

  async grab(region: ScreenRect, full = false): Promise<RawFrame | null> {
    const run = this.grabbing.then(() => this.grabNow(region, full));
    this.grabbing = run.catch(() => undefined);
    return run;
  }

  private async grabNow(region: ScreenRect, full: boolean): Promise<RawFrame | null> {
    if (this.closed) return null;
    const r = intersect(region, { x: 0, y: 0, width: this.width, height: this.height });
    if (!r) return null;
    const rects = await this.takeDamage();
    const captureTime = Date.now();
    await this.readRects(rects);
    this.pendingDamage.push(...rects);
    const inRegion = this.pendingDamage.map((d) => intersect(d, r)).filter((d): d is ScreenRect => d !== null);
    if (!full && inRegion.length === 0) {
      // What changed lies outside the streamed region; the copy is current, nothing to send.
      this.pendingDamage = [];
      return null;
    }
    this.pendingDamage = [];
    const damage = full ? undefined : inRegion.map((d) => ({ x: d.x - r.x, y: d.y - r.y, width: d.width, height: d.height }));
    if (r.x === 0 && r.y === 0 && r.width === this.width && r.height === this.height) {
      return { width: r.width, height: r.height, data: this.fb, damage, captureTime };
    }
    const size = r.width * r.height * 4;
    if (this.regionBuf.length !== size) this.regionBuf = Buffer.alloc(size);
    const stride = this.width * 4;
    for (let y = 0; y < r.height; y++) this.fb.copy(this.regionBuf, y * r.width * 4, (r.y + y) * stride + r.x * 4, (r.y + y) * stride + (r.x + r.width) * 4);
    return { width: r.width, height: r.height, data: this.regionBuf, damage, captureTime };
  }

  async cursor(withImage: boolean): Promise<CursorState> {
    if (withImage) {
      const img = await new Promise<{ x: number; y: number; width: number; height: number; xhot: number; yhot: number; cursorSerial: number; cursorImage: Buffer }>((resolve, reject) =>
        this.fixes.GetCursorImage((e, v) => (e ? reject(e) : resolve(v))),
      );
      this.lastCursorSerial = img.cursorSerial;
      const ok = img.width >= 1 && img.height >= 1 && img.width <= 256 && img.height <= 256 && img.cursorImage.length >= img.width * img.height * 4;
      if (!ok) return { x: img.x, y: img.y, serial: img.cursorSerial };
      // Premultiplied ARGB32 (little-endian: B G R A in memory) → straight RGBA.
      const rgba = new Uint8Array(img.width * img.height * 4);
      for (let i = 0; i < img.width * img.height; i++) {
        const p = i * 4;
        const a = img.cursorImage[p + 3]!;
        const un = (c: number) => (a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
        rgba[p] = un(img.cursorImage[p + 2]!);
        rgba[p + 1] = un(img.cursorImage[p + 1]!);
        rgba[p + 2] = un(img.cursorImage[p]!);
        rgba[p + 3] = a;
      }
      return {
        x: img.x,
        y: img.y,
        serial: img.cursorSerial,
        image: { serial: img.cursorSerial, width: img.width, height: img.height, hotX: Math.min(img.xhot, img.width - 1), hotY: Math.min(img.yhot, img.height - 1), rgba },
      };
    }
    const p = await this.conn.call<{ rootX: number; rootY: number }>('QueryPointer', this.conn.root);
    return { x: p.rootX, y: p.rootY, serial: this.lastCursorSerial };
  }

  /** The cursor shape changed since the last image (XFIXES CursorNotify). */
  onCursorShape(cb: () => void): () => void {
    return this.conn.onEvent((ev) => {
      if (ev.name === 'CursorNotify') cb();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.layoutTimer) clearInterval(this.layoutTimer);
    try {
      this.damage.Destroy(this.damageId);
      this.fixes.DestroyRegion(this.partsRegion);
      this.shm?.detach();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'releasing capture resources failed');
    }
    this.conn.close();
  }
}
