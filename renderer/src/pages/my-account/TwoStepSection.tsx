// My Account: two-step verification with an authenticator app (LOG-5) — set it up, or turn it off
// (with the password and a current code; not when the site requires it).
import { TotpCodeInput } from '../../components/FormFields.tsx';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { TotpSetup } from '../../components/TotpSetup.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';

function DisableForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const userUpdated = useSession((s) => s.userUpdated);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      userUpdated(await consoleApi.me.disableTotp(password, code));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="form" aria-label={t('totp.disableLabel')}>
      <label>
        {t('password.current')}
        <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <TotpCodeInput value={code} onChange={setCode} />
      <ErrorMessage error={error} overrides={{ conflict: t('totp.siteRequires') }} />
      <button type="submit" className="danger">
        {t('totp.disable')}
      </button>
    </form>
  );
}

export function TwoStepSection() {
  const { t } = useTranslation();
  const enabled = useSession((s) => s.user?.totpEnabled ?? false);
  const sessionUpdated = useSession((s) => s.sessionUpdated);
  const [done, setDone] = useState<string | null>(null);
  return (
    <div className="card" role="region" aria-labelledby="two-step-title">
      <h2 id="two-step-title">{t('totp.title')}</h2>
      <p>{enabled ? t('totp.isOn') : t('totp.isOff')}</p>
      <SuccessMessage text={done} />
      {enabled ? (
        <DisableForm onDone={() => setDone(t('totp.turnedOff'))} />
      ) : (
        <TotpSetup
          onDone={(session) => {
            sessionUpdated(session);
            setDone(t('totp.turnedOn'));
          }}
        />
      )}
    </div>
  );
}
