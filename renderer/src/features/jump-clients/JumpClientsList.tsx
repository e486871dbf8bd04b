// The Jump Clients list (JMP-2, JMP-9): online or not (pushed by the broker while the tab is open), last
// seen, group, tag, comments, host, OS, version; search and sort; jump, edit, remove.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JumpClientView } from '../../../../src/protocol/jump.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useDateTime } from '../../format.ts';
import { EditJumpClientDialog } from './EditJumpClientDialog.tsx';
import { keyOf, useJump, type JumpSort } from './jump-store.ts';
import { useJumpLauncher } from './use-jump-launcher.ts';

const hostOf = (c: JumpClientView) => c.hostName || c.id;

export function JumpClientsList() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { list, error, q, sort, order, offset, shownKey, setQuery, setSort, setOffset, load } = useJump();
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [editing, setEditing] = useState<JumpClientView | null>(null);
  const [removing, setRemoving] = useState<JumpClientView | null>(null);
  const launcher = useJumpLauncher();

  // Online/offline, new and removed clients arrive as the broker pushes them (only those this rep
  // may see); the page reloads then, one load at a time, and when the window is shown again.
  useEffect(() => {
    let loading = false;
    let again = false;
    let hidden = false;
    const reload = () => {
      if (document.visibilityState !== 'visible') {
        hidden = true;
        return;
      }
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      void load().finally(() => {
        loading = false;
        if (again) {
          again = false;
          reload();
        }
      });
    };
    const onVisible = () => {
      if (hidden && document.visibilityState === 'visible') {
        hidden = false;
        reload();
      }
    };
    reload();
    const off = consoleApi.jump.onChanged(reload);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  const act = async (fn: () => Promise<unknown>, text: string) => {
    setActionError(null);
    setDone(null);
    try {
      await fn();
      setDone(text);
      await load();
    } catch (e) {
      setActionError(e);
    }
  };

  const header = (column: JumpSort, label: string) => {
    const active = sort === column;
    return (
      <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="link" aria-label={t('jump.sortBy', { column: label })} onClick={() => setSort(column)}>
          {label}
          {active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };

  const confirmRemove = () => {
    const c = removing;
    setRemoving(null);
    if (c) void act(() => consoleApi.jump.remove(c.id), t('jump.removed', { host: hostOf(c) }));
  };

  const clients = list?.clients ?? [];
  const busy = shownKey !== keyOf({ q, sort, order, offset });
  return (
    <section aria-labelledby="jump-list-title">
      <div className="toolbar">
        <h2 id="jump-list-title">{t('jump.listTitle')}</h2>
        {list && (
          <span className="hint" role="status" aria-live="polite">
            {t('jump.counts', { online: list.online, total: list.total })}
          </span>
        )}
      </div>
      <label className="search">
        {t('jump.search')}
        <input type="search" value={q} onChange={(e) => setQuery(e.target.value)} aria-describedby="jump-search-help" />
      </label>
      <p id="jump-search-help" className="hint">
        {t('jump.searchHelp')}
      </p>
      <ErrorMessage error={error ?? actionError ?? launcher.error} overrides={{ jump_client_offline: t('jump.errOffline') }} />
      <SuccessMessage text={done} />
      {launcher.timedOut && (
        <p role="alert" className="message error">
          {launcher.timedOut}
        </p>
      )}
      {launcher.status && (
        <p role="status" className="message">
          {launcher.status}
        </p>
      )}
      {!list && !error && <p role="status">{t('jump.loading')}</p>}
      {list && (
        <table aria-label={t('jump.tableLabel')} aria-busy={busy} data-jump-query={shownKey ?? ''}>
          <thead>
            <tr>
              {header('online', t('jump.status'))}
              {header('hostName', t('jump.hostName'))}
              {header('jumpGroup', t('jump.group'))}
              {header('tag', t('jump.tag'))}
              <th scope="col">{t('jump.comments')}</th>
              {header('os', t('jump.os'))}
              {header('version', t('jump.version'))}
              {header('lastSeenAt', t('jump.lastSeen'))}
              <th scope="col">{t('jump.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.id} data-jump-client={c.id}>
                <td className="jump-status">
                  <span className={`tag ${c.removalPending ? 'warn' : c.online ? 'ok' : ''}`}>{c.removalPending ? t('jump.removing') : c.online ? t('jump.online') : t('jump.offline')}</span>
                </td>
                <td>
                  <strong>{hostOf(c)}</strong>
                  <div className="muted small">{[c.userName, c.privateIp].filter(Boolean).join(' · ')}</div>
                </td>
                <td>{c.jumpGroup}</td>
                <td>{c.tag}</td>
                <td className="jump-comments">{c.comments}</td>
                <td>{c.os}</td>
                <td>{c.version}</td>
                <td>{c.online ? t('jump.online') : c.lastSeenAt ? dateTime(c.lastSeenAt) : t('jump.never')}</td>
                <td className="jump-actions">
                  <button type="button" disabled={!c.online || c.removalPending || launcher.pending !== null} aria-label={t('jump.jumpToLabel', { host: hostOf(c) })} onClick={() => launcher.start(c.id, hostOf(c))}>
                    {t('jump.jumpTo')}
                  </button>
                  <button type="button" disabled={c.removalPending} aria-label={t('jump.editLabel', { host: hostOf(c) })} onClick={() => setEditing(c)}>
                    {t('jump.edit')}
                  </button>
                  <button type="button" className="danger" disabled={c.removalPending} aria-label={t('jump.removeLabel', { host: hostOf(c) })} onClick={() => setRemoving(c)}>
                    {t('jump.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && list.matched > list.limit && (
        <nav className="pager" aria-label={t('jump.pages')}>
          <button type="button" disabled={list.offset === 0} onClick={() => setOffset(list.offset - list.limit)}>
            {t('jump.previous')}
          </button>
          <span role="status">{t('jump.showing', { from: list.offset + 1, to: Math.min(list.offset + list.limit, list.matched), matched: list.matched })}</span>
          <button type="button" disabled={list.offset + list.limit >= list.matched} onClick={() => setOffset(list.offset + list.limit)}>
            {t('jump.next')}
          </button>
        </nav>
      )}
      {list && clients.length === 0 && <p className="muted">{list.total === 0 ? t('jump.none') : t('jump.noMatch')}</p>}
      {editing && (
        <EditJumpClientDialog
          client={editing}
          onClose={() => setEditing(null)}
          onSave={async (body) => {
            const c = editing;
            await consoleApi.jump.update(c.id, body);
            setEditing(null);
            setActionError(null);
            setDone(t('jump.saved', { host: hostOf(c) }));
            await load();
          }}
        />
      )}
      <ConfirmDialog open={removing !== null} title={t('jump.removeTitle', { host: removing ? hostOf(removing) : '' })} confirmLabel={t('jump.remove')} onConfirm={confirmRemove} onCancel={() => setRemoving(null)}>
        <p>{t('jump.removeBody')}</p>
      </ConfirmDialog>
    </section>
  );
}
