// The rep's annotations (CON-5), without React or the DOM: the strokes drawn so far, the one being
// drawn, and the channel messages each gesture sends. Everything is in X root coordinates of the
// customer's screen (src/protocol/remote-control.ts), so the overlay there draws exactly what the
// rep sees; perfect-freehand gives pen and highlighter outlines with the options both sides share.
import { getStroke } from 'perfect-freehand';
import {
  ANNOTATION_WIDTHS,
  MAX_ANNOTATION_TEXT_CHARS,
  MAX_STROKE_POINTS,
  MAX_STROKES,
  annotationTextScale,
  freehandOptions,
  type AnnotationMessage,
  type AnnotationStroke,
  type AnnotationTool,
} from '../../../../src/protocol/remote-control.ts';

export type DrawingTool = AnnotationTool | 'eraser';
export const DRAWING_TOOLS: readonly DrawingTool[] = ['pen', 'highlighter', 'arrow', 'rectangle', 'text', 'eraser'];
export const COLOURS = ['#e53935', '#fdd835', '#43a047', '#1e88e5', '#8e24aa', '#000000', '#ffffff'] as const;

export interface Point {
  x: number;
  y: number;
}

let counter = 0;
function newId(): string {
  counter = (counter + 1) % 1e6;
  return `s${Date.now().toString(36)}${counter.toString(36)}`.slice(0, 32);
}

const clampWidth = (w: number) => Math.round(Math.min(ANNOTATION_WIDTHS.max, Math.max(ANNOTATION_WIDTHS.min, w)));

/** Distance from p to the segment a–b. */
function segmentDistance(p: Point, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a[0]) * dx + (p.y - a[1]) * dy) / len2));
  return Math.hypot(p.x - (a[0] + t * dx), p.y - (a[1] + t * dy));
}

/** Whether a point (screen coordinates) touches a stroke, within `slack` screen pixels. */
export function hits(s: AnnotationStroke, p: Point, slack: number): boolean {
  const reach = s.width / 2 + slack + (s.tool === 'highlighter' ? s.width * 2 : 0);
  const pts = s.points;
  if (s.tool === 'rectangle') {
    const [[x0, y0], [x1, y1]] = pts as [[number, number], [number, number]];
    const corners: [number, number][] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
    return corners.slice(1).some((c, i) => segmentDistance(p, corners[i]!, c) <= reach);
  }
  if (s.tool === 'text') {
    const [x, y] = pts[0]!;
    const h = textHeight(s.width);
    return p.x >= x - slack && p.x <= x + (s.text?.length ?? 0) * 6 * annotationTextScale(s.width) + slack && p.y >= y - slack && p.y <= y + h + slack;
  }
  if (pts.length === 1) return Math.hypot(p.x - pts[0]![0], p.y - pts[0]![1]) <= reach;
  return pts.slice(1).some((c, i) => segmentDistance(p, pts[i]!, c) <= reach);
}

/** Text height in screen pixels for a width setting (the customer's overlay draws 6×13 glyphs, scaled). */
export function textHeight(width: number): number {
  return 13 * annotationTextScale(width);
}

/** SVG path data (screen coordinates) for a freehand stroke's outline, as perfect-freehand draws it. */
export function freehandPath(s: AnnotationStroke, last: boolean): string {
  const outline = getStroke(s.points, { ...freehandOptions(s.tool as 'pen' | 'highlighter', s.width), last });
  if (outline.length < 2) return '';
  let d = `M${outline[0]![0].toFixed(1)} ${outline[0]![1].toFixed(1)}`;
  for (let i = 1; i < outline.length; i++) d += `L${outline[i]![0].toFixed(1)} ${outline[i]![1].toFixed(1)}`;
  return `${d}Z`;
}

/**
 * The strokes and the gesture under way. Each method returns the messages to send (possibly
 * none); the caller sends them on the annotation channel in order.
 */
export class AnnotationBoard {
  readonly strokes = new Map<string, AnnotationStroke>();
  private current: AnnotationStroke | null = null;

  get drawing(): AnnotationStroke | null {
    return this.current;
  }

  get size(): number {
    return this.strokes.size;
  }

  /** Starts a stroke (pen, highlighter, arrow, rectangle) at a point; the eraser erases there instead. */
  begin(tool: DrawingTool, color: string, width: number, p: Point): AnnotationMessage[] {
    if (tool === 'eraser') return this.eraseAt(p, width);
    if (tool === 'text') return [];
    if (this.strokes.size >= MAX_STROKES) return [];
    const pt: [number, number] = [Math.round(p.x), Math.round(p.y)];
    this.current = { id: newId(), tool, color, width: clampWidth(width), points: tool === 'arrow' || tool === 'rectangle' ? [pt, pt] : [pt] };
    this.strokes.set(this.current.id, this.current);
    return [{ t: 'stroke', stroke: this.current }];
  }

  /** The pointer moved while drawing (or erasing, with `tool` eraser). */
  move(tool: DrawingTool, width: number, p: Point): AnnotationMessage[] {
    if (tool === 'eraser') return this.eraseAt(p, width);
    const s = this.current;
    if (!s) return [];
    const pt: [number, number] = [Math.round(p.x), Math.round(p.y)];
    if (s.tool === 'arrow' || s.tool === 'rectangle') {
      const [a, b] = s.points as [[number, number], [number, number]];
      if (b[0] === pt[0] && b[1] === pt[1]) return [];
      this.current = { ...s, points: [a, pt] };
    } else {
      const lastPt = s.points[s.points.length - 1]!;
      if (lastPt[0] === pt[0] && lastPt[1] === pt[1]) return [];
      if (s.points.length >= MAX_STROKE_POINTS) {
        // A very long stroke goes on as a new one from where it stopped.
        this.current = null;
        const next = this.begin(s.tool, s.color, s.width, { x: lastPt[0], y: lastPt[1] });
        this.current!.points.push(pt);
        return next;
      }
      this.current = { ...s, points: [...s.points, pt] };
    }
    this.strokes.set(this.current.id, this.current);
    return [{ t: 'stroke', stroke: this.current }];
  }

  /** The pointer was let go: the stroke is done (its last message already went). */
  end(): void {
    this.current = null;
  }

  /** Places a text annotation; empty or whitespace-only text places nothing. */
  text(color: string, width: number, p: Point, text: string): AnnotationMessage[] {
    const clean = [...text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim()].slice(0, MAX_ANNOTATION_TEXT_CHARS).join('');
    if (!clean || this.strokes.size >= MAX_STROKES) return [];
    const s: AnnotationStroke = { id: newId(), tool: 'text', color, width: clampWidth(width), points: [[Math.round(p.x), Math.round(p.y)]], text: clean };
    this.strokes.set(s.id, s);
    return [{ t: 'stroke', stroke: s }];
  }

  /** Removes the strokes under a point (the eraser's reach grows with the width setting). */
  eraseAt(p: Point, width: number): AnnotationMessage[] {
    const ids = [...this.strokes.values()].filter((s) => hits(s, p, Math.max(4, width))).map((s) => s.id);
    if (!ids.length) return [];
    for (const id of ids) this.strokes.delete(id);
    return [{ t: 'erase', ids }];
  }

  clear(): AnnotationMessage[] {
    this.current = null;
    this.strokes.clear();
    return [{ t: 'clear' }];
  }

  /** The channel ended (revoked, session over): the customer's screen is clean, so is ours. */
  reset(): void {
    this.current = null;
    this.strokes.clear();
  }
}
