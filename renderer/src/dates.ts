// Dates and durations as the console shows them: always in the site's time zone (STA-1) and in
// the interface language. Pure functions (unit-tested under Node); the hook is in format.ts.

export function formatDateTime(iso: string | null, language: string, timeZone: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
  } catch {
    // An unknown zone name must not blank the page; fall back to the browser's zone.
    return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
}

/** A calendar date stored as YYYY-MM-DD (no zone: it is a day, not an instant). */
export function formatDay(day: string, language: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
