// JMP-9: a jump from the list. The broker asks the Jump Client to join a new unattended session
// owned by this rep; once the session shows among the rep's sessions it is opened in the Queue
// tab, like any other session (chat, tools, the record).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { consoleApi } from '../../console-api.ts';
import { useQueue } from '../queue/queue-store.ts';

/** How long the agent has to join before the page says it did not. */
const JOIN_TIMEOUT_MS = 30_000;

export function useJumpLauncher() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [pending, setPending] = useState<{ lsid: string | null; host: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [timedOut, setTimedOut] = useState<string | null>(null);
  const sessions = useQueue((s) => s.sessions);
  const select = useQueue((s) => s.select);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  useEffect(() => {
    if (!pending?.lsid) return;
    if (sessions.some((s) => s.lsid === pending.lsid)) {
      if (timer.current) clearTimeout(timer.current);
      const lsid = pending.lsid;
      setPending(null);
      void select(lsid);
      void navigate('/console/queue');
    }
  }, [sessions, pending, select, navigate]);

  const start = (id: string, host: string) => {
    setError(null);
    setTimedOut(null);
    setPending({ lsid: null, host });
    consoleApi.jump.jump(id).then(
      ({ lsid }) => {
        setPending((p) => (p ? { ...p, lsid } : p));
        timer.current = setTimeout(() => {
          setPending(null);
          setTimedOut(t('jump.joinTimeout', { host }));
        }, JOIN_TIMEOUT_MS);
      },
      (e: unknown) => {
        setPending(null);
        setError(e);
      },
    );
  };

  return { start, pending, error, timedOut, status: pending ? t('jump.jumping', { host: pending.host }) : null };
}
