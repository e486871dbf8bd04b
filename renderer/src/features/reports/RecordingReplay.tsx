// REP-5: a session's recording replayed in the Reports tab (reports/:lsid/recording). The raw
// recording is converted once to MP4 by the broker (progress shown, kept for next time); the
// player plays, pauses, seeks and plays at ×1/×2/×4/×8, over a timeline that marks the chat
// lines (each a button that seeks there) and a track of who held the mouse and keyboard.
// Administrators may delete the recording (confirmed, logged by the broker).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { RecordingView } from '../../../../src/protocol/index.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';
import { directDownloadUrl } from './save-download.ts';
import { ControlTrack, holderAt, mmss } from './replay-timeline.tsx';

const SPEEDS = [1, 2, 4, 8] as const;

export function RecordingReplay() {
  const { t } = useTranslation();
  const { lsid = '' } = useParams();
  const navigate = useNavigate();
  const isAdmin = useSession((s) => s.user?.permissions.administrator ?? false);
  const [rec, setRec] = useState<RecordingView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const [now, setNow] = useState(0);
  const [asking, setAsking] = useState(false);
  const video = useRef<HTMLVideoElement>(null);

  // Loads the recording, asks for the video and follows the conversion until it is ready.
  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const poll = async () => {
      try {
        let r = await consoleApi.reports.recording(lsid);
        if (!stop && r.hasScreen && r.end !== 'recording' && (r.video.state === 'none' || r.video.state === 'failed') && !r.video.problem) {
          r = { ...r, video: await consoleApi.reports.convertRecording(lsid) };
        }
        if (stop) return;
        setRec(r);
        if (r.video.state === 'converting') timer = window.setTimeout(() => void poll(), 400);
      } catch (err) {
        if (!stop) setError(err);
      }
    };
    void poll();
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [lsid]);

  useEffect(() => {
    if (video.current) video.current.playbackRate = speed;
  }, [speed, rec?.video.state]);

  const seek = useCallback((ms: number) => {
    const v = video.current;
    if (v) v.currentTime = ms / 1000;
    setNow(ms);
  }, []);

  const remove = async () => {
    setAsking(false);
    try {
      await consoleApi.reports.deleteRecording(lsid);
      navigate('..', { relative: 'path' });
    } catch (err) {
      setError(err);
    }
  };

  const src = directDownloadUrl(`/reports/sessions/${encodeURIComponent(lsid)}/recording/video`);
  const holder = rec ? holderAt(rec.controlTrack, now) : null;
  return (
    <section aria-labelledby="replay-title" className="panel report-detail replay">
      <p>
        <Link to=".." relative="path">{t('reports.replay.back')}</Link>
      </p>
      <h1 id="replay-title">{t('reports.replay.title', { lsid })}</h1>
      <ErrorMessage error={error} />
      {!rec && !error && <p className="loading">{t('common.loading')}</p>}
      {rec && (
        <>
          <p className="hint">
            {t('reports.replay.facts', { duration: mmss(rec.durationMs), mb: (rec.bytes / 1e6).toFixed(1) })}
            {rec.end === 'truncated' && ` ${t('reports.replay.truncated')}`}
            {rec.end === 'corrupt' && ` ${t('reports.replay.corrupt')}`}
            {rec.end === 'recording' && ` ${t('reports.replay.stillRecording')}`}
          </p>
          {!rec.hasScreen && <p>{t('reports.replay.noScreen')}</p>}
          {rec.video.state === 'converting' && (
            <p>
              <label>
                {t('reports.replay.converting')}{' '}
                <progress max={1} value={rec.video.progress} aria-label={t('reports.replay.converting')} />{' '}
                {Math.round(rec.video.progress * 100)} %
              </label>
            </p>
          )}
          {rec.video.state === 'failed' && <p role="alert" className="error">{t('reports.replay.failed', { problem: rec.video.problem ?? '' })}</p>}
          {rec.video.state === 'ready' && src && (
            <div className="player">
              <video
                ref={video}
                src={src}
                preload="auto"
                aria-label={t('reports.replay.video')}
                onTimeUpdate={(e) => setNow(Math.round(e.currentTarget.currentTime * 1000))}
                onPlay={() => setPlaying(true)}
                onPause={() => setPlaying(false)}
                onEnded={() => setPlaying(false)}
                onError={() => setError(new Error(t('reports.replay.videoGone')))}
              />
              <div className="player-controls" role="group" aria-label={t('reports.replay.controls')}>
                <button type="button" onClick={() => (playing ? video.current?.pause() : void video.current?.play())}>
                  {playing ? t('reports.replay.pause') : t('reports.replay.play')}
                </button>
                <label>
                  {t('reports.replay.speed')}{' '}
                  <select value={speed} onChange={(e) => setSpeed(Number(e.target.value) as (typeof SPEEDS)[number])}>
                    {SPEEDS.map((s) => (
                      <option key={s} value={s}>
                        ×{s}
                      </option>
                    ))}
                  </select>
                </label>
                <input
                  type="range"
                  min={0}
                  max={rec.durationMs}
                  step={100}
                  value={Math.min(now, rec.durationMs)}
                  aria-label={t('reports.replay.position')}
                  aria-valuetext={`${mmss(now)} / ${mmss(rec.durationMs)}`}
                  onChange={(e) => seek(Number(e.target.value))}
                />
                <span data-testid="replay-time">
                  {mmss(now)} / {mmss(rec.durationMs)}
                </span>
                <a href={`${src}?download=1`} download>
                  {t('reports.replay.download')}
                </a>
              </div>
              <p role="status" data-testid="replay-holder">
                {holder ? t('reports.replay.heldBy', { name: holder.name }) : t('reports.replay.nobody')}
              </p>
            </div>
          )}
          {rec.video.state === 'ready' && !src && <p>{t('reports.replay.webOnly')}</p>}
          <ControlTrack rec={rec} now={now} onSeek={seek} />
          {isAdmin && (
            <p>
              <button type="button" className="danger" onClick={() => setAsking(true)}>
                {t('reports.replay.delete')}
              </button>
            </p>
          )}
          <ConfirmDialog open={asking} title={t('reports.replay.deleteTitle')} confirmLabel={t('reports.replay.delete')} onConfirm={() => void remove()} onCancel={() => setAsking(false)}>
            <p>{t('reports.replay.deleteHint')}</p>
          </ConfirmDialog>
        </>
      )}
    </section>
  );
}
