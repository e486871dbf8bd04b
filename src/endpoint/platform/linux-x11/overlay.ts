// The rep's annotations on the customer's real screen (CON-5): one override-redirect window over
// the whole root, whose SHAPE bounding region is exactly the strokes (so everything else shows
// through, no compositor needed) and whose input region is empty (clicks go to what is under it).
// Highlighter strokes are stippled: every other pixel, so the text under them stays readable.
// It is unmapped when nothing is drawn, and raised again whenever another window comes on top.
import type { XError, XEvent } from 'x11';
import { annotationTextScale, type AnnotationStroke } from '../../../protocol/remote-control.ts';
import { strokePolygons, type Polygon } from '../../tools/annotation-geometry.ts';
import { XConnection, type XLogger } from './x11-connection.ts';

interface Shape {
  Kind: { Bounding: number; Input: number };
  Op: { Set: number };
  Rectangles(op: number, kind: number, window: number, x: number, y: number, rects: number[][]): void;
  Mask(op: number, kind: number, window: number, x: number, y: number, bitmap: number): void;
}

const EXPOSE = 12;
const MAP_NOTIFY = 19;
const CONFIGURE_NOTIFY = 22;
const EXPOSURE_MASK = 0x8000;
const SUBSTRUCTURE_NOTIFY_MASK = 0x80000;
const FILL_STIPPLED = 2;
const WINDING = 1;
const COMPLEX = 0;
/** The core font every X server has: 6×13 cells; text is scaled up from its glyphs. */
const TEXT_FONT = 'fixed';
const CELL_W = 6;
const CELL_H = 13;
export const OVERLAY_WINDOW_NAME = 'passerelle-annotations';

interface TextBitmap {
  width: number;
  height: number;
  /** Runs of set pixels per row: [x, y, length]. */
  runs: [number, number, number][];
}

export class X11Overlay {
  private readonly strokes = new Map<string, AnnotationStroke>();
  private readonly texts = new Map<string, TextBitmap>();
  private mapped = false;
  private readonly gcs = new Map<string, number>();
  private renderQueued = false;
  private repaintQueued = false;

  private constructor(
    private readonly x: XConnection,
    private readonly shape: Shape,
    private readonly window: number,
    private readonly mask: number,
    private readonly maskGc: { clear: number; set: number; stippled: number },
    private readonly width: number,
    private readonly height: number,
    private readonly font: number,
    private readonly log: XLogger,
  ) {
    x.onEvent((e) => this.onEvent(e));
  }

  static async open(display: string, log: XLogger): Promise<X11Overlay> {
    const x = await XConnection.open(display, log);
    try {
      const shape = await x.ext<Shape>('shape');
      const geo = await x.call<{ width: number; height: number }>('GetGeometry', x.root);
      const { width, height } = geo;
      const window = x.client.AllocID();
      x.send('CreateWindow', window, x.root, 0, 0, width, height, 0, 0, 1, 0, { overrideRedirect: 1, eventMask: EXPOSURE_MASK });
      x.send('ChangeProperty', 0, window, 39 /* WM_NAME */, 31 /* STRING */, 8, OVERLAY_WINDOW_NAME);
      // Click-through from the start: an empty input region.
      shape.Rectangles(shape.Op.Set, shape.Kind.Input, window, 0, 0, []);
      shape.Rectangles(shape.Op.Set, shape.Kind.Bounding, window, 0, 0, []);
      const mask = x.client.AllocID();
      x.send('CreatePixmap', mask, window, 1, width, height);
      const stipple = x.client.AllocID();
      x.send('CreatePixmap', stipple, window, 1, 2, 2);
      const clear = x.client.AllocID();
      const set = x.client.AllocID();
      const stippled = x.client.AllocID();
      x.send('CreateGC', clear, mask, { foreground: 0 });
      x.send('CreateGC', set, mask, { foreground: 1, fillRule: WINDING });
      // A 2×2 checkerboard: set pixels at (0,0) and (1,1).
      x.send('PolyFillRectangle', stipple, clear, [0, 0, 2, 2]);
      x.send('PolyPoint', 0, stipple, set, [0, 0, 1, 1]);
      x.send('CreateGC', stippled, mask, { foreground: 1, fillRule: WINDING, fillStyle: FILL_STIPPLED, stipple });
      const font = x.client.AllocID();
      x.send('OpenFont', font, TEXT_FONT);
      // Stay on top: hear about every window mapped or restacked under the root.
      x.send('ChangeWindowAttributes', x.root, { eventMask: SUBSTRUCTURE_NOTIFY_MASK });
      await x.sync();
      return new X11Overlay(x, shape, window, mask, { clear, set, stippled }, width, height, font, log);
    } catch (err) {
      x.close();
      throw err;
    }
  }

