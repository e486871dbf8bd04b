// Change one's own password (LOG-2 forced change, ACC-3): current, new, confirm; the broker's
// policy reasons are shown when it refuses.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../../src/protocol/index.ts';
import { consoleApi } from '../console-api.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

export function PasswordChangeForm({ onChanged }: { onChanged(user: Me): void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const hintId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMismatch(next !== confirm);
    if (next !== confirm) return;
    setBusy(true);
    try {
      const user = await consoleApi.me.changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      onChanged(user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="form" aria-label={t('password.formLabel')}>
      <label>
        {t('password.current')}
        <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        {t('password.new')}
        <input type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} aria-describedby={hintId} />
      </label>
      <label>
        {t('password.confirm')}
        <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </label>
      <p id={hintId} className="hint">
        {t('password.policyHint')}
      </p>
      {mismatch && (
        <p role="alert" className="message error">
          {t('password.mismatch')}
        </p>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  );
}
