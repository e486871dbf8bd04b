// The customer's screen in the session workspace (CON-4): the picture decoded by a worker on an
// OffscreenCanvas (never through React state), fit to the window or 1:1 with scrolling, full
// screen, monitor / quality / codec pickers (switched live), speed on request, the cursor drawn
// from its own messages, and — when the customer gave control — the rep's mouse and keyboard sent
// on the input channel, with a menu of key combinations the rep's own system would catch.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenSession, type CursorState, type OpenScreenChannel, type ScreenViewState } from '../../../../src/console-core/screen/screen-session.ts';
import type { ScreenStatsSnapshot } from '../../../../src/console-core/screen/screen-stats.ts';
import { RemoteInput, type InputChannelLike } from '../../../../src/console-core/remote-control/remote-input.ts';
import { KEY_COMBINATIONS, type KeyCombination } from '../../../../src/protocol/keysyms.ts';
import type { MonitorChoice, ScreenCodecId, ScreenInfo, ScreenQuality } from '../../../../src/protocol/screen.ts';
import { formatBytes } from '../tools/format-bytes.ts';
import { bindRemoteInput } from './screen-input.ts';
import { viewportOf, type ScreenOverlay } from './screen-view-types.ts';
import { WorkerPictureSink } from './worker-sink.ts';
import './screen-i18n.ts';
import './screen.css';

export interface ScreenViewerProps {
  open: OpenScreenChannel;
  /** Present when the customer granted control. */
  openInput?: (() => Promise<InputChannelLike>) | null;
  overlay?: ScreenOverlay;
  toolbar?: ReactNode;
  /** False while another layer (annotations) has the pointer: no input is sent. */
  captureInput?: boolean;
}

const QUALITIES: ScreenQuality[] = ['best', 'balanced', 'fastest', 'grayscale'];
const CODECS: ScreenCodecId[] = ['h264', 'vp9', 'tile'];
const COMBOS = Object.keys(KEY_COMBINATIONS) as KeyCombination[];

