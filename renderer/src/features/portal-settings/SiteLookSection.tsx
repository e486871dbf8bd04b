// The site's look on the Support Portal page (POR-8): logo, title (French and English) and colours of
// the public portal and the customer's chat page, with a live preview and the WCAG AA contrast of
// each pair computed as the colours change. The broker refuses colours that fail, too.
import { useEffect, useId, useState, type CSSProperties, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contrastChecks, defaultSiteColours, siteLookCssVariables, type SiteColours, type SiteLook } from '../../../../src/protocol/index.ts';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import i18n from '../../i18n/index.ts';

const colourKeys = ['background', 'text', 'accent', 'accentText', 'header', 'headerText'] as const satisfies readonly (keyof SiteColours)[];

i18n.addResourceBundle('en', 'translation', {
  siteLook: {
    title: 'Site look: logo and colours',
    hint: 'The public portal and the customer\'s chat page use these. Text must stay readable: WCAG AA asks 4.5:1 for text and 3:1 for a button against the page.',
    siteTitleEn: 'Site name (English)',
    siteTitleFr: 'Site name (French)',
    colours: {
      background: 'Page background',
      text: 'Text',
      accent: 'Buttons and links',
      accentText: 'Text on buttons',
      header: 'Header band',
      headerText: 'Text on the header band',
    },
    contrast: 'Contrast check (WCAG AA)',
    pairs: {
      text_on_background: 'Text on the page',
      accent_text_on_accent: 'Text on buttons',
      header_text_on_header: 'Text on the header band',
      accent_on_background: 'Buttons against the page',
    },
    pass: 'passes',
    fail: 'fails',
    ratio: '{{ratio}}:1 (needs {{required}}:1)',
    preview: 'Live preview',
    previewIntro: 'Start a support session with a representative.',
    previewButton: 'Connect to a representative',
    previewLink: 'A link',
    save: 'Save the look',
    saved: 'Saved. The portal uses the new look.',
    cannotSave: 'Fix the contrast first: {{count}} pair(s) fail WCAG AA.',
    logo: 'Logo (PNG, at most 600 × 200 pixels)',
    uploadLogo: 'Upload the logo',
    logoSaved: 'Logo uploaded.',
    reset: 'Back to the default look',
    resetDone: 'The default look is back.',
    logoAlt: 'Site logo',
  },
}, true, false);
i18n.addResourceBundle('fr', 'translation', {
  siteLook: {
    title: 'Apparence du site : logo et couleurs',
    hint: 'Le portail public et la page de messagerie du client les utilisent. Le texte doit rester lisible : WCAG AA demande 4,5:1 pour le texte et 3:1 pour un bouton sur la page.',
    siteTitleEn: 'Nom du site (anglais)',
    siteTitleFr: 'Nom du site (français)',
    colours: {
      background: 'Fond de page',
      text: 'Texte',
      accent: 'Boutons et liens',
      accentText: 'Texte des boutons',
      header: 'Bandeau d\'en-tête',
      headerText: 'Texte du bandeau',
    },
    contrast: 'Vérification du contraste (WCAG AA)',
    pairs: {
      text_on_background: 'Texte sur la page',
      accent_text_on_accent: 'Texte des boutons',
      header_text_on_header: 'Texte du bandeau',
      accent_on_background: 'Boutons sur la page',
    },
    pass: 'conforme',
    fail: 'insuffisant',
    ratio: '{{ratio}}:1 (minimum {{required}}:1)',
    preview: 'Aperçu en direct',
    previewIntro: 'Démarrez une session d\'assistance avec un technicien.',
    previewButton: 'Se connecter à un technicien',
    previewLink: 'Un lien',
    save: 'Enregistrer l\'apparence',
    saved: 'Enregistré. Le portail utilise la nouvelle apparence.',
    cannotSave: 'Corrigez d\'abord le contraste : {{count}} paire(s) ne respectent pas WCAG AA.',
    logo: 'Logo (PNG, 600 × 200 pixels au plus)',
    uploadLogo: 'Transférer le logo',
    logoSaved: 'Logo transféré.',
    reset: 'Revenir à l\'apparence par défaut',
    resetDone: 'L\'apparence par défaut est rétablie.',
    logoAlt: 'Logo du site',
  },
}, true, false);

