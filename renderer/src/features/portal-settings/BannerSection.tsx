// One chat-banner section of the Support Portal page (POR-6 customer client, POR-7 presentation
// attendees): the banner in use, a preview of the chosen file, upload, revert to the default. The
// broker checks the file; its refusal reason is shown translated, with its exact words below.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BannerInfo, BannerKind } from '../../../../src/protocol/index.ts';
import { apiErrorOf } from '../../../../src/console-core/index.ts';
import { SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import i18n from '../../i18n/index.ts';

const reasonsEn = {
  empty: 'The file is empty.',
  not_bmp: 'This is not a Windows BMP file.',
  png_not_bmp: 'This is a PNG image renamed .bmp.',
  truncated: 'The file is cut short.',
  too_large: 'The file or the picture is too large.',
  header_size_mismatch: 'The file\'s header lies about its size.',
  unsupported_header: 'This kind of bitmap header is not supported.',
  bad_offset: 'The file\'s header points outside the file.',
  bad_palette: 'The colour palette is wrong.',
  wrong_depth: 'The bitmap must be 8-bit (256 colours).',
  compressed: 'The bitmap must not be compressed.',
  wrong_width: 'The bitmap must be exactly 480 pixels wide.',
  wrong_height: 'The bitmap must be 1 to 200 pixels high (40 recommended).',
  bad_planes: 'The file\'s header is wrong (colour planes).',
  bad_image_size: 'The file\'s header lies about the size of its pixels.',
};
const reasonsFr: typeof reasonsEn = {
  empty: 'Le fichier est vide.',
  not_bmp: 'Ce n\'est pas un fichier Bitmap Windows.',
  png_not_bmp: 'C\'est une image PNG renommée en .bmp.',
  truncated: 'Le fichier est tronqué.',
  too_large: 'Le fichier ou l\'image est trop grand.',
  header_size_mismatch: 'L\'en-tête du fichier ment sur sa taille.',
  unsupported_header: 'Ce type d\'en-tête Bitmap n\'est pas pris en charge.',
  bad_offset: 'L\'en-tête du fichier pointe hors du fichier.',
  bad_palette: 'La palette de couleurs est incorrecte.',
  wrong_depth: 'L\'image doit être en 8 bits (256 couleurs).',
  compressed: 'L\'image ne doit pas être compressée.',
  wrong_width: 'L\'image doit faire exactement 480 pixels de large.',
  wrong_height: 'L\'image doit faire de 1 à 200 pixels de haut (40 recommandés).',
  bad_planes: 'L\'en-tête du fichier est incorrect (plans de couleur).',
  bad_image_size: 'L\'en-tête du fichier ment sur la taille de ses pixels.',
};

i18n.addResourceBundle('en', 'translation', {
  banners: {
    customer_chat: 'Customer client :: Chat window banner',
    presentation: 'Presentation attendee :: Chat window banner',
    rule: 'A Windows bitmap (.bmp), 8-bit (256 colours), 480 pixels wide; 40 pixels high is recommended. New sessions use it; open sessions keep theirs.',
    current: 'Banner in use',
    currentDefault: 'Banner in use (default)',
    choose: 'Choose the file',
    preview: 'Preview of the chosen file',
    upload: 'Upload',
    revert: 'Revert to default',
    uploaded: 'Banner uploaded. New sessions will use it.',
    reverted: 'The default banner is back.',
    refused: 'Banner refused: {{reason}}',
    reasons: reasonsEn,
  },
}, true, false);
i18n.addResourceBundle('fr', 'translation', {
  banners: {
    customer_chat: 'Client d\'utilisateur :: Bannière de la fenêtre de messagerie instantanée',
    presentation: 'Client de participant à une présentation :: Bannière de la fenêtre de messagerie instantanée',
    rule: 'Un fichier Bitmap Windows (.bmp) 8 bits (256 couleurs), de 480 pixels de large ; hauteur recommandée : 40 pixels. Les nouvelles sessions l\'utilisent ; les sessions déjà ouvertes gardent la leur.',
    current: 'Bannière utilisée',
    currentDefault: 'Bannière utilisée (par défaut)',
    choose: 'Choisir le fichier',
    preview: 'Aperçu du fichier choisi',
    upload: 'Transférer',
    revert: 'Revenir au défaut',
    uploaded: 'Bannière transférée. Les nouvelles sessions l\'utiliseront.',
    reverted: 'La bannière par défaut est rétablie.',
    refused: 'Bannière refusée : {{reason}}',
    reasons: reasonsFr,
  },
}, true, false);

export function BannerSection({ kind }: { kind: BannerKind }) {
  const { t } = useTranslation();
  const headingId = useId();
  const inputId = useId();
  const [banner, setBanner] = useState<BannerInfo | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<{ summary: string; detail: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    consoleApi.portal.banners().then((v) => setBanner(v.banners.find((b) => b.kind === kind) ?? null), () => undefined);
  }, [kind]);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const act = async (f: () => Promise<BannerInfo>, ok: string) => {
    setBusy(true);
    setRefusal(null);
    setDone(null);
    try {
      setBanner(await f());
      setDone(ok);
      setFile(null);
    } catch (e) {
      const err = apiErrorOf(e);
      const reason = (err?.details as { reason?: string } | undefined)?.reason;
      const summary = reason ? t(`banners.reasons.${reason}`, { defaultValue: err?.message ?? '' }) : (err?.message ?? String(e));
      setRefusal({ summary: t('banners.refused', { reason: summary }), detail: err?.message ?? '' });
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void act(async () => consoleApi.portal.uploadBanner(kind, new Uint8Array(await file.arrayBuffer())), t('banners.uploaded'));
  };

  return (
    <section className="card banner-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(`banners.${kind}`)}</h2>
      <p className="hint">{t('banners.rule')}</p>
      {banner && (
        <figure>
          <img src={banner.url} width={banner.width} height={banner.height} alt={t(banner.custom ? 'banners.current' : 'banners.currentDefault')} className="banner-img" />
          <figcaption>
            {t(banner.custom ? 'banners.current' : 'banners.currentDefault')} — {banner.width} × {banner.height}
          </figcaption>
        </figure>
      )}
      <form onSubmit={submit} className="form">
        <label htmlFor={inputId}>{t('banners.choose')}</label>
        <input id={inputId} type="file" accept=".bmp,image/bmp" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {preview && (
          <figure>
            <img src={preview} alt={t('banners.preview')} className="banner-img" />
            <figcaption>{t('banners.preview')}</figcaption>
          </figure>
        )}
        {refusal && (
          <div role="alert" className="message error">
            <p>{refusal.summary}</p>
            <p className="detail">{refusal.detail}</p>
          </div>
        )}
        <SuccessMessage text={done} />
        <div className="actions">
          <button type="submit" disabled={!file || busy}>
            {t('banners.upload')}
          </button>
          <button type="button" className="secondary" disabled={busy || !banner?.custom} onClick={() => void act(() => consoleApi.portal.revertBanner(kind), t('banners.reverted'))}>
            {t('banners.revert')}
          </button>
        </div>
      </form>
    </section>
  );
}
