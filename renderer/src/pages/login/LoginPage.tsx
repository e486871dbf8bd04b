// /login (LOG-1): the login form; the forced password change when one is due (LOG-2); the
// "Forgot password?" link only when the site allows resets (LOG-3).
import { TotpCodeInput } from '../../components/FormFields.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import type { PublicSiteInfo } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { PasswordChangeForm } from '../../components/PasswordChangeForm.tsx';
import { TotpSetup } from '../../components/TotpSetup.tsx';
import { apiErrorOf } from '../../../../src/console-core/index.ts';
import { consoleApi } from '../../console-api.ts';
import { useSession, type LoginNotice } from '../../stores/session-store.ts';

export function LoginShell({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  return (
    <div className="login-shell">
      <header className="login-header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main className="login-card">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

function Notice({ notice }: { notice: LoginNotice }) {
  const { t } = useTranslation();
  if (!notice) return null;
  const role = notice === 'terminated' || notice === 'session_ended' ? 'alert' : 'status';
  return (
    <p role={role} className={`message ${role === 'alert' ? 'warning' : 'success'}`}>
      {t(`login.notice.${notice}`)}
    </p>
  );
}

function LoginForm() {
  const { t } = useTranslation();
  const login = useSession((s) => s.login);
  const notice = useSession((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // LOG-5: set once the broker asks for the authenticator's code; the password is kept for the retry.
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [site, setSite] = useState<PublicSiteInfo | null>(null);

  useEffect(() => {
    let live = true;
    consoleApi.auth.publicSiteInfo().then(
      (s) => live && setSite(s),
      () => live && setSite(null),
    );
    return () => {
      live = false;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, askCode ? code : undefined);
    } catch (err) {
      const errCode = apiErrorOf(err)?.code;
      if (errCode === 'totp_required') {
        setAskCode(true); // not an error: the next step of the login
        return;
      }
      setError(err);
      setCode('');
      if (errCode !== 'totp_invalid') {
        setAskCode(false);
        setPassword('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoginShell title={t('login.title')}>
      <Notice notice={notice} />
      <form onSubmit={submit} className="form" aria-label={t('login.title')}>
        <label>
          {t('login.username')}
          <input autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t('login.password')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {askCode && (
          <TotpCodeInput value={code} onChange={setCode} autoFocus describedBy="totp-hint" />
        )}
        {askCode && (
          <p id="totp-hint" className="hint">
            {t('login.totpHint')}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      {site?.passwordResetEnabled && (
        <p className="forgot">
          <Link to="/login/forgot">{t('login.forgot')}</Link>
        </p>
      )}
    </LoginShell>
  );
}

function ForcedPasswordChange() {
  const { t } = useTranslation();
  const passwordChanged = useSession((s) => s.passwordChanged);
  const logout = useSession((s) => s.logout);
  // The broker asks for a change for two reasons: an admin's "must change" flag, or an expired password.
  const expired = useSession((s) => s.user !== null && !s.user.mustChangePassword);
  return (
    <LoginShell title={t('forcedChange.title')}>
      <p>{expired ? t('forcedChange.expired') : t('forcedChange.intro')}</p>
      <PasswordChangeForm onChanged={passwordChanged} />
      <button type="button" className="link" onClick={() => void logout()}>
        {t('console.logout')}
      </button>
    </LoginShell>
  );
}

/** LOG-5: the site requires two-step verification and this account has none yet. */
function RequiredTotpSetup() {
  const { t } = useTranslation();
  const sessionUpdated = useSession((s) => s.sessionUpdated);
  const logout = useSession((s) => s.logout);
  return (
    <LoginShell title={t('totp.requiredTitle')}>
      <p>{t('totp.requiredIntro')}</p>
      <TotpSetup onDone={sessionUpdated} />
      <button type="button" className="link" onClick={() => void logout()}>
        {t('console.logout')}
      </button>
    </LoginShell>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const passwordChangeRequired = useSession((s) => s.passwordChangeRequired);
  const totpEnrollmentRequired = useSession((s) => s.totpEnrollmentRequired);
  const restore = useSession((s) => s.restore);
  useEffect(() => {
    void restore();
  }, [restore]);

  if (status === 'unknown' || status === 'restoring') return <p className="loading">{t('common.loading')}</p>;
  if (status === 'authenticated' && passwordChangeRequired) return <ForcedPasswordChange />;
  if (status === 'authenticated' && totpEnrollmentRequired) return <RequiredTotpSetup />;
  if (status === 'authenticated') return <Navigate to="/console" replace />;
  return <LoginForm />;
}
