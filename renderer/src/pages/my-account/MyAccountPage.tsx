// My Account (ACC-3..5): own password, display name, security question; plus the console
// downloads section (ACC-1, ACC-2) that the installers work fills in.
import { useAction } from '../../components/use-action.ts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { PasswordChangeForm } from '../../components/PasswordChangeForm.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';
import { ConsoleDownloads } from './ConsoleDownloads.tsx';
import { TwoStepSection } from './TwoStepSection.tsx';

/** Runs a save, tracking its error and success for the form's messages. */
function useSave() {
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setSaved(false);
    setSaved(await action.run(fn));
  };
  return { error: action.error, saved, busy: action.busy, run };
}

function DisplayNameForm() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const userUpdated = useSession((s) => s.userUpdated);
  const [name, setName] = useState(user?.displayName ?? '');
  const { error, saved, busy, run } = useSave();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => userUpdated(await consoleApi.me.updateProfile({ displayName: name })));
  };
  return (
    <form onSubmit={submit} className="form" aria-labelledby="display-name-title">
      <h2 id="display-name-title">{t('account.displayName.title')}</h2>
      <p className="hint">{t('account.displayName.hint')}</p>
      <label>
        {t('account.displayName.label')}
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <SuccessMessage text={saved ? t('common.saved') : null} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('account.displayName.submit')}
      </button>
    </form>
  );
}

function SecurityQuestionForm() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const userUpdated = useSession((s) => s.userUpdated);
  const [question, setQuestion] = useState(user?.securityQuestion ?? '');
  const [answer, setAnswer] = useState('');
  const [current, setCurrent] = useState('');
  const { error, saved, busy, run } = useSave();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      userUpdated(await consoleApi.me.updateProfile({ securityQuestion: question, securityAnswer: answer, currentPassword: current }));
      setAnswer('');
      setCurrent('');
    });
  };
  return (
    <form onSubmit={submit} className="form" aria-labelledby="security-title">
      <h2 id="security-title">{t('account.security.title')}</h2>
      <p className="hint">{t('account.security.hint')}</p>
      <label>
        {t('account.security.question')}
        <input required maxLength={200} value={question} onChange={(e) => setQuestion(e.target.value)} />
      </label>
      <label>
        {t('account.security.answer')}
        <input required maxLength={200} autoComplete="off" value={answer} onChange={(e) => setAnswer(e.target.value)} />
      </label>
      <label>
        {t('password.current')}
        <input type="password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <SuccessMessage text={saved ? t('common.saved') : null} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('account.security.submit')}
      </button>
    </form>
  );
}

export function MyAccountPage() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const passwordChanged = useSession((s) => s.passwordChanged);
  const [changed, setChanged] = useState(false);
  return (
    <section aria-labelledby="account-title" className="panel">
      <h1 id="account-title">{t('account.title')}</h1>
      <ConsoleDownloads />
      <div className="account-grid">
        <div className="card">
          <h2 id="password-title">{t('account.password.title')}</h2>
          <p>{t('account.password.user', { username: user?.username ?? '' })}</p>
          <SuccessMessage text={changed ? t('password.changed') : null} />
          <PasswordChangeForm
            onChanged={(u) => {
              passwordChanged(u);
              setChanged(true);
            }}
          />
        </div>
        <div className="card">
          <DisplayNameForm />
        </div>
        <div className="card">
          <SecurityQuestionForm />
        </div>
        <TwoStepSection />
      </div>
    </section>
  );
}
