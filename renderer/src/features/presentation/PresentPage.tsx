// The Present tab (CON-9): the rep names a presentation, chooses whether the portal lists it,
// picks a screen or a window (getDisplayMedia), and presents; the console encodes the screen once
// (WebCodecs) and the broker fans it out. The rep sees the key, who is there (and removes one),
// pauses, chats and ends. Web console only for now: the desktop app's desktopCapturer path is not wired.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PresenterClient, type PresenterEvent } from '../../../../src/console-core/presentations/presenter-client.ts';
import type { AttendeeView, PresentationChatLine, PresentationInfo } from '../../../../src/protocol/presentations.ts';
import { startScreenEncoder, type ScreenEncoder } from './screen-encoder.ts';
import { reasonText } from './PresentationReports.tsx';
import './i18n.ts';

const isDesktop = typeof window !== 'undefined' && Boolean(window.passerelle);

export function PresentPage() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [listed, setListed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<PresentationInfo | null>(null);
  const [state, setState] = useState<string>('live');
  const [attendees, setAttendees] = useState<AttendeeView[]>([]);
  const [chat, setChat] = useState<PresentationChatLine[]>([]);
  const [ended, setEnded] = useState<string | null>(null);
  const [text, setText] = useState('');
  const client = useRef<PresenterClient | null>(null);
  const encoder = useRef<ScreenEncoder | null>(null);

  useEffect(() => () => {
    encoder.current?.stop();
    client.current?.dispose();
  }, []);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setEnded(null);
    setBusy(true);
    try {
      if (!navigator.mediaDevices?.getDisplayMedia) throw new Error(t('present.unsupported'));
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 30 }, audio: false });
      const track = stream.getVideoTracks()[0]!;
      const enc = await startScreenEncoder(track);
      if (!enc) {
        track.stop();
        throw new Error(t('present.unsupported'));
      }
      encoder.current = enc;
      const c = new PresenterClient({
        url: `${location.origin.replace(/^http/, 'ws')}/ws/presenter`,
        protocols: () => ['passerelle.v1'],
        createWebSocket: (url, protocols) => new WebSocket(url, protocols) as never,
      });
      client.current = c;
      c.onChannel.on((ch) => enc.setChannel(ch));
      c.events.on((ev: PresenterEvent) => {
        if (ev.type === 'attendees') setAttendees(ev.attendees);
        else if (ev.type === 'chat') setChat((l) => [...l.slice(-199), ev.line]);
        else if (ev.type === 'state') setState(ev.state);
        else if (ev.type === 'ended') {
          setEnded(ev.reason);
          setInfo(null);
          enc.stop();
        } else if (ev.type === 'error') setError(ev.message);
      });
      // The capture ended from the browser's own "stop sharing" button: the presentation ends too.
      track.addEventListener('ended', () => c.end());
      setInfo(await c.start({ name: name.trim(), listed, format: enc.format }));
    } catch (err) {
      encoder.current?.stop();
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const pause = (p: boolean) => {
    encoder.current?.setPaused(p);
    client.current?.pause(p);
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    client.current?.chat(text.trim());
    setText('');
  };

  return (
    <section aria-labelledby="present-title" className="present-page">
      <h1 id="present-title">{t('present.title')}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {ended && <p role="status">{t('present.ended', { reason: reasonText(t, ended) })}</p>}
      {isDesktop && <p role="note">{t('present.desktopOnlyWeb')}</p>}
      {!info ? (
        <form onSubmit={(e) => void start(e)}>
          <p>{t('present.intro')}</p>
          <label className="field">
            {t('present.name')}
            <input value={name} maxLength={120} required onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={listed} onChange={(e) => setListed(e.target.checked)} /> {t('present.listed')}
          </label>
          <button disabled={busy || !name.trim() || isDesktop}>{busy ? t('present.starting') : t('present.start')}</button>
        </form>
      ) : (
        <>
          <p role="status">{t(`present.state_${state}`)}</p>
          <p>
            <strong data-testid="presentation-key">{t('present.key', { key: info.key })}</strong>
          </p>
          <p>{t('present.keyHint')}</p>
          <p>
            {state === 'paused' ? (
              <button type="button" onClick={() => pause(false)}>{t('present.resume')}</button>
            ) : (
              <button type="button" onClick={() => pause(true)}>{t('present.pause')}</button>
            )}{' '}
            <button type="button" onClick={() => client.current?.end()}>{t('present.end')}</button>
          </p>
          <section aria-labelledby="present-attendees">
            <h2 id="present-attendees">{t('present.attendees', { count: attendees.length })}</h2>
            {attendees.length === 0 ? (
              <p>{t('present.noAttendees')}</p>
            ) : (
              <ul>
                {attendees.map((a) => (
                  <li key={a.attendeeId}>
                    {a.name}{' '}
                    <button type="button" aria-label={t('present.remove', { name: a.name })} onClick={() => client.current?.remove(a.attendeeId)}>
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="present-chat">
            <h2 id="present-chat">{t('present.chat')}</h2>
            <ol aria-live="polite">
              {chat.map((l, i) => (
                <li key={`${l.at}-${i}`}>
                  <strong>{l.from.name}</strong> {l.text}
                </li>
              ))}
            </ol>
            <form onSubmit={send}>
              <label className="field">
                {t('present.message')}
                <input value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} />
              </label>
              <button disabled={!text.trim()}>{t('present.send')}</button>
            </form>
          </section>
        </>
      )}
    </section>
  );
}
