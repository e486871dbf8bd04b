// The web chat in the customer's browser (POR-5): conversation, typing indicator, end; when the
// rep offers the full client, its download already set to continue this same session (the command
// only as a fallback), gone once the session ends here.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { chatLength, type ClientDownloadTicket, type JoinRequest, type SessionEvent } from '../../src/protocol/sessions.ts';
import { strings as t } from './strings.ts';
import type { CustomerSession } from '../../src/customer-core/index.ts';
import { openWebChat, type WebChatStatus } from './web-chat.ts';
import { SiteHeader } from './site-look.tsx';

interface Line {
  key: string;
  who?: string;
  cls: string;
  text: string;
}

function lineOf(e: SessionEvent): Line | null {
  const b = e.body;
  const key = String(e.seq);
  if (b.kind === 'chat') return { key, who: e.actor.name, cls: e.actor.kind, text: b.text };
  if (b.kind === 'rep_joined') return { key, cls: 'info', text: `${b.name} ${t.joined}` };
  if (b.kind === 'rep_left') return { key, cls: 'info', text: `${b.name} ${t.left}` };
  if (b.kind === 'transferred') return { key, cls: 'info', text: `${t.transferred} ${b.toName}` };
  return null;
}

const RESUME_KEY = 'passerelle.webChat';

/** A download ticket for the customer client that resumes this session; null when the broker refuses. */
async function clientDownload(lsid: string, resumeToken: string): Promise<string | null> {
  const res = await fetch('/api/v1/portal/client-download', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lsid, resumeToken }) });
  if (!res.ok) return null;
  const { ticket } = (await res.json()) as ClientDownloadTicket;
  return `/download/customer/linux-x64?ticket=${encodeURIComponent(ticket)}`;
}

interface Offer {
  command: string;
  /** The configured client's address, once the broker gave a ticket for it. */
  download: string | null;
}

/** A web chat this tab was in (kept for this tab only), so a reload resumes it. */
export function savedWebChat(): JoinRequest | null {
  try {
    const raw = sessionStorage.getItem(RESUME_KEY);
    if (!raw) return null;
    const { lsid, resumeToken } = JSON.parse(raw) as { lsid: string; resumeToken: string };
    return { kind: 'resume', lsid, resumeToken, lastSeq: 0 };
  } catch {
    return null;
  }
}

export function WebChatPanel({ join, name }: { join: JoinRequest; name: string | undefined }) {
  const [status, setStatus] = useState<WebChatStatus>('connecting');
  const [lines, setLines] = useState<Line[]>([]);
  const [typing, setTyping] = useState<string | null>(null);
  const [offer, setOffer] = useState<Offer | null>(null);
  const [endReason, setEndReason] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [banner, setBanner] = useState<string | null>(null);
  const [recorded, setRecorded] = useState(false);
  const chat = useRef<CustomerSession | null>(null);
  const typingTimer = useRef<number | undefined>(undefined);
  const joinKey = JSON.stringify(join);

  useEffect(() => {
    const c = openWebChat(JSON.parse(joinKey) as JoinRequest, name);
    c.on('welcome', (w) => {
      setStatus('joined');
      if (w.chatBanner) setBanner(w.chatBanner);
      if (w.recorded) setRecorded(true);
      sessionStorage.setItem(RESUME_KEY, JSON.stringify({ lsid: w.lsid, resumeToken: w.resumeToken }));
    });
    c.on('reconnecting', () => setStatus('reconnecting'));
    c.on('ended', ({ reason }) => {
      setStatus('ended');
      setEndReason(reason);
      // The full client is for a running session only.
      setOffer(null);
      sessionStorage.removeItem(RESUME_KEY);
      // A saved session that can no longer be resumed: back to the portal's start page.
      if (!c.welcomeInfo) window.location.reload();
    });
    c.on('event', (e) => {
      const line = lineOf(e);
      if (line) setLines((l) => [...l, line]);
      if (e.body.kind === 'full_client_offered' && c.welcomeInfo) {
        const { lsid, resumeToken } = c.welcomeInfo;
        setOffer({ command: `${e.body.command} --resume ${lsid}:${resumeToken}`, download: null });
        clientDownload(lsid, resumeToken).then(
          (download) => setOffer((o) => (o && download ? { ...o, download } : o)),
          () => undefined, // the command stays as the way on
        );
      }
      // The broker answered: whatever went wrong before is over.
      setError(null);
    });
    c.on('typing', ({ name: who, typing: on }) => setTyping(on ? who : null));
    // A failed connection shows as the session's status (then the start page), not as an alert.
    c.on('error', (e) => {
      if (e.code !== 'connection_failed') setError(e.message);
    });
    chat.current = c;
    c.start();
    // Leaving the page does not end the session: a reload within the resume window continues it.
    return () => c.close();
  }, [joinKey, name]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || chatLength(text).over) return;
    chat.current?.chat(text.trim());
    setText('');
  };

  const length = chatLength(text);
  const endedText = endReason === 'superseded' ? t.movedToClient : t.ended;
  const statusText = { connecting: t.waiting, joined: lines.some((l) => l.cls === 'info') ? t.connected : t.waiting, reconnecting: t.reconnecting, ended: endedText }[status];
  return (
    <>
    <SiteHeader fallbackTitle={t.title} />
    <main className="portal web-chat">
      {/* POR-6: the banner this session started with. */}
      {banner && <img className="chat-banner" src={banner} alt={t.banner} width={480} />}
      <header>
        <h1>{t.title}</h1>
        <p data-testid="chat-status" aria-live="polite">{statusText}</p>
      </header>
      {recorded && <p role="note" className="recorded">{t.recorded}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {offer && (
        <section className="offer" aria-labelledby="full-client">
          <h2 id="full-client">{t.fullClientOffered}</h2>
          {offer.download && (
            <p>
              <a className="download" href={offer.download} download>
                {t.downloadForSession}
              </a>{' '}
              {t.downloadForSessionHint}
            </p>
          )}
          <details open={!offer.download}>
            <summary>{t.commandFallback}</summary>
            <pre className="command" data-testid="full-client-command">{offer.command}</pre>
          </details>
        </section>
      )}
      <ol className="chat-log" aria-live="polite" data-testid="chat-log">
        {lines.map((l) => (
          <li key={l.key} className={l.cls}>
            {l.who && <span className="who">{l.who}</span>} {l.text}
          </li>
        ))}
      </ol>
      <p className="typing">{typing ? `${typing} ${t.typing}` : ''}</p>
      <form className="chat-form" onSubmit={send}>
        <input
          aria-label={t.message}
          value={text}
          aria-describedby="chat-limit"
          aria-invalid={length.over}
          disabled={status === 'ended'}
          onChange={(e) => {
            setText(e.target.value);
            if (typingTimer.current === undefined) chat.current?.typing(true);
            window.clearTimeout(typingTimer.current);
            typingTimer.current = window.setTimeout(() => {
              typingTimer.current = undefined;
              chat.current?.typing(false);
            }, 2000);
          }}
        />
        <button disabled={status === 'ended' || length.over}>{t.send}</button>
        <button type="button" className="secondary" disabled={status === 'ended'} onClick={() => chat.current?.end()}>
          {t.endSession}
        </button>
      </form>
      <p id="chat-limit" className={length.over ? 'error' : 'typing'} aria-live="polite">
        {length.over ? t.tooLong(length.count, length.max) : length.near ? t.nearLimit(length.count, length.max) : ''}
      </p>
    </main>
    </>
  );
}
