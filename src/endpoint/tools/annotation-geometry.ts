// Annotation strokes (vectors, as the rep drew them) → filled polygons in screen coordinates, for
// the overlay to draw and to shape its window with. Freehand tools go through perfect-freehand with
// the options the rep's preview uses; arrows and rectangles are built from thick segments.
import { getStroke } from 'perfect-freehand';
import { freehandOptions, type AnnotationStroke } from '../../protocol/remote-control.ts';

/** A polygon as a flat [x0, y0, x1, y1 …] list of integer points. */
export type Polygon = number[];

function toPolygon(points: number[][]): Polygon {
  const out: Polygon = [];
  for (const p of points) out.push(Math.round(p[0]!), Math.round(p[1]!));
  return out;
}

/** A segment `width` thick, as a four-point polygon. */
function thickSegment(x0: number, y0: number, x1: number, y1: number, width: number): Polygon {
  const len = Math.hypot(x1 - x0, y1 - y0) || 1;
  const nx = (-(y1 - y0) / len) * (width / 2);
  const ny = ((x1 - x0) / len) * (width / 2);
  return toPolygon([
    [x0 + nx, y0 + ny],
    [x1 + nx, y1 + ny],
    [x1 - nx, y1 - ny],
    [x0 - nx, y0 - ny],
  ]);
}

export function strokePolygons(s: AnnotationStroke): Polygon[] {
  const w = s.width;
  switch (s.tool) {
    case 'pen':
    case 'highlighter': {
      const outline = getStroke(s.points, { ...freehandOptions(s.tool, w), last: true });
      return outline.length >= 3 ? [toPolygon(outline)] : [];
    }
    case 'rectangle': {
      const [[x0, y0], [x1, y1]] = s.points as [[number, number], [number, number]];
      const h = w / 2;
      return [
        thickSegment(x0 - h, y0, x1 + h, y0, w),
        thickSegment(x0 - h, y1, x1 + h, y1, w),
        thickSegment(x0, y0, x0, y1, w),
        thickSegment(x1, y0, x1, y1, w),
      ];
    }
    case 'arrow': {
      const [[x0, y0], [x1, y1]] = s.points as [[number, number], [number, number]];
      const len = Math.hypot(x1 - x0, y1 - y0) || 1;
      const head = Math.min(len, Math.max(12, w * 4));
      const ux = (x1 - x0) / len;
      const uy = (y1 - y0) / len;
      const bx = x1 - ux * head;
      const by = y1 - uy * head;
      const spread = head * 0.6;
      return [
        thickSegment(x0, y0, bx, by, w),
        toPolygon([
          [x1, y1],
          [bx - uy * spread, by + ux * spread],
          [bx + uy * spread, by - ux * spread],
        ]),
      ];
    }
    case 'text':
      return [];
  }
}
