// The replay's timeline (REP-5): the chat lines as markers that seek to their moment, and the
// track of who held the mouse and keyboard — drawn as coloured spans and listed for screen readers.
import { useTranslation } from 'react-i18next';
import type { RecordingView } from '../../../../src/protocol/index.ts';

export function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

type Track = RecordingView['controlTrack'];

/** Who held control at `t` (the last change at or before it). */
export function holderAt(track: Track, t: number): Track[number]['holder'] {
  let h: Track[number]['holder'] = null;
  for (const c of track) {
    if (c.t > t) break;
    h = c.holder;
  }
  return h;
}

/** The track as spans [from, to) with their holder (nobody spans included). */
export function spansOf(track: Track, durationMs: number): { from: number; to: number; holder: Track[number]['holder'] }[] {
  const spans: { from: number; to: number; holder: Track[number]['holder'] }[] = [];
  let from = 0;
  let holder: Track[number]['holder'] = null;
  for (const c of track) {
    if (c.t > from) spans.push({ from, to: c.t, holder });
    from = c.t;
    holder = c.holder;
  }
  if (durationMs > from) spans.push({ from, to: durationMs, holder });
  return spans;
}

const COLOURS = ['#2f6fb3', '#b3532f', '#2f9b5a', '#8a2fb3'];

export function ControlTrack({ rec, now, onSeek }: { rec: RecordingView; now: number; onSeek(ms: number): void }) {
  const { t } = useTranslation();
  const total = Math.max(1, rec.durationMs);
  const spans = spansOf(rec.controlTrack, rec.durationMs);
  const ids = [...new Set(rec.controlTrack.map((c) => c.holder?.userId).filter((x): x is number => x !== undefined))];
  const pct = (ms: number) => `${(ms / total) * 100}%`;
  return (
    <div className="timeline">
      <h2>{t('reports.replay.timeline')}</h2>
      <div className="track chat-track" aria-hidden="true">
        {rec.chat.map((c, i) => (
          <span key={i} className="chat-mark" style={{ left: pct(c.t) }} />
        ))}
        <span className="cursor" style={{ left: pct(now) }} />
      </div>
      <div className="track control-track" aria-hidden="true">
        {spans.map((s, i) => (
          <span
            key={i}
            className="span"
            title={s.holder?.name ?? t('reports.replay.nobody')}
            style={{ left: pct(s.from), width: pct(s.to - s.from), background: s.holder ? COLOURS[ids.indexOf(s.holder.userId) % COLOURS.length] : 'transparent' }}
          />
        ))}
        <span className="cursor" style={{ left: pct(now) }} />
      </div>
      <h3>{t('reports.replay.controlTrack')}</h3>
      <ol aria-label={t('reports.replay.controlTrack')}>
        {spans.map((s, i) => (
          <li key={i}>
            <button type="button" className="link" onClick={() => onSeek(s.from)}>
              {mmss(s.from)}–{mmss(s.to)}
            </button>{' '}
            {s.holder ? t('reports.replay.heldBy', { name: s.holder.name }) : t('reports.replay.nobody')}
          </li>
        ))}
      </ol>
      <h3>{t('reports.replay.chat')}</h3>
      {rec.chat.length === 0 ? (
        <p>{t('reports.noChat')}</p>
      ) : (
        <ol aria-label={t('reports.replay.chat')}>
          {rec.chat.map((c, i) => (
            <li key={i} className={c.repsOnly ? 'reps-only' : undefined}>
              <button type="button" className="link" onClick={() => onSeek(c.t)} aria-label={t('reports.replay.seekChat', { at: mmss(c.t), name: c.from.name })}>
                {mmss(c.t)}
              </button>{' '}
              <strong>{c.from.name}</strong>
              {c.repsOnly && <span className="tag"> ({t('reports.repsOnly')})</span>}: <span className="chat-text">{c.text}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
