// Placeholder for "Download the console" and the MSI command builder (ACC-1, ACC-2). The
// installers work replaces this file; until then it says plainly that nothing is offered yet.
import { useTranslation } from 'react-i18next';

export function ConsoleDownloads() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="downloads-title" className="card">
      <h2 id="downloads-title">{t('account.downloads.title')}</h2>
      <p className="coming-soon">{t('account.downloads.preparing')}</p>
    </section>
  );
}
