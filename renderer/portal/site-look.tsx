// POR-8: the site's logo, name and colours on the portal and the web chat, read once at start-up.
import { siteLookCssVariables, type SiteLook } from '../../src/protocol/portal-look.ts';
import { lang } from './strings.ts';

let current: SiteLook | null = null;

/** Fetches the look and sets its colours as CSS variables; the default stylesheet stands if it fails. */
export async function loadSiteLook(): Promise<void> {
  try {
    const res = await fetch('/api/v1/portal/look');
    if (!res.ok) return;
    current = (await res.json()) as SiteLook;
    const root = document.documentElement.style;
    for (const [name, value] of Object.entries(siteLookCssVariables(current.colours))) root.setProperty(name, value);
    document.title = current.title[lang];
  } catch {
    // Offline or an old broker: the portal works with its built-in look.
  }
}

/** The band at the top of the portal and the web chat: logo and site name. */
export function SiteHeader({ fallbackTitle }: { fallbackTitle: string }) {
  return (
    <header className="site-header">
      {current?.logo && <img src={current.logo.url} alt="" width={current.logo.width} height={current.logo.height} className="site-logo" />}
      <span className="site-name">{current?.title[lang] ?? fallbackTitle}</span>
    </header>
  );
}