  get strokeCount(): number {
    return this.strokes.size;
  }

  /** Adds a stroke or replaces the one with its id (a stroke grows while the rep draws it). */
  async draw(stroke: AnnotationStroke): Promise<void> {
    this.strokes.delete(stroke.id);
    this.strokes.set(stroke.id, stroke);
    if (stroke.tool === 'text' && stroke.text !== undefined) await this.textBitmap(stroke.text);
    this.scheduleRender();
  }

  erase(ids: string[]): void {
    for (const id of ids) this.strokes.delete(id);
    this.scheduleRender();
  }

  clear(): void {
    this.strokes.clear();
    this.scheduleRender();
  }

  /** Resolves when the X server has drawn everything asked so far, repaints after exposures included. */
  async flush(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      if (this.renderQueued) this.render();
      if (this.repaintQueued) this.repaint();
      await this.x.sync();
      if (!this.renderQueued && !this.repaintQueued) return;
    }
  }

  private scheduleRepaint(): void {
    if (this.repaintQueued) return;
    this.repaintQueued = true;
    setImmediate(() => {
      if (this.repaintQueued) this.repaint();
    });
  }

  private repaint(): void {
    this.repaintQueued = false;
    if (this.mapped && !this.x.isClosed) this.paint();
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    // Many stroke updates in one turn of the event loop are drawn once.
    setImmediate(() => {
      if (this.renderQueued) this.render();
    });
  }

  private gcFor(color: string): number {
    let gc = this.gcs.get(color);
    if (gc === undefined) {
      gc = this.x.client.AllocID();
      // TrueColor roots (every current X server): the pixel value is the RGB value.
      this.x.send('CreateGC', gc, this.window, { foreground: parseInt(color.slice(1), 16), fillRule: WINDING });
      this.gcs.set(color, gc);
    }
    return gc;
  }

  private clampPolygon(p: Polygon): Polygon {
    return p.map((v, i) => Math.max(-4096, Math.min(i % 2 === 0 ? this.width + 4096 : this.height + 4096, v)));
  }

  private textRects(s: AnnotationStroke): number[] {
    const bitmap = s.text === undefined ? undefined : this.texts.get(s.text);
    if (!bitmap) return [];
    const k = annotationTextScale(s.width);
    const [ax, ay] = s.points[0]!;
    const out: number[] = [];
    for (const [rx, ry, len] of bitmap.runs) out.push(ax + rx * k, ay + ry * k, len * k, k);
    return out;
  }

  private render(): void {
    this.renderQueued = false;
    if (this.x.isClosed) return;
    if (this.strokes.size === 0) {
      if (this.mapped) this.x.send('UnmapWindow', this.window);
      this.mapped = false;
      this.shape.Rectangles(this.shape.Op.Set, this.shape.Kind.Bounding, this.window, 0, 0, []);
      return;
    }
    const shapes = [...this.strokes.values()].map((s) => ({ s, polygons: strokePolygons(s).map((p) => this.clampPolygon(p)), rects: s.tool === 'text' ? this.textRects(s) : [] }));
    this.x.send('PolyFillRectangle', this.mask, this.maskGc.clear, [0, 0, this.width, this.height]);
    for (const { s, polygons, rects } of shapes) {
      const gc = s.tool === 'highlighter' ? this.maskGc.stippled : this.maskGc.set;
      for (const p of polygons) this.x.send('FillPoly', this.mask, gc, COMPLEX, 0, p);
      if (rects.length) this.x.send('PolyFillRectangle', this.mask, gc, rects);
    }
    this.shape.Mask(this.shape.Op.Set, this.shape.Kind.Bounding, this.window, 0, 0, this.mask);
    if (!this.mapped) {
      this.x.send('MapWindow', this.window);
      this.mapped = true;
    }
    this.x.send('RaiseWindow', this.window);
    this.paint(shapes);
  }

  private paint(shapes?: { s: AnnotationStroke; polygons: Polygon[]; rects: number[] }[]): void {
    const list = shapes ?? [...this.strokes.values()].map((s) => ({ s, polygons: strokePolygons(s).map((p) => this.clampPolygon(p)), rects: s.tool === 'text' ? this.textRects(s) : [] }));
    for (const { s, polygons, rects } of list) {
      const gc = this.gcFor(s.color.toLowerCase());
      for (const p of polygons) this.x.send('FillPoly', this.window, gc, COMPLEX, 0, p);
      if (rects.length) this.x.send('PolyFillRectangle', this.window, gc, rects);
    }
  }

  private onEvent(e: XEvent): void {
    // A shape change exposes many rectangles at once: repaint once, after the last (count 0).
    if (e.type === EXPOSE && this.mapped && e.count === 0) this.scheduleRepaint();
    else if (this.mapped && (e.type === MAP_NOTIFY || e.type === CONFIGURE_NOTIFY)) {
      // Another window mapped or restacked (our own raise reports our window: not again).
      const other = e.type === MAP_NOTIFY ? e.wid : e.wid1;
      if (other !== this.window) this.x.send('RaiseWindow', this.window);
    }
  }

  /** Draws text with the core font into a bitmap once, and keeps its pixel runs. */
  private async textBitmap(text: string): Promise<void> {
    if (this.texts.has(text)) return;
    // Latin-1 covers French; other characters show as "?" with this font.
    const latin = [...text].map((c) => (c.codePointAt(0)! <= 0xff ? c : '?')).join('').slice(0, 200);
    const width = Math.max(1, latin.length * CELL_W);
    const pixmap = this.x.client.AllocID();
    const gc = this.x.client.AllocID();
    this.x.send('CreatePixmap', pixmap, this.window, 1, width, CELL_H);
    this.x.send('CreateGC', gc, pixmap, { foreground: 0, background: 0, font: this.font });
    this.x.send('PolyFillRectangle', pixmap, gc, [0, 0, width, CELL_H]);
    this.x.send('ChangeGC', gc, { foreground: 1 });
    for (let i = 0; i < latin.length; i += 200) this.x.send('PolyText8', pixmap, gc, i * CELL_W, CELL_H - 3, [latin.slice(i, i + 200)]);
    try {
      const img = await this.x.call<{ data: Buffer }>('GetImage', 1 /* XYPixmap */, pixmap, 0, 0, width, CELL_H, 1);
      const stride = Math.ceil(width / 32) * 4;
      const lsbFirst = (this.x.display as unknown as { bitmap_bit_order: number }).bitmap_bit_order === 0;
      const runs: [number, number, number][] = [];
      for (let y = 0; y < CELL_H; y++) {
        let start = -1;
        for (let xx = 0; xx <= width; xx++) {
          const byte = xx < width ? img.data[y * stride + (xx >> 3)]! : 0;
          const on = xx < width && (lsbFirst ? (byte >> (xx & 7)) & 1 : (byte >> (7 - (xx & 7))) & 1) === 1;
          if (on && start < 0) start = xx;
          if (!on && start >= 0) {
            runs.push([start, y, xx - start]);
            start = -1;
          }
        }
      }
      this.texts.set(text, { width, height: CELL_H, runs });
    } catch (err) {
      this.log.warn({ err: (err as XError).message }, 'overlay: could not draw annotation text');
    } finally {
      this.x.send('FreeGC', gc);
      this.x.send('FreePixmap', pixmap);
    }
  }

  /** Removes the overlay from the screen and closes the connection. */
  async close(): Promise<void> {
    if (this.x.isClosed) return;
    this.strokes.clear();
    this.renderQueued = false;
    this.x.send('DestroyWindow', this.window);
    try {
      await this.x.sync();
    } catch (err) {
      this.log.warn({ err: (err as XError).message }, 'overlay: closing');
    }
    this.x.close();
  }
}
