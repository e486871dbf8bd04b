// An error as an alert the screen reader announces, with password-policy reasons as a list.
import { useTranslation } from 'react-i18next';
import { errorText, type ErrorOverrides } from '../errors.ts';

export function ErrorMessage({ error, overrides }: { error: unknown; overrides?: ErrorOverrides }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { message, reasons } = errorText(t, error, overrides);
  return (
    <div role="alert" className="message error">
      <p>{message}</p>
      {reasons.length > 0 && (
        <ul>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SuccessMessage({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="status" className="message success">
      {text}
    </p>
  );
}
