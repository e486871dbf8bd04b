// Logged-in reps (STA-6) with Terminate for administrators (STA-7), confirmed first.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoggedInRep } from '../../../../src/protocol/index.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDuration, useDateTime } from '../../format.ts';
import { useSession } from '../../stores/session-store.ts';
import { useSite } from '../../stores/site-store.ts';

export function RepsTable() {
  const { t } = useTranslation();
  const reps = useSite((s) => s.reps);
  const terminate = useSite((s) => s.terminate);
  const isAdmin = useSession((s) => s.user?.permissions.administrator ?? false);
  const dateTime = useDateTime();
  const [target, setTarget] = useState<LoggedInRep | null>(null);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    const rep = target;
    setTarget(null);
    if (!rep) return;
    try {
      setError(null);
      await terminate(rep.connectionId);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="reps-title">
      <h2 id="reps-title">{t('status.reps.title')}</h2>
      <ErrorMessage error={error} />
      {reps.length === 0 ? (
        <p>{t('status.reps.none')}</p>
      ) : (
        <table aria-labelledby="reps-title">
          <thead>
            <tr>
              <th scope="col">{t('status.reps.name')}</th>
              <th scope="col">{t('status.reps.since')}</th>
              <th scope="col">{t('status.reps.for')}</th>
              <th scope="col">{t('status.reps.client')}</th>
              <th scope="col">{t('status.reps.sessions')}</th>
              {isAdmin && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {reps.map((r) => (
              <tr key={r.connectionId}>
                <td>
                  {r.displayName} <span className="muted">({r.username})</span>
                </td>
                <td>{dateTime(r.connectedAt)}</td>
                <td>{formatDuration(r.connectedSeconds)}</td>
                <td>{t(`status.reps.clientKind.${r.client}`)}</td>
                <td>{t('status.reps.sessionCounts', { sessions: r.supportSessions, presentations: r.presentations })}</td>
                {isAdmin && (
                  <td>
                    <button type="button" className="danger" onClick={() => setTarget(r)} aria-label={t('status.reps.terminateWho', { name: r.displayName })}>
                      {t('status.reps.terminate')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={target !== null}
        title={t('status.reps.confirmTitle')}
        confirmLabel={t('status.reps.terminate')}
        onConfirm={() => void confirm()}
        onCancel={() => setTarget(null)}
      >
        <p>{t('status.reps.confirmBody', { name: target?.displayName ?? '' })}</p>
      </ConfirmDialog>
    </section>
  );
}
