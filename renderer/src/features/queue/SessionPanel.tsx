// One session (CON-2, CON-3, USR-13): who the customer is and where from, the chat with typing
// indicator and transcript, and the session's actions — transfer, invite, leave, end, ask the
// customer for a permission, offer the full client to a web chat customer.
import { useAction } from '../../components/use-action.ts';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoggedInRep, SessionEvent, SessionPermission, SessionSummary } from '../../../../src/protocol/index.ts';
import { askablePermissions, chatLength } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { formatDuration, useDateTime } from '../../format.ts';
import { useSession } from '../../stores/session-store.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { useQueue, type EndedSession } from './queue-store.ts';
import { SessionTools } from '../tools/SessionTools.tsx';
import { formatBytes } from '../tools/format-bytes.ts';

function useLine() {
  const { t } = useTranslation();
  return (e: SessionEvent): string => {
    const b = e.body;
    switch (b.kind) {
      case 'chat':
        return b.text;
      case 'rep_joined':
      case 'rep_left':
      case 'rep_invited':
        return t(`queue.event.${b.kind}`, { name: b.name });
      case 'transferred':
        return t('queue.event.transferred', { name: b.toName });
      case 'permission_revoked':
      case 'permission_granted':
        // Issue 13 item 7: control given / taken back, in those words.
        if (b.permission === 'screen_control' && !(b.kind === 'permission_granted' && b.by === 'policy')) return t(b.kind === 'permission_granted' ? 'queue.event.control_given' : 'queue.event.control_taken_back', { name: e.actor.name });
        return t(`queue.event.${b.kind}`, { permission: t(`queue.permission.${b.permission}`) });
      case 'permission_requested':
      case 'permission_denied':
        return t(`queue.event.${b.kind}`, { permission: t(`queue.permission.${b.permission}`) });
      case 'session_ended':
        return t('queue.event.session_ended', { reason: t(`queue.endReason.${b.reason}`, { defaultValue: t('queue.endReason.other') }) });
      case 'session_started':
        return t('queue.event.session_started', { name: e.actor.name });
      case 'file_transfer':
        return t('queue.event.file_transfer', {
          direction: t(`queue.tool.${b.direction}`),
          path: b.path,
          size: formatBytes(b.size),
          result: t(`queue.tool.${b.result}`) + (b.error ? ` (${t(`files.error.${b.error}`)})` : ''),
          sha: b.sha256 && b.result === 'completed' ? `, SHA-256 ${b.sha256}` : '',
        });
      case 'file_operation':
        return t('queue.event.file_operation', { op: t(`queue.tool.${b.op}`), path: b.path || '~', to: b.to ? ` → ${b.to}` : '', result: t(`queue.tool.${b.result}`) + (b.error ? ` (${t(`files.error.${b.error}`)})` : '') });
      case 'shell_opened':
        return t('queue.event.shell_opened', { shell: b.shell });
      case 'shell_closed':
        return t('queue.event.shell_closed', { reason: b.reason });
      case 'jump_client_attach_requested':
      case 'jump_client_detached':
        return t(`queue.event.${b.kind}`, { name: e.actor.name });
      case 'jump_client_attached':
        return t('queue.event.jump_client_attached', { host: b.hostName });
      case 'jump_client_attach_failed':
        return t('queue.event.jump_client_attach_failed', { message: b.message });
      case 'elevation':
        return t(`queue.event.elevation_${b.result}`, { method: b.method ?? 'sudo', error: t(`queue.elevationError.${b.error ?? 'failed'}`) });
      default:
        return t(`queue.event.${b.kind}`);
    }
  };
}

/** Where this session is with its computer's Jump Client, from its log (JMP-10). */
function jumpStateOf(log: SessionEvent[], jumped: boolean): 'attached' | 'attaching' | 'none' {
  let state: 'attached' | 'attaching' | 'none' = jumped ? 'attached' : 'none';
  for (const e of log) {
    if (e.body.kind === 'jump_client_attach_requested') state = 'attaching';
    else if (e.body.kind === 'jump_client_attached') state = 'attached';
    else if (e.body.kind === 'jump_client_attach_failed' || e.body.kind === 'jump_client_detached') state = 'none';
  }
  return state;
}

