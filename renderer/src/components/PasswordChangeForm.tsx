// Change one's own password (LOG-2 forced change, ACC-3): current, new, confirm; the broker's
// policy reasons are shown when it refuses.
import { useState, type FormEvent } from 'react';
import { NewPasswordFields } from './FormFields.tsx';
import { useAction } from './use-action.ts';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../../src/protocol/index.ts';
import { consoleApi } from '../console-api.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

export function PasswordChangeForm({ onChanged }: { onChanged(user: Me): void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== confirm);
    if (next !== confirm) return;
    void run(async () => {
      const user = await consoleApi.me.changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      onChanged(user);
    });
  };

  return (
    <form onSubmit={submit} className="form" aria-label={t('password.formLabel')}>
      <label>
        {t('password.current')}
        <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <NewPasswordFields next={next} confirm={confirm} onNext={setNext} onConfirm={setConfirm} mismatch={mismatch} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  );
}
