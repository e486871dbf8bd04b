// The rep's annotation toolbar and the drawing layer over the screen viewer (CON-5, USR-11).
// The layer covers exactly the displayed picture and maps pointer positions to the customer's
// screen (X root coordinates); its SVG uses those coordinates as its viewBox, so what the rep sees
// is what the customer's overlay draws. Standalone: it needs only the displayed rect and mapping
// (`viewportFor`), which the screen viewer hands to its overlay.
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ANNOTATION_WIDTHS, type AnnotationStroke } from '../../../../src/protocol/remote-control.ts';
import { COLOURS, DRAWING_TOOLS, freehandPath, textHeight, type Point } from './annotation-model.ts';
import type { Annotations } from './use-annotations.ts';
import './annotation-i18n.ts';
import './annotation.css';

/** What the layer needs of the viewer: the displayed size, the remote area shown and the mappings. */
export interface AnnotationViewport {
  info: { region: { x: number; y: number; width: number; height: number } };
  cssWidth: number;
  cssHeight: number;
  toScreen(cssX: number, cssY: number): Point;
  toCss(x: number, y: number): Point;
}

/** A viewport for a remote area shown at a given CSS size (for the layer without the viewer). */
export function viewportFor(region: { x: number; y: number; width: number; height: number }, cssWidth: number, cssHeight: number): AnnotationViewport {
  return {
    info: { region },
    cssWidth,
    cssHeight,
    toScreen: (cx, cy) => ({ x: Math.round(region.x + (cx * region.width) / Math.max(1, cssWidth)), y: Math.round(region.y + (cy * region.height) / Math.max(1, cssHeight)) }),
    toCss: (x, y) => ({ x: ((x - region.x) * cssWidth) / region.width, y: ((y - region.y) * cssHeight) / region.height }),
  };
}

