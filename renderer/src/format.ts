// The date formatter bound to the current language and the site's time zone (STA-1).
import { useTranslation } from 'react-i18next';
import { formatDateTime } from './dates.ts';
import { useSiteTimeZone } from './stores/site-store.ts';

export { formatDateTime, formatDay, formatDuration } from './dates.ts';

/** A formatter bound to the current language and the site's time zone. */
export function useDateTime(): (iso: string | null) => string {
  const { i18n } = useTranslation();
  const timeZone = useSiteTimeZone();
  const language = i18n.resolvedLanguage ?? 'en';
  return (iso) => formatDateTime(iso, language, timeZone);
}
