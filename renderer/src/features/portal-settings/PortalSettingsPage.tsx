// The Support Portal page (administrators): which start methods the public portal shows — rep
// list (POR-1), session key form (POR-3), Connect button (POR-4), presentation list (POR-2) — click-to-chat (POR-5), how long
// session keys last, and whether the customer client may approve requests by itself.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PortalSettings } from '../../../../src/protocol/index.ts';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import i18n from '../../i18n/index.ts';
import { BannerSection } from './BannerSection.tsx';
import { SiteLookSection } from './SiteLookSection.tsx';

i18n.addResourceBundle('en', 'translation', {
  portalSettings: {
    title: 'Support Portal',
    methods: 'Session start methods',
    showRepList: 'Show the list of representatives',
    showSessionKeyForm: 'Show the session key form',
    showConnectButton: 'Show the Connect button',
    showPresentationList: 'Show the list of presentations (a presentation key still works when hidden)',
    connectWho: 'Connect gives the customer to the logged-in representative with the fewest running sessions. Administrators count only when no other representative is logged in; with nobody logged in, the session waits in the general queue.',
    clickToChat: 'Start sessions with click-to-chat (a web chat before the full client)',
    allowCustomerAutoApprove: 'Let the customer client approve requests by itself (--yes)',
    sessionKeyMinutes: 'Session keys are valid for (minutes)',
    save: 'Save',
    open: 'Open the support portal',
  },
}, true, false);
i18n.addResourceBundle('fr', 'translation', {
  portalSettings: {
    title: 'Portail d\'assistance',
    methods: 'Méthodes de démarrage de session',
    showRepList: 'Afficher la liste des techniciens',
    showSessionKeyForm: 'Afficher le formulaire de clé de session',
    showConnectButton: 'Afficher le bouton Se connecter',
    showPresentationList: 'Afficher la liste des présentations (une clé de présentation reste valable si elle est masquée)',
    connectWho: 'Se connecter confie le client au technicien connecté qui a le moins de sessions en cours. Les administrateurs ne comptent que si aucun autre technicien n\'est connecté ; si personne ne l\'est, la session attend dans la file générale.',
    clickToChat: 'Démarrer les sessions avec Cliquer-pour-messagerie (discussion web avant le client complet)',
    allowCustomerAutoApprove: 'Laisser le client d\'utilisateur approuver les demandes seul (--yes)',
    sessionKeyMinutes: 'Durée de validité des clés de session (minutes)',
    save: 'Enregistrer',
    open: 'Ouvrir le portail d\'assistance',
  },
}, true, false);

const switches = ['showRepList', 'showSessionKeyForm', 'showConnectButton', 'showPresentationList', 'clickToChat', 'allowCustomerAutoApprove'] as const;

export function PortalSettingsPage() {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<PortalSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    consoleApi.portal.settings().then(setSettings, setError);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!settings) return;
    setError(null);
    setSaved(false);
    try {
      setSettings(await consoleApi.portal.updateSettings(settings));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="panel">
      <h1>{t('portalSettings.title')}</h1>
      <p>
        <a href="/" target="_blank" rel="noreferrer">
          {t('portalSettings.open')}
        </a>
      </p>
      <ErrorMessage error={error} />
      {settings && (
        <form onSubmit={submit} className="form card" aria-labelledby="portal-methods">
          <h2 id="portal-methods">{t('portalSettings.methods')}</h2>
          {switches.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" checked={settings[k]} onChange={(e) => setSettings({ ...settings, [k]: e.target.checked })} />
              {t(`portalSettings.${k}`)}
            </label>
          ))}
          <p className="hint">{t('portalSettings.connectWho')}</p>
          <label>
            {t('portalSettings.sessionKeyMinutes')}
            <input
              type="number"
              min={1}
              max={1440}
              required
              value={settings.sessionKeyMinutes}
              onChange={(e) => setSettings({ ...settings, sessionKeyMinutes: Number(e.target.value) })}
            />
          </label>
          <SuccessMessage text={saved ? t('common.saved') : null} />
          <button type="submit">{t('portalSettings.save')}</button>
        </form>
      )}
      <BannerSection kind="customer_chat" />
      <BannerSection kind="presentation" />
      <SiteLookSection />
    </div>
  );
}
