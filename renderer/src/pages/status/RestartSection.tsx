// STA-4: restart the site software (administrators, confirmed). The guide advises doing it only
// when support asks; every console and customer connection drops and comes back.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';

export function RestartSection() {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [requested, setRequested] = useState(false);

  const restart = async () => {
    setAsking(false);
    setError(null);
    setRequested(false);
    try {
      await consoleApi.site.restart();
      setRequested(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="restart-title" className="card">
      <h2 id="restart-title">{t('status.restart.title')}</h2>
      <p className="hint">{t('status.restart.hint')}</p>
      <SuccessMessage text={requested ? t('status.restart.requested') : null} />
      <ErrorMessage error={error} overrides={{ conflict: t('status.restart.embedded') }} />
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {t('status.restart.button')}
      </button>
      <ConfirmDialog
        open={asking}
        title={t('status.restart.confirmTitle')}
        confirmLabel={t('status.restart.button')}
        onConfirm={() => void restart()}
        onCancel={() => setAsking(false)}
      >
        <p>{t('status.restart.confirmBody')}</p>
      </ConfirmDialog>
    </section>
  );
}
