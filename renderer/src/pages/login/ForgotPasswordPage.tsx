// LOG-3: reset a forgotten password by answering the security question. The broker gives one
// answer for every refusal (no such user, admin, no question), so the page does not guess why.
import { NewPasswordFields } from '../../components/FormFields.tsx';
import { useAction } from '../../components/use-action.ts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';
import { LoginShell } from './LoginPage.tsx';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const setNotice = useSession((s) => s.setNotice);
  const [username, setUsername] = useState('');
  const [question, setQuestion] = useState<string | null>(null);
  const [answer, setAnswer] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction();

  const askQuestion = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => setQuestion((await consoleApi.auth.requestPasswordReset(username)).securityQuestion));
  };

  const reset = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== confirm);
    if (next !== confirm) return;
    void run(async () => {
      await consoleApi.auth.resetPasswordWithAnswer({ username, answer, newPassword: next });
      setNotice('password_reset');
      navigate('/login');
    });
  };

  return (
    <LoginShell title={t('forgot.title')}>
      {question === null ? (
        <form onSubmit={askQuestion} className="form" aria-label={t('forgot.title')}>
          <label>
            {t('login.username')}
            <input autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('forgot.next')}
          </button>
        </form>
      ) : (
        <form onSubmit={reset} className="form" aria-label={t('forgot.title')}>
          <p>
            <strong>{t('forgot.question')}</strong> <span className="question">{question}</span>
          </p>
          <label>
            {t('forgot.answer')}
            <input required autoFocus autoComplete="off" value={answer} onChange={(e) => setAnswer(e.target.value)} />
          </label>
          <NewPasswordFields next={next} confirm={confirm} onNext={setNext} onConfirm={setConfirm} mismatch={mismatch} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('forgot.submit')}
          </button>
        </form>
      )}
      <p>
        <Link to="/login">{t('forgot.back')}</Link>
      </p>
    </LoginShell>
  );
}
