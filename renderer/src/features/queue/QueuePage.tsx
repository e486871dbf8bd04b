// The rep's queue (CON-2): session key, personal and general queues with waiting time, the rep's
// sessions and invitations; the chosen session's panel on the right.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionKeyView, SessionSummary } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { formatDuration, useDateTime } from '../../format.ts';
import { useSession } from '../../stores/session-store.ts';
import './i18n.ts';
import './queue.css';
import { askNotificationPermission } from './notify.ts';
import { useQueue } from './queue-store.ts';
import { SessionPanel } from './SessionPanel.tsx';

/** Re-renders every second, for waiting times. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** What the list says under a session: how long it waited, how long it has run, or that it ended. */
function since(t: (k: string, o?: Record<string, unknown>) => string, s: SessionSummary, now: number, ended: boolean): string {
  if (ended) return t('queue.endedTag');
  const secs = (from: string) => formatDuration(Math.max(0, Math.floor((now - Date.parse(from)) / 1000)));
  if (s.state === 'active' && s.acceptedAt) return t('queue.inSession', { time: secs(s.acceptedAt) });
  return t('queue.waiting', { time: secs(s.createdAt) });
}

function QueueList({ title, sessions, action }: { title: string; sessions: SessionSummary[]; action: 'accept' | 'join' | 'open' }) {
  const { t } = useTranslation();
  const now = useNow();
  const select = useQueue((s) => s.select);
  const selected = useQueue((s) => s.selected);
  const ended = useQueue((s) => s.ended);
  const [error, setError] = useState<unknown>(null);
  const act = async (s: SessionSummary) => {
    setError(null);
    askNotificationPermission();
    try {
      if (action === 'accept') await consoleApi.sessions.accept(s.lsid);
      if (action === 'join') await consoleApi.sessions.join(s.lsid);
      await select(s.lsid);
    } catch (e) {
      setError(e);
    }
  };
  const id = `queue-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="queue-list">
      <h2 id={id}>
        {title} <span className="count">({sessions.length})</span>
      </h2>
      <ErrorMessage error={error} />
      {sessions.length === 0 ? (
        <p className="muted">{t('queue.empty')}</p>
      ) : (
        <ul>
          {sessions.map((s) => (
            <li key={s.lsid} className={s.lsid === selected ? 'selected' : undefined}>
              <div>
                <strong>{s.customer.name}</strong> <span className="muted">{s.customer.computerName}</span>
                {s.clientKind === 'web_chat' && <span className="tag">{t('queue.webChat')}</span>}
                {!s.customerConnected && !(s.lsid in ended) && <span className="tag warn">{t('queue.disconnected')}</span>}
                <div className="muted small">{since(t, s, now, s.lsid in ended)}</div>
              </div>
              <button type="button" onClick={() => void act(s)} aria-label={`${t(`queue.${action}`)} ${s.customer.name}`}>
                {t(`queue.${action}`)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The last key generated: nowrap with a copy button while valid; struck through once used or expired. */
function SessionKeyCard({ keyView }: { keyView: SessionKeyView & { used?: boolean } }) {
  const { t } = useTranslation();
  const now = useNow();
  const dateTime = useDateTime();
  const [copied, setCopied] = useState(false);
  const expired = Date.parse(keyView.expiresAt) <= now;
  if (expired || keyView.used) {
    return (
      <div role="status">
        <p className="session-key expired" data-testid="session-key">
          <s>{keyView.key}</s>
        </p>
        <p className="hint">{t(keyView.used ? 'queue.keyUsed' : 'queue.keyExpired')}</p>
      </div>
    );
  }
  return (
    <div role="status">
      <p className="session-key" data-testid="session-key">
        {t('queue.keyIs', { key: keyView.key })}{' '}
        <button
          type="button"
          className="copy"
          onClick={() => {
            void navigator.clipboard?.writeText(keyView.key.replace(/\s/g, '')).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? t('queue.copied') : t('queue.copyKey')}
        </button>
      </p>
      <p className="hint">{t('queue.keyExpires', { time: dateTime(keyView.expiresAt) })}</p>
    </div>
  );
}

export function QueuePage() {
  const { t } = useTranslation();
  const me = useSession((s) => s.user);
  const sessions = useQueue((s) => s.sessions);
  const ended = useQueue((s) => s.ended);
  const selected = useQueue((s) => s.selected);
  const key = useQueue((s) => s.key);
  const createKey = useQueue((s) => s.createKey);
  const [error, setError] = useState<unknown>(null);
  if (!me) return null;
  const endedSessions = Object.values(ended).map((e) => e.session);
  const mine = [...sessions.filter((s) => s.participants.some((p) => p.userId === me.id) && !ended[s.lsid]), ...endedSessions];
  const invitations = sessions.filter((s) => s.invited.includes(me.id) && !mine.includes(s));
  const waiting = sessions.filter((s) => s.state === 'waiting' && !invitations.includes(s));
  const personal = waiting.filter((s) => s.queue.kind === 'personal');
  const general = waiting.filter((s) => s.queue.kind === 'general');
  const current = mine.find((s) => s.lsid === selected);

  return (
    <div className="queue-page">
      <h1>{t('queue.title')}</h1>
      <div className="queue-grid">
        <aside>
          <div className="card">
            <button
              type="button"
              onClick={() => {
                setError(null);
                askNotificationPermission();
                createKey().catch(setError);
              }}
            >
              {t('queue.createKey')}
            </button>
            <ErrorMessage error={error} />
            {key && <SessionKeyCard keyView={key} />}
          </div>
          <QueueList title={t('queue.mine')} sessions={mine} action="open" />
          {invitations.length > 0 && <QueueList title={t('queue.invitations')} sessions={invitations} action="join" />}
          <QueueList title={t('queue.personal')} sessions={personal} action="accept" />
          <QueueList title={t('queue.general')} sessions={general} action="accept" />
        </aside>
        <section className="session-area">{current ? <SessionPanel key={current.lsid} session={current} ended={ended[current.lsid]} /> : <p className="muted">{t('queue.select')}</p>}</section>
      </div>
    </div>
  );
}