export function SessionPanel({ session, ended }: { session: SessionSummary; ended?: EndedSession | undefined }) {
  const { t } = useTranslation();
  const me = useSession((s) => s.user);
  const log = useQueue((s) => s.logs[session.lsid]) ?? [];
  const typing = useQueue((s) => s.typing[session.lsid]);
  const dateTime = useDateTime();
  const line = useLine();
  const [text, setText] = useState('');
  const [repsOnly, setRepsOnly] = useState(false);
  const [reps, setReps] = useState<LoggedInRep[]>([]);
  const [target, setTarget] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const dismiss = useQueue((s) => s.dismiss);
  // Only what the customer's client can do and this rep may ask for (USR-14); the broker checks both again.
  const askable = me ? askablePermissions(me.permissions, session.capabilities) : [];
  const [chosen, setPermission] = useState<SessionPermission | null>(null);
  const permission = chosen && askable.includes(chosen) ? chosen : askable[0];
  const logEnd = useRef<HTMLLIElement>(null);
  // JMP-10 (USR-12): attach a Jump Client to this computer, or detach the one attached here or jumped to.
  const mayAttach = !!me && (me.permissions.administrator || me.permissions.attachJumpClients);
  const jumpState = jumpStateOf(log, session.method === 'jump');
  const jumpAttached = jumpState === 'attached';
  const attaching = jumpState === 'attaching';
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The reps one can transfer to or invite follow logins and logouts (the list is read again
  // when the rep opens it, and every 10 s while the panel is open).
  const refreshReps = () => void consoleApi.site.reps().then((list) => setReps(list), () => setReps([]));
  useEffect(() => {
    refreshReps();
    const timer = setInterval(refreshReps, 10_000);
    return () => clearInterval(timer);
  }, [session.lsid]);
  useEffect(() => {
    logEnd.current?.scrollIntoView?.({ block: 'nearest' });
  }, [log.length]);

  const { error, run } = useAction();
  const send = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || chatLength(value).over) return;
    setText('');
    // "Reps only" is for one line: the next one goes to the customer unless ticked again.
    setRepsOnly(false);
    void run(() => consoleApi.sessions.chat(session.lsid, value, repsOnly));
  };
  const length = chatLength(text);
  const others = [...new Map(reps.filter((r) => r.userId !== me?.id && !session.participants.some((p) => p.userId === r.userId)).map((r) => [r.userId, r])).values()];
  const c = session.customer;
  const isOwner = session.ownerUserId === me?.id;
  const chosenRep = others.some((r) => String(r.userId) === target) ? target : '';

  return (
    <article className="session-panel" aria-labelledby="session-title">
      <h2 id="session-title">
        {c.name} <span className="muted">— {t('queue.sequence', { seq: session.sequenceNumber })}</span>
      </h2>
      <dl className="facts">
        <dt>{t('queue.computer')}</dt>
        <dd>{c.computerName || '—'}</dd>
        <dt>{t('queue.os')}</dt>
        <dd>{c.os || '—'}</dd>
        <dt>{t('queue.userName')}</dt>
        <dd>{c.userName || '—'}</dd>
        <dt>{t('queue.privateIp')}</dt>
        <dd>{c.privateIp || '—'}</dd>
        <dt>{t('queue.publicIp')}</dt>
        <dd>{c.publicIp}</dd>
        <dt>{t('queue.waited')}</dt>
        <dd>{session.acceptedAt ? formatDuration(Math.max(0, Math.round((Date.parse(session.acceptedAt) - Date.parse(session.createdAt)) / 1000))) : '—'}</dd>
      </dl>
      {session.grants.length > 0 && <p>{t('queue.granted', { list: session.grants.map((g) => t(`queue.permission.${g}`)).join(', ') })}</p>}
      {session.elevated && <p role="status" className="elevated">{t('queue.elevated')}</p>}
      {ended && (
        <div role="status" className="ended-banner">
          <p>
            <strong>{t('queue.endedTitle', { time: dateTime(ended.at) })}</strong>{' '}
            {t(`queue.endReason.${ended.reason}`, { defaultValue: t('queue.endReason.other') })}
          </p>
          <button type="button" onClick={() => dismiss(session.lsid)}>
            {t('queue.close')}
          </button>
        </div>
      )}
      <ErrorMessage error={error} />
      <SessionTools session={session} />
      <h3>{t('queue.chat')}</h3>
      <ol className="transcript" aria-live="polite" data-testid="transcript">
        {log.filter((e) => e.body.kind !== 'shell_transcript' && !(e.body.kind === 'file_operation' && e.body.op === 'list' && e.body.result === 'ok')).map((e) => (
          <li key={e.seq} className={e.body.kind === 'chat' ? `chat ${e.actor.kind}${e.body.repsOnly ? ' reps-only' : ''}` : 'info'}>
            <span className="time">{dateTime(e.at)}</span> {e.body.kind === 'chat' && e.body.repsOnly && <span className="tag">{t('queue.repsOnlyTag')}</span>}{' '}
            {e.body.kind === 'chat' && <strong>{e.actor.name}: </strong>}
            {line(e)}
          </li>
        ))}
        <li ref={logEnd} aria-hidden="true" />
      </ol>
      {ended ? null : (
        <>
      <p className="typing muted">{typing ? t('queue.typing', { name: typing }) : ''}</p>
      <form className="inline-form chat-form" onSubmit={send}>
        <input
          aria-label={t('queue.message')}
          value={text}
          aria-describedby="chat-limit"
          aria-invalid={length.over}
          onChange={(e) => {
            setText(e.target.value);
            if (!typingTimer.current) void consoleApi.sessions.typing(session.lsid, true);
            clearTimeout(typingTimer.current);
            typingTimer.current = setTimeout(() => {
              typingTimer.current = undefined;
              void consoleApi.sessions.typing(session.lsid, false);
            }, 2000);
          }}
        />
        {session.participants.length > 1 && (
          <label className="check">
            <input type="checkbox" checked={repsOnly} onChange={(e) => setRepsOnly(e.target.checked)} />
            {t('queue.repsOnly')}
          </label>
        )}
        <button disabled={length.over}>{t('queue.send')}</button>
      </form>
      <p id="chat-limit" className={length.over ? 'error' : 'muted small'} aria-live="polite">
        {length.over ? t('queue.tooLong', { count: length.count, max: length.max }) : length.near ? t('queue.nearLimit', { count: length.count, max: length.max }) : ''}
      </p>
      <div className="session-actions">
        {permission ? (
          <>
            <label>
              {t('queue.ask')}{' '}
              <select value={permission} onChange={(e) => setPermission(e.target.value as SessionPermission)}>
                {askable.map((p) => (
                  <option key={p} value={p}>
                    {t(`queue.permission.${p}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void run(() => consoleApi.sessions.requestPermission(session.lsid, permission))}>
              {t('queue.askButton')}
            </button>
          </>
        ) : (
          <p className="muted" data-testid="no-tools">
            {session.clientKind === 'web_chat' ? t('queue.noToolsWebChat') : session.capabilities.length === 0 ? t('queue.noTools') : t('queue.noToolsForYou')}
          </p>
        )}
        {session.clientKind === 'web_chat' && (
          <button type="button" onClick={() => void run(() => consoleApi.sessions.offerFullClient(session.lsid))}>
            {t('queue.offerClient')}
          </button>
        )}
        {mayAttach && session.clientKind === 'customer_client' && !ended && (
          jumpAttached ? (
            <button type="button" onClick={() => void run(async () => { await consoleApi.jump.detach(session.lsid); })}>
              {t('queue.detachJump')}
            </button>
          ) : (
            <button type="button" disabled={attaching} onClick={() => void run(async () => { await consoleApi.jump.attach(session.lsid); })}>
              {t('queue.attachJump')}
            </button>
          )
        )}
      </div>
      <div className="session-actions">
        <label>
          <span className="sr-only">{t('queue.chooseRep')}</span>
          <select aria-label={t('queue.chooseRep')} value={chosenRep} onFocus={refreshReps} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t('queue.chooseRep')}</option>
            {others.map((r) => (
              <option key={r.userId} value={r.userId}>
                {r.displayName}
              </option>
            ))}
          </select>
        </label>
        {isOwner && (
          <button type="button" disabled={!chosenRep} onClick={() => void run(() => consoleApi.sessions.transfer(session.lsid, Number(chosenRep)))}>
            {t('queue.transfer')}
          </button>
        )}
        <button type="button" disabled={!chosenRep} onClick={() => void run(() => consoleApi.sessions.invite(session.lsid, Number(chosenRep)))}>
          {t('queue.invite')}
        </button>
        <span className="spacer" />
        <button type="button" className="danger" onClick={() => void run(() => consoleApi.sessions.leave(session.lsid))}>
          {t('queue.leave')}
        </button>
        <button type="button" className="danger" onClick={() => setConfirmEnd(true)}>
          {t('queue.end')}
        </button>
      </div>
      <ConfirmDialog
        open={confirmEnd}
        title={t('queue.endConfirmTitle')}
        confirmLabel={t('queue.end')}
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          void run(() => consoleApi.sessions.end(session.lsid));
        }}
      >
        <p>{t('queue.endConfirmText', { name: c.name })}</p>
      </ConfirmDialog>
        </>
      )}
    </article>
  );
}