export function ScreenViewer({ open, openInput, overlay, toolbar, captureInput = true }: ScreenViewerProps) {
  const { t } = useTranslation();
  const outer = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const cursorEl = useRef<HTMLCanvasElement>(null);
  const keyboard = useRef<HTMLTextAreaElement>(null);
  const session = useRef<ScreenSession | null>(null);
  const input = useRef<RemoteInput | null>(null);
  const infoRef = useRef<ScreenInfo | null>(null);
  const sizeRef = useRef({ w: 0, h: 0 });
  const cursorRef = useRef<{ state: CursorState | null; serial: number }>({ state: null, serial: -1 });
  const enabledRef = useRef(captureInput);
  enabledRef.current = captureInput;

  const [info, setInfo] = useState<ScreenInfo | null>(null);
  const [viewState, setViewState] = useState<{ state: ScreenViewState; reason?: string }>({ state: 'opening' });
  const [videoOk, setVideoOk] = useState({ h264: true, vp9: true });
  const [fit, setFit] = useState(true);
  const [full, setFull] = useState(false);
  const [stageSize, setStageSize] = useState({ w: 0, h: 0 });
  const [showStats, setShowStats] = useState(false);
  const [stats, setStats] = useState<ScreenStatsSnapshot | null>(null);
  const [refused, setRefused] = useState('');
  const [controlOn, setControlOn] = useState(true);
  const [keysOpen, setKeysOpen] = useState(false);
  const [generation, setGeneration] = useState(0);

  const css = useMemo(() => {
    if (!info) return { w: 0, h: 0 };
    const r = info.region;
    if (!fit) return { w: r.width, h: r.height };
    const s = Math.min(stageSize.w / r.width, stageSize.h / r.height) || 0;
    return { w: Math.max(1, Math.floor(r.width * s)), h: Math.max(1, Math.floor(r.height * s)) };
  }, [info, fit, stageSize]);
  sizeRef.current = css;

  const drawCursor = () => {
    const el = cursorEl.current;
    const c = cursorRef.current.state;
    const i = infoRef.current;
    if (!el || !c || !i) return;
    const img = c.image;
    if (!c.visible || !img) {
      el.style.visibility = 'hidden';
      return;
    }
    if (img.serial !== cursorRef.current.serial || el.width !== img.width || el.height !== img.height) {
      el.width = img.width;
      el.height = img.height;
      el.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(img.rgba), img.width, img.height), 0, 0);
      cursorRef.current.serial = img.serial;
    }
    const { w, h } = sizeRef.current;
    const scale = w / i.region.width;
    const x = (c.x * w) / i.streamWidth - img.hotX * scale;
    const y = (c.y * h) / i.streamHeight - img.hotY * scale;
    el.style.width = `${img.width * scale}px`;
    el.style.height = `${img.height * scale}px`;
    el.style.transform = `translate(${x}px, ${y}px)`;
    el.style.visibility = 'visible';
  };

  // The picture: a canvas made here (its control goes to the worker once), a session on the channel.
  useEffect(() => {
    const canvas = document.createElement('canvas');
    canvas.className = 'screen-picture';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', t('screen.picture'));
    host.current!.prepend(canvas);
    const sink = new WorkerPictureSink(canvas);
    const s = new ScreenSession(open, sink, {
      info: (i) => {
        infoRef.current = i;
        setInfo(i);
      },
      cursor: (c) => {
        cursorRef.current.state = c;
        drawCursor();
      },
      state: (state, reason) => setViewState({ state, reason }),
      refused: (_code, message) => setRefused(message),
    });
    session.current = s;
    let disposed = false;
    void sink.ready.then((ok) => {
      if (disposed) return;
      setVideoOk(ok);
      const codec: ScreenCodecId = ok.h264 ? 'h264' : ok.vp9 ? 'vp9' : 'tile';
      s.start({ codec }).catch((err: Error) => !disposed && setViewState({ state: 'closed', reason: err.message }));
    });
    const unbind = bindRemoteInput({
      surface: canvas,
      keyboard: keyboard.current!,
      input: () => input.current,
      info: () => infoRef.current,
      enabled: () => enabledRef.current,
      onRelease: () => outer.current?.querySelector<HTMLElement>('.screen-toolbar select, .screen-toolbar button')?.focus(),
    });
    return () => {
      disposed = true;
      unbind();
      s.stop();
      sink.close();
      canvas.remove();
      session.current = null;
    };
  }, [open, generation]);

  // Control: the input channel while the customer grants it and the rep keeps it on.
  useEffect(() => {
    if (!openInput || !controlOn) return;
    let disposed = false;
    openInput().then(
      (ch) => {
        if (disposed) return ch.close('closed_by_peer');
        input.current = new RemoteInput(ch, (m) => setRefused(m));
      },
      (err: Error) => !disposed && setRefused(err.message),
    );
    return () => {
      disposed = true;
      input.current?.close();
      input.current = null;
    };
  }, [openInput, controlOn]);

  useEffect(() => {
    const el = stage.current!;
    const ro = new ResizeObserver(() => setStageSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    const onFull = () => setFull(document.fullscreenElement === outer.current);
    document.addEventListener('fullscreenchange', onFull);
    return () => {
      ro.disconnect();
      document.removeEventListener('fullscreenchange', onFull);
    };
  }, []);

  useEffect(() => {
    const canvas = host.current?.querySelector<HTMLCanvasElement>('canvas.screen-picture');
    if (canvas) {
      canvas.style.width = `${css.w}px`;
      canvas.style.height = `${css.h}px`;
    }
    drawCursor();
  }, [css.w, css.h, generation]);

  useEffect(() => {
    if (!showStats) return;
    const tick = () => session.current && setStats(session.current.statsSnapshot());
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [showStats]);

  const switchTo = (change: { monitor?: MonitorChoice; quality?: ScreenQuality; codec?: ScreenCodecId }) =>
    void session.current?.switchTo(change).catch((err: Error) => setRefused(err.message));
  const current = session.current?.current;
  const control = !!openInput && controlOn;
  const view = info && css.w > 0 ? viewportOf(info, css.w, css.h) : null;

  return (
    <div ref={outer} className={`screen-viewer${full ? ' full' : ''}`}>
      <div className="screen-toolbar" role="toolbar" aria-label={t('screen.title')}>
        <label>
          {t('screen.monitor')}{' '}
          <select value={String(info?.monitor ?? current?.monitor ?? 0)} onChange={(e) => switchTo({ monitor: e.target.value === 'all' ? 'all' : Number(e.target.value) })}>
            {(info?.layout.monitors ?? []).map((m) => (
              <option key={m.index} value={m.index}>{t('screen.monitorName', { n: m.index + 1, name: m.name, size: `${m.width}×${m.height}` })}</option>
            ))}
            {(info?.layout.monitors.length ?? 0) > 1 && <option value="all">{t('screen.allMonitors')}</option>}
          </select>
        </label>
        <label>
          {t('screen.quality')}{' '}
          <select value={info?.quality ?? current?.quality ?? 'balanced'} onChange={(e) => switchTo({ quality: e.target.value as ScreenQuality })}>
            {QUALITIES.map((q) => <option key={q} value={q}>{t(`screen.qualities.${q}`)}</option>)}
          </select>
        </label>
        <label>
          {t('screen.codec')}{' '}
          <select value={info?.codec ?? current?.codec ?? 'h264'} onChange={(e) => switchTo({ codec: e.target.value as ScreenCodecId })}>
            {CODECS.map((c) => <option key={c} value={c} disabled={c !== 'tile' && !videoOk[c]}>{t(`screen.codecs.${c}`)}</option>)}
          </select>
        </label>
        <button type="button" aria-pressed={!fit} onClick={() => setFit(!fit)}>{t('screen.actualSize')}</button>
        <button type="button" onClick={() => (full ? void document.exitFullscreen() : void outer.current?.requestFullscreen())}>
          {full ? t('screen.exitFullScreen') : t('screen.fullScreen')}
        </button>
        <label><input type="checkbox" checked={showStats} onChange={(e) => setShowStats(e.target.checked)} /> {t('screen.showStats')}</label>
        {openInput && <button type="button" aria-pressed={controlOn} onClick={() => setControlOn(!controlOn)}>{t('screen.control')}</button>}
        {control && (
          <span className="screen-keys">
            <button type="button" aria-haspopup="menu" aria-expanded={keysOpen} onClick={() => setKeysOpen(!keysOpen)}>{t('screen.keys')}</button>
            {keysOpen && (
              <span role="menu" aria-label={t('screen.keys')} className="screen-keys-menu" onKeyDown={(e) => e.key === 'Escape' && setKeysOpen(false)}>
                {COMBOS.map((c) => (
                  <button key={c} type="button" role="menuitem" onClick={() => { input.current?.send({ t: 'combo', combo: c }); setKeysOpen(false); keyboard.current?.focus(); }}>
                    {t(`screen.combo.${c}`)}
                  </button>
                ))}
              </span>
            )}
          </span>
        )}
        {toolbar}
      </div>
      <p className="screen-status" role="status">
        {viewState.state === 'closed' ? t('screen.state.closed', { reason: viewState.reason ?? '' }) : t(`screen.state.${viewState.state}`)}
        {' · '}
        {control ? t('screen.controlOn') : t('screen.viewOnly')}
        {showStats && stats && ` · ${t('screen.stats', { fps: stats.fps, rate: formatBytes(stats.bytesPerSecond), delay: stats.delayMs === null ? t('screen.noDelay') : `${stats.delayMs} ms` })}`}
      </p>
      {viewState.state === 'closed' && <button type="button" onClick={() => setGeneration((g) => g + 1)}>{t('screen.reopen')}</button>}
      {refused && <p className="muted screen-refused">{t('screen.refused', { message: refused })}</p>}
      <div ref={stage} className={`screen-stage${fit ? ' fit' : ' actual'}`}>
        <div ref={host} className="screen-host" style={{ width: css.w || undefined, height: css.h || undefined }}>
          <canvas ref={cursorEl} className="screen-cursor" aria-hidden="true" />
          {view && overlay && <div className="screen-overlay">{overlay(view)}</div>}
        </div>
        <textarea
          ref={keyboard}
          className="screen-keyboard"
          aria-label={t('screen.keyboard')}
          title={t('screen.keyboardHint')}
          hidden={!control}
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
        />
      </div>
      {control && <p className="muted">{t('screen.keyboardHint')}</p>}
    </div>
  );
}