export function AnnotationToolbar({ a }: { a: Annotations }) {
  const { t } = useTranslation();
  const status = a.state === 'closed' ? t('annotation.state.closed', { reason: a.reason }) : t(`annotation.state.${a.state}`);
  return (
    <div role="group" aria-label={t('annotation.toolbar')} className="annotation-toolbar">
      {DRAWING_TOOLS.map((tool) => (
        <button key={tool} type="button" aria-pressed={a.tool === tool} onClick={() => a.setTool(a.tool === tool ? null : tool)}>
          {t(`annotation.tool.${tool}`)}
        </button>
      ))}
      <button type="button" onClick={() => a.clear()} disabled={a.board.size === 0}>
        {t('annotation.clear')}
      </button>
      <label>
        {t('annotation.colour')} <input type="color" value={a.color} list="annotation-colours" onChange={(e) => a.setColor(e.target.value)} />
      </label>
      <datalist id="annotation-colours">
        {COLOURS.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <label>
        {t('annotation.width')} <input type="range" min={ANNOTATION_WIDTHS.min} max={32} value={a.width} onChange={(e) => a.setWidth(Number(e.target.value))} />
      </label>
      <span role="status" className="muted">
        {status}
        {a.board.size > 0 ? ` · ${t('annotation.count', { count: a.board.size })}` : ''}
      </span>
    </div>
  );
}

function arrowHead(s: AnnotationStroke): string {
  const [[x0, y0], [x1, y1]] = s.points as [[number, number], [number, number]];
  const len = Math.hypot(x1 - x0, y1 - y0) || 1;
  const head = Math.min(len, Math.max(12, s.width * 4));
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  const bx = x1 - ux * head;
  const by = y1 - uy * head;
  const spread = head * 0.6;
  return `${x1},${y1} ${bx - uy * spread},${by + ux * spread} ${bx + uy * spread},${by - ux * spread}`;
}

function StrokeShape({ s, drawing }: { s: AnnotationStroke; drawing: boolean }) {
  switch (s.tool) {
    case 'pen':
    case 'highlighter':
      return <path d={freehandPath(s, !drawing)} fill={s.color} opacity={s.tool === 'highlighter' ? 0.45 : 1} />;
    case 'rectangle': {
      const [[x0, y0], [x1, y1]] = s.points as [[number, number], [number, number]];
      return <rect x={Math.min(x0, x1)} y={Math.min(y0, y1)} width={Math.abs(x1 - x0)} height={Math.abs(y1 - y0)} fill="none" stroke={s.color} strokeWidth={s.width} />;
    }
    case 'arrow': {
      const [[x0, y0], [x1, y1]] = s.points as [[number, number], [number, number]];
      return (
        <g fill={s.color} stroke={s.color}>
          <line x1={x0} y1={y0} x2={x1} y2={y1} strokeWidth={s.width} />
          <polygon points={arrowHead(s)} strokeWidth={0} />
        </g>
      );
    }
    case 'text': {
      const h = textHeight(s.width);
      return (
        <text x={s.points[0]![0]} y={s.points[0]![1] + h * 0.8} fontSize={h} fontFamily="monospace" fill={s.color}>
          {s.text}
        </text>
      );
    }
  }
}

export function AnnotationLayer({ view, a }: { view: AnnotationViewport; a: Annotations }) {
  const { t } = useTranslation();
  const r = view.info.region;
  const box = useRef<HTMLDivElement>(null);
  const [textAt, setTextAt] = useState<{ screen: Point; css: Point } | null>(null);
  // The box being placed, read at once: Enter places it and moves focus, whose blur would place it
  // again from the not-yet-updated state (the customer got every text twice).
  const placing = useRef<{ screen: Point; css: Point } | null>(null);
  const [text, setText] = useState('');
  const active = a.tool !== null;
  const local = (e: PointerEvent) => {
    const rect = box.current!.getBoundingClientRect();
    return view.toScreen(e.clientX - rect.left, e.clientY - rect.top);
  };
  const startText = (screen: Point) => {
    setText('');
    placing.current = { screen, css: view.toCss(screen.x, screen.y) };
    setTextAt(placing.current);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!active || e.button !== 0 || e.target !== e.currentTarget && !(e.target instanceof SVGElement)) return;
    e.preventDefault();
    e.stopPropagation();
    if (a.tool === 'text') return startText(local(e));
    e.currentTarget.setPointerCapture(e.pointerId);
    a.begin(local(e));
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!active || !e.currentTarget.hasPointerCapture(e.pointerId)) return;
    e.stopPropagation();
    a.move(local(e));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    a.end();
  };
  // Keyboard: Escape leaves drawing (the pointer controls the screen again); with the text tool,
  // Enter opens the text box at the middle of the view.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Escape') a.setTool(null);
    else if (e.key === 'Enter' && a.tool === 'text') startText({ x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) });
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const place = () => {
    const at = placing.current;
    placing.current = null;
    if (at) a.placeText(at.screen, text);
    setTextAt(null);
    box.current?.focus();
  };
  const drawing = a.board.drawing;
  return (
    <div
      ref={box}
      className={`annotation-layer${active ? ' drawing' : ''}`}
      role="region"
      aria-label={t('annotation.layer')}
      tabIndex={active ? 0 : -1}
      data-tool={a.tool ?? ''}
      style={{ width: view.cssWidth, height: view.cssHeight }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    >
      <svg width={view.cssWidth} height={view.cssHeight} viewBox={`${r.x} ${r.y} ${r.width} ${r.height}`} preserveAspectRatio="none" aria-hidden="true">
        {[...a.board.strokes.values()].map((s) => (
          <StrokeShape key={s.id} s={s} drawing={s.id === drawing?.id} />
        ))}
      </svg>
      {textAt && (
        <input
          className="annotation-text"
          aria-label={t('annotation.textLabel')}
          autoFocus
          value={text}
          maxLength={200}
          style={{ left: textAt.css.x, top: textAt.css.y, color: a.color }}
          onChange={(e) => setText(e.target.value)}
          onPointerDown={(e) => e.stopPropagation()}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') place();
            else if (e.key === 'Escape') {
              placing.current = null;
              setTextAt(null);
              box.current?.focus();
            }
          }}
          onBlur={place}
        />
      )}
    </div>
  );
}
