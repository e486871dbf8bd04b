// Create or edit a user (USR-2, USR-6, USR-7): every field of the account and its permissions.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { defaultRepPermissions, type Permissions, type UpdateUserBody, type UserView } from '../../../../src/protocol/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useDateTime } from '../../format.ts';
import { useUsers } from '../../stores/users-store.ts';
import { PermissionsFields } from './PermissionsFields.tsx';

interface Draft {
  username: string;
  displayName: string;
  password: string;
  expires: boolean;
  expiresOn: string;
  securityQuestion: string;
  securityAnswer: string;
  disabled: boolean;
  mustChangePassword: boolean;
  resetTotp: boolean;
  displayNumber: string;
  permissions: Permissions;
}

const emptyDraft: Draft = {
  username: '',
  displayName: '',
  password: '',
  expires: false,
  expiresOn: '',
  securityQuestion: '',
  securityAnswer: '',
  disabled: false,
  mustChangePassword: false,
  resetTotp: false,
  displayNumber: '',
  permissions: defaultRepPermissions,
};

const draftOf = (u: UserView): Draft => ({
  ...emptyDraft,
  username: u.username,
  displayName: u.displayName,
  expires: u.passwordExpiresOn !== null,
  expiresOn: u.passwordExpiresOn ?? '',
  securityQuestion: u.securityQuestion ?? '',
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
  displayNumber: String(u.displayNumber),
  permissions: u.permissions,
});

/** The body for the broker: only what the form means to set (blank password = keep it). */
function bodyOf(d: Draft, original: UserView | null): UpdateUserBody {
  const body: UpdateUserBody = {
    username: d.username,
    displayName: d.displayName,
    passwordExpiresOn: d.expires ? d.expiresOn : null,
    disabled: d.disabled,
    mustChangePassword: d.mustChangePassword,
    permissions: d.permissions,
  };
  if (d.password) body.password = d.password;
  if (d.resetTotp) body.resetTotp = true;
  if (d.displayNumber.trim() !== '') body.displayNumber = Number(d.displayNumber);
  const question = d.securityQuestion.trim();
  if (d.securityAnswer) {
    body.securityQuestion = question;
    body.securityAnswer = d.securityAnswer;
  } else if (original?.securityQuestion && question === '') {
    body.securityQuestion = null; // clearing the question removes the reset possibility
  } else if (question && question !== (original?.securityQuestion ?? '')) {
    body.securityQuestion = question; // the broker asks for an answer with a new question
  }
  return body;
}

export function UserForm({ userId }: { userId: number | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const dateTime = useDateTime();
  const create = useUsers((s) => s.create);
  const update = useUsers((s) => s.update);
  const [original, setOriginal] = useState<UserView | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (userId === null) return;
    consoleApi.users.get(userId).then((u) => {
      setOriginal(u);
      setDraft(draftOf(u));
    }, setError);
  }, [userId]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = bodyOf(draft, original);
      if (userId === null) {
        const { securityQuestion, ...rest } = body;
        await create({ ...rest, ...(securityQuestion ? { securityQuestion } : {}), username: draft.username, displayName: draft.displayName, password: draft.password });
      }
      else await update(userId, body);
      navigate('/console/users');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = userId === null ? t('users.form.createTitle') : t('users.form.editTitle', { username: original?.username ?? '' });
  if (userId !== null && !original) return error ? <ErrorMessage error={error} /> : <p className="loading">{t('common.loading')}</p>;
  return (
    <section aria-labelledby="user-form-title" className="panel">
      <h1 id="user-form-title">{title}</h1>
      <form onSubmit={submit} className="form user-form" aria-labelledby="user-form-title">
        <div className="column">
          <fieldset>
            <legend>{t('users.form.userSettings')}</legend>
            <label>
              {t('users.username')}
              <input required maxLength={64} autoComplete="off" value={draft.username} onChange={(e) => set('username', e.target.value)} />
            </label>
            <label>
              {t('users.displayName')}
              <input required maxLength={100} value={draft.displayName} onChange={(e) => set('displayName', e.target.value)} />
            </label>
            <label>
              {userId === null ? t('users.form.password') : t('users.form.newPassword')}
              <input type="password" autoComplete="new-password" required={userId === null} value={draft.password} onChange={(e) => set('password', e.target.value)} />
            </label>
            <p className="hint">{t('password.policyHint')}</p>
            <label className="check">
              <input type="checkbox" checked={!draft.expires} onChange={(e) => set('expires', !e.target.checked)} />
              {t('users.form.neverExpires')}
            </label>
            <label>
              {t('users.form.expiresOn')}
              <input type="date" disabled={!draft.expires} required={draft.expires} value={draft.expiresOn} onChange={(e) => set('expiresOn', e.target.value)} />
            </label>
            <label>
              {t('users.form.securityQuestion')}
              <input maxLength={200} value={draft.securityQuestion} onChange={(e) => set('securityQuestion', e.target.value)} />
            </label>
            <label>
              {t('users.form.securityAnswer')}
              <input maxLength={200} autoComplete="off" value={draft.securityAnswer} onChange={(e) => set('securityAnswer', e.target.value)} />
            </label>
            {original?.hasSecurityQuestion && <p className="hint">{t('users.form.answerKept')}</p>}
            <label>
              {t('users.form.displayNumber')}
              <input type="number" min={0} max={1000000} value={draft.displayNumber} onChange={(e) => set('displayNumber', e.target.value)} />
            </label>
          </fieldset>
          <fieldset>
            <legend>{t('users.form.accountSettings')}</legend>
            {original && (
              <p>
                {t('users.lastAuthentication')}: {original.lastAuthenticatedAt ? dateTime(original.lastAuthenticatedAt) : t('users.neverLoggedIn')}
              </p>
            )}
            <label className="check">
              <input type="checkbox" checked={draft.disabled} onChange={(e) => set('disabled', e.target.checked)} />
              {t('users.form.disabled')}
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.mustChangePassword} onChange={(e) => set('mustChangePassword', e.target.checked)} />
              {t('users.form.mustChangePassword')}
            </label>
            {original?.totpEnabled && (
              <label className="check">
                <input type="checkbox" checked={draft.resetTotp} onChange={(e) => set('resetTotp', e.target.checked)} />
                {t('users.form.resetTotp')}
              </label>
            )}
          </fieldset>
        </div>
        <PermissionsFields value={draft.permissions} onChange={(p) => set('permissions', p)} />
        <div className="form-end">
          <ErrorMessage error={error} overrides={{ own_account: t('users.ownAccountEdit'), conflict: t('users.usernameTaken') }} />
          <div className="actions">
            <Link to="/console/users">{t('common.cancel')}</Link>
            <button type="submit" disabled={busy}>
              {userId === null ? t('users.form.create') : t('common.save')}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}
