// The user accounts table (USR-1, USR-7) with server-side search (USR-3), reset of failed
// logins (USR-5) and delete with confirmation (USR-2, USR-4).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { UserView } from '../../../../src/protocol/index.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { useDateTime } from '../../format.ts';
import { useUsers } from '../../stores/users-store.ts';

export function UsersList() {
  const { t } = useTranslation();
  const users = useUsers((s) => s.users);
  const query = useUsers((s) => s.query);
  const listError = useUsers((s) => s.error);
  const search = useUsers((s) => s.search);
  const remove = useUsers((s) => s.remove);
  const resetFailedLogins = useUsers((s) => s.resetFailedLogins);
  const dateTime = useDateTime();
  const [toDelete, setToDelete] = useState<UserView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    void search(useUsers.getState().query);
  }, [search]);

  const act = async (fn: () => Promise<void>, doneText: string) => {
    setError(null);
    setDone(null);
    try {
      await fn();
      setDone(doneText);
    } catch (err) {
      setError(err);
    }
  };

  const confirmDelete = () => {
    const u = toDelete;
    setToDelete(null);
    if (u) void act(() => remove(u.id), t('users.deleted', { username: u.username }));
  };

  const now = new Date().toISOString();
  return (
    <div>
      <div className="toolbar">
        <label className="search">
          {t('users.search')}
          <input type="search" value={query} onChange={(e) => void search(e.target.value)} />
        </label>
        <Link to="new" className="button">
          {t('users.create')}
        </Link>
      </div>
      <ErrorMessage error={error ?? listError} overrides={{ own_account: t('users.ownAccountDelete') }} />
      <SuccessMessage text={done} />
      <table aria-label={t('users.tableLabel')}>
        <thead>
          <tr>
            <th scope="col">{t('users.username')}</th>
            <th scope="col">{t('users.displayName')}</th>
            <th scope="col">{t('users.lastAuthentication')}</th>
            <th scope="col">{t('users.failedLogins')}</th>
            <th scope="col">{t('users.locked')}</th>
            <th scope="col">{t('users.disabled')}</th>
            <th scope="col">{t('users.twoStep')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{u.lastAuthenticatedAt ? dateTime(u.lastAuthenticatedAt) : t('users.neverLoggedIn')}</td>
              <td>{u.failedLogins}</td>
              <td>{u.lockedUntil && u.lockedUntil > now ? t('users.lockedUntil', { date: dateTime(u.lockedUntil) }) : t('common.no')}</td>
              <td>{u.disabled ? t('common.yes') : t('common.no')}</td>
              <td>{u.totpEnabled ? t('common.yes') : t('common.no')}</td>
              <td className="actions">
                <Link to={String(u.id)} aria-label={t('users.editWho', { username: u.username })}>
                  {t('common.edit')}
                </Link>
                <button
                  type="button"
                  aria-label={t('users.resetWho', { username: u.username })}
                  onClick={() => void act(() => resetFailedLogins(u.id), t('users.resetDone', { username: u.username }))}
                >
                  {t('users.reset')}
                </button>
                <button type="button" className="danger" aria-label={t('users.deleteWho', { username: u.username })} onClick={() => setToDelete(u)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.length === 0 && <p>{t('users.noneFound')}</p>}
      <ConfirmDialog
        open={toDelete !== null}
        title={t('users.confirmDeleteTitle')}
        confirmLabel={t('common.delete')}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <p>{t('users.confirmDeleteBody', { username: toDelete?.username ?? '' })}</p>
      </ConfirmDialog>
    </div>
  );
}
