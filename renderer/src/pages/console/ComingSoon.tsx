// An honest placeholder for areas not built yet: it says so, and offers nothing that pretends to work.
import { useTranslation } from 'react-i18next';

export function ComingSoon({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="coming-soon-title" className="panel">
      <h1 id="coming-soon-title">{t(titleKey)}</h1>
      <p className="coming-soon">{t('comingSoon.body')}</p>
    </section>
  );
}
