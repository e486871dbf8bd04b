// The Jump Clients tab (JMP-1..10): the installed Jump Clients, and the mass deployment wizard.
import { useTranslation } from 'react-i18next';
import './i18n.ts';
import { DeploymentWizard } from './DeploymentWizard.tsx';
import './jump-clients.css';
import { JumpClientsList } from './JumpClientsList.tsx';

export function JumpClientsPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="jump-title" className="panel">
      <h1 id="jump-title">{t('jump.title')}</h1>
      <p className="hint">{t('jump.intro')}</p>
      <JumpClientsList />
      <DeploymentWizard />
    </section>
  );
}
