// Fields several forms share: the authenticator code (LOG-5), and a new password typed twice with
// the policy hint (ACC-3, LOG-2, LOG-3).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export function TotpCodeInput(p: { value: string; onChange(code: string): void; autoFocus?: boolean; describedBy?: string }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('login.totpCode')}
      <input
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        autoFocus={p.autoFocus}
        value={p.value}
        onChange={(e) => p.onChange(e.target.value.replace(/\D/g, ''))}
        aria-describedby={p.describedBy}
      />
    </label>
  );
}

export function NewPasswordFields(p: {
  next: string;
  confirm: string;
  onNext(value: string): void;
  onConfirm(value: string): void;
  /** Shown once a submit found the two entries different. */
  mismatch: boolean;
}) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <>
      <label>
        {t('password.new')}
        <input type="password" autoComplete="new-password" required value={p.next} onChange={(e) => p.onNext(e.target.value)} aria-describedby={hintId} />
      </label>
      <label>
        {t('password.confirm')}
        <input type="password" autoComplete="new-password" required value={p.confirm} onChange={(e) => p.onConfirm(e.target.value)} />
      </label>
      <p id={hintId} className="hint">
        {t('password.policyHint')}
      </p>
      {p.mismatch && (
        <p role="alert" className="message error">
          {t('password.mismatch')}
        </p>
      )}
    </>
  );
}
