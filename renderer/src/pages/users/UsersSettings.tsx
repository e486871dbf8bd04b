// "Users settings" as in the guide: whether "Forgot password?" is offered (LOG-3) and how many
// failed logins lock an account, for how long (LOG-4).
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSite } from '../../stores/site-store.ts';

export function UsersSettings() {
  const { t } = useTranslation();
  const settings = useSite((s) => s.status?.settings);
  const updateSettings = useSite((s) => s.updateSettings);
  const [resetEnabled, setResetEnabled] = useState(false);
  const [totpRequired, setTotpRequired] = useState(false);
  const [threshold, setThreshold] = useState('5');
  const [minutes, setMinutes] = useState('15');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!settings) return;
    setResetEnabled(settings.passwordResetEnabled);
    setTotpRequired(settings.totpRequired);
    setThreshold(String(settings.lockoutThreshold));
    setMinutes(String(settings.lockoutMinutes));
  }, [settings]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await updateSettings({ passwordResetEnabled: resetEnabled, totpRequired, lockoutThreshold: Number(threshold), lockoutMinutes: Number(minutes) });
      setSaved(true);
      // Requiring two-step verification applies to this administrator too: ask where the login stands.
      if (totpRequired) void consoleApi.auth.restore();
    } catch (err) {
      setError(err);
    }
  };

  if (!settings) return null;
  return (
    <form onSubmit={submit} className="form card" aria-labelledby="users-settings-title">
      <h2 id="users-settings-title">{t('users.settings.title')}</h2>
      <label className="check">
        <input type="checkbox" checked={resetEnabled} onChange={(e) => setResetEnabled(e.target.checked)} />
        {t('users.settings.passwordReset')}
      </label>
      <label className="check">
        <input type="checkbox" checked={totpRequired} onChange={(e) => setTotpRequired(e.target.checked)} />
        {t('users.settings.totpRequired')}
      </label>
      <label>
        {t('users.settings.lockoutThreshold')}
        <input type="number" min={1} max={100} required value={threshold} onChange={(e) => setThreshold(e.target.value)} />
      </label>
      <label>
        {t('users.settings.lockoutMinutes')}
        <input type="number" min={1} max={1440} required value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <SuccessMessage text={saved ? t('common.saved') : null} />
      <ErrorMessage error={error} />
      <button type="submit">{t('users.settings.save')}</button>
    </form>
  );
}
