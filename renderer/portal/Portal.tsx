// The portal: rep list (POR-1), session key form (POR-3), Connect button (POR-4), each shown as
// the site's settings say; a start leads to the customer client command or to the web chat (POR-5).
import { useEffect, useState, type FormEvent } from 'react';
import type { PortalTicket, PortalView, StartPortalSessionBody } from '../../src/protocol/sessions.ts';
import { strings as t } from './strings.ts';
import { savedWebChat, WebChatPanel } from './WebChatPanel.tsx';
import { PresentationsSection } from './PresentationsSection.tsx';
import { SiteHeader } from './site-look.tsx';

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error((json.error && t.errors[json.error.code]) ?? json.error?.message ?? `HTTP ${res.status}`);
  return json;
}

export function Portal() {
  const [view, setView] = useState<PortalView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ticket, setTicket] = useState<PortalTicket | null>(null);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [resume] = useState(savedWebChat);

  useEffect(() => {
    api<PortalView>('/portal').then(setView, (e: Error) => setError(e.message));
  }, []);

  const start = async (body: StartPortalSessionBody) => {
    setBusy(true);
    setError(null);
    try {
      setTicket(await api<PortalTicket>('/portal/start', { ...body, ...(name.trim() ? { customerName: name.trim() } : {}) }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (resume) return <WebChatPanel join={resume} name={undefined} />;
  if (ticket?.mode === 'web_chat') return <WebChatPanel join={{ kind: 'ticket', ticket: ticket.ticket }} name={name.trim() || undefined} />;

  return (
    <>
    <SiteHeader fallbackTitle={t.title} />
    <main className="portal">
      <h1>{t.title}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {ticket ? (
        <section aria-labelledby="run-client">
          <h2 id="run-client">{t.runClient}</h2>
          <p>
            <a className="download" href={`/download/customer/linux-x64?ticket=${encodeURIComponent(ticket.ticket)}`} download>
              {t.downloadLinux}
            </a>
          </p>
          <p>{t.orRun}</p>
          <pre className="command" data-testid="client-command">{ticket.command}</pre>
          <p>{t.runClientHint}</p>
        </section>
      ) : view ? (
        <>
          <p>{t.intro}</p>
          <label className="field">
            {t.yourName}
            <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </label>
          {view.showSessionKeyForm && (
            <form className="key-form" onSubmit={(e: FormEvent) => (e.preventDefault(), void start({ method: 'session_key', key }))}>
              <label className="field">
                {t.keyLabel}
                <input name="key" value={key} inputMode="numeric" autoComplete="off" maxLength={32} onChange={(e) => setKey(e.target.value)} />
              </label>
              <button disabled={busy || !key.trim()}>{t.keySubmit}</button>
            </form>
          )}
          {view.showConnectButton && (
            <p>
              <button type="button" className="connect" disabled={busy} onClick={() => void start({ method: 'connect' })}>
                {t.connect}
              </button>
            </p>
          )}
          {view.showRepList && (
            <section aria-labelledby="reps">
              <h2 id="reps">{t.reps}</h2>
              {view.reps.length === 0 ? (
                <p>{t.noReps}</p>
              ) : (
                <ul className="reps">
                  {view.reps.map((r) => (
                    <li key={r.id}>
                      <button type="button" disabled={busy} onClick={() => void start({ method: 'rep_list', repId: r.id })}>
                        {r.displayName}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <PresentationsSection showList={view.showPresentationList} />
        </>
      ) : null}
    </main>
    </>
  );
}