export function SiteLookSection() {
  const { t, i18n: { resolvedLanguage } } = useTranslation();
  const headingId = useId();
  const logoId = useId();
  const [look, setLook] = useState<SiteLook | null>(null);
  const [colours, setColours] = useState<SiteColours>(defaultSiteColours);
  const [title, setTitle] = useState({ en: '', fr: '' });
  const [logoFile, setLogoFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const apply = (l: SiteLook) => {
    setLook(l);
    setColours(l.colours);
    setTitle(l.title);
  };
  useEffect(() => {
    consoleApi.portal.look().then(apply, setError);
  }, []);

  const checks = contrastChecks(colours);
  const failing = checks.filter((c) => !c.ok).length;
  const fmt = (n: number) => n.toLocaleString(resolvedLanguage === 'fr' ? 'fr-FR' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  const run = async (f: () => Promise<SiteLook>, ok: string) => {
    setError(null);
    setDone(null);
    try {
      apply(await f());
      setDone(ok);
    } catch (e) {
      setError(e);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (failing > 0) return;
    void run(() => consoleApi.portal.updateLook({ colours, title }), t('siteLook.saved'));
  };

  const previewStyle = siteLookCssVariables(colours) as CSSProperties;
  const previewTitle = (resolvedLanguage === 'fr' ? title.fr : title.en) || (resolvedLanguage === 'fr' ? 'Assistance à distance' : 'Remote support');

  return (
    <section className="card site-look" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('siteLook.title')}</h2>
      <p className="hint">{t('siteLook.hint')}</p>
      <form className="form" onSubmit={submit}>
        <div className="site-look-grid">
          {/* Disabled until the saved look is in: it replaced what an admin typed before it loaded. */}
          <fieldset disabled={!look} aria-busy={!look}>
            <label>
              {t('siteLook.siteTitleEn')}
              <input value={title.en} maxLength={80} onChange={(e) => setTitle({ ...title, en: e.target.value })} />
            </label>
            <label>
              {t('siteLook.siteTitleFr')}
              <input value={title.fr} maxLength={80} onChange={(e) => setTitle({ ...title, fr: e.target.value })} />
            </label>
            {colourKeys.map((k) => (
              <div key={k} className="colour">
                <label>
                  <input type="color" value={colours[k]} onChange={(e) => setColours({ ...colours, [k]: e.target.value })} />
                  {t(`siteLook.colours.${k}`)}
                </label>
                <code>{colours[k]}</code>
              </div>
            ))}
          </fieldset>
          <div>
            <h3>{t('siteLook.preview')}</h3>
            <div className="look-preview" style={previewStyle} role="figure" aria-label={t('siteLook.preview')} data-testid="look-preview">
              <div className="look-preview-header">
                {look?.logo && <img src={look.logo.url} alt={t('siteLook.logoAlt')} height={24} />}
                <strong>{previewTitle}</strong>
              </div>
              <p>{t('siteLook.previewIntro')}</p>
              <p>
                <span className="look-preview-button">{t('siteLook.previewButton')}</span> <span className="look-preview-link">{t('siteLook.previewLink')}</span>
              </p>
            </div>
            <h3>{t('siteLook.contrast')}</h3>
            <ul className="contrast-list" aria-label={t('siteLook.contrast')}>
              {checks.map((c) => (
                <li key={c.pair} className={c.ok ? 'ok' : 'fail'}>
                  <span className="swatch" style={{ background: c.background, color: c.foreground }} aria-hidden="true">
                    Aa
                  </span>{' '}
                  {t(`siteLook.pairs.${c.pair}`)}: {t('siteLook.ratio', { ratio: fmt(c.ratio), required: fmt(c.required) })} — <strong>{t(c.ok ? 'siteLook.pass' : 'siteLook.fail')}</strong>
                </li>
              ))}
            </ul>
          </div>
        </div>
        {failing > 0 && (
          <p role="alert" className="message error">
            {t('siteLook.cannotSave', { count: failing })}
          </p>
        )}
        <ErrorMessage error={error} />
        <SuccessMessage text={done} />
        <div className="actions">
          <button type="submit" disabled={!look || failing > 0}>
            {t('siteLook.save')}
          </button>
          <button type="button" className="secondary" onClick={() => void run(() => consoleApi.portal.resetLook(), t('siteLook.resetDone'))}>
            {t('siteLook.reset')}
          </button>
        </div>
      </form>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (logoFile) void run(async () => consoleApi.portal.uploadLogo(new Uint8Array(await logoFile.arrayBuffer())), t('siteLook.logoSaved'));
        }}
      >
        <label htmlFor={logoId}>{t('siteLook.logo')}</label>
        <input id={logoId} type="file" accept=".png,image/png" onChange={(e) => setLogoFile(e.target.files?.[0] ?? null)} />
        <div className="actions">
          <button type="submit" disabled={!logoFile}>
            {t('siteLook.uploadLogo')}
          </button>
        </div>
      </form>
    </section>
  );
}
