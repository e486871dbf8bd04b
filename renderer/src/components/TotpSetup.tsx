// Setting up two-step verification (LOG-5): confirm the password, scan the QR code (or type the
// secret) into an authenticator app, then prove it with a first code.
import { TotpCodeInput } from './FormFields.tsx';
import { useAction } from './use-action.ts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleSession } from '../../../src/console-core/index.ts';
import type { TotpSetupResult } from '../../../src/protocol/index.ts';
import { consoleApi } from '../console-api.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

/** The QR code as an image: the broker's SVG markup never enters the page's DOM as markup. */
const qrSource = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

export function TotpSetup({ onDone }: { onDone(session: ConsoleSession): void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [setup, setSetup] = useState<TotpSetupResult | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, run } = useAction();

  const start = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setSetup(await consoleApi.me.startTotpSetup(password));
      setPassword('');
    });
  };

  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => onDone(await consoleApi.me.confirmTotpSetup(code)));
  };

  if (!setup) {
    return (
      <form onSubmit={start} className="form" aria-label={t('totp.startLabel')}>
        <p className="hint">{t('totp.intro')}</p>
        <label>
          {t('password.current')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('totp.start')}
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={confirm} className="form" aria-label={t('totp.confirmLabel')}>
      <p>{t('totp.scan')}</p>
      <img className="qr" src={qrSource(setup.qrSvg)} alt={t('totp.qrAlt')} width={200} height={200} />
      <p>
        {t('totp.secret')} <code className="mono">{setup.secret}</code>
      </p>
      <TotpCodeInput value={code} onChange={setCode} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('totp.confirm')}
      </button>
    </form>
  );
}
