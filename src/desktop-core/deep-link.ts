// `passerelle://` links (for example from a notification e-mail or a ticket): what the console opens.
//   passerelle://session/<LSID>           open a support session
//   passerelle://console[/<page>]          open the console (status, my-account, users, ...)
// Anything else is refused, so a web page cannot drive the console to arbitrary places.

export type DeepLink = { kind: 'session'; sessionId: string } | { kind: 'page'; page: string };

export const PROTOCOL = 'passerelle';
const PAGES = new Set(['', 'status', 'my-account', 'jump-clients', 'users', 'reports', 'support-portal']);

export function parseDeepLink(raw: string): DeepLink | null {
  if (typeof raw !== 'string' || raw.length > 512) return null;
  if (/\/\.\.?(?:[/?#]|$)/.test(raw)) return null; // URL() would quietly resolve dot segments
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${PROTOCOL}:` || url.username || url.password || url.port) return null;
  const parts = url.pathname.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return '\u0000'; } });
  if (url.hostname === 'session') {
    const id = parts[0];
    if (parts.length !== 1 || !id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
    return { kind: 'session', sessionId: id };
  }
  if (url.hostname === 'console') {
    const page = parts[0] ?? '';
    if (parts.length > 1 || !PAGES.has(page)) return null;
    return { kind: 'page', page };
  }
  return null;
}

/** The renderer route for a link (the web console's paths). */
export function routeFor(link: DeepLink): string {
  return link.kind === 'session' ? `/console/sessions/${encodeURIComponent(link.sessionId)}` : link.page ? `/console/${link.page}` : '/console';
}

/** The link among a second instance's command line (Windows and Linux pass it as an argument). */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (arg.toLowerCase().startsWith(`${PROTOCOL}://`)) return parseDeepLink(arg);
  }
  return null;
}
