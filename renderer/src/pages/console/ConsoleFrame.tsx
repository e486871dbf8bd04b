// The console's frame: header (who, connection, language, log out), the tabs, and the page.
// Only a complete login reaches it; anything else goes back to /login.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import type { ConnectionState } from '../../../../src/console-core/index.ts';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { consoleApi } from '../../console-api.ts';
import { consoleRoutes } from '../../routes.tsx';
import { useSession } from '../../stores/session-store.ts';
import { useSite } from '../../stores/site-store.ts';
import { useUsers } from '../../stores/users-store.ts';
import { useReports } from '../../features/reports/reports-store.ts';

function ConnectionBadge() {
  const { t } = useTranslation();
  const [state, setState] = useState<ConnectionState>('CONNECTING');
  useEffect(() => {
    let live = true;
    void consoleApi.connection.state().then((s) => live && setState(s));
    const off = consoleApi.connection.onState(setState);
    return () => {
      live = false;
      off();
    };
  }, []);
  return (
    <span role="status" className={`connection connection-${state.toLowerCase()}`}>
      {t(`connection.${state}`)}
    </span>
  );
}

/**
 * Keyboard and screen-reader users land on the new page's content after following a tab,
 * and the window title names the tab.
 */
function usePageFocusAndTitle(main: React.RefObject<HTMLElement | null>) {
  const { t, i18n } = useTranslation();
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    const tab = consoleRoutes.find((r) => pathname.startsWith(`/console/${r.link ?? r.path.replace(/\/\*$/, '')}`));
    document.title = tab ? `${t(tab.labelKey)} — ${t('app.name')}` : t('app.name');
  }, [pathname, t, i18n.resolvedLanguage]);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname, main]);
}

export function ConsoleFrame() {
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);
  usePageFocusAndTitle(main);
  const status = useSession((s) => s.status);
  const user = useSession((s) => s.user);
  const passwordChangeRequired = useSession((s) => s.passwordChangeRequired);
  const totpEnrollmentRequired = useSession((s) => s.totpEnrollmentRequired);
  const restore = useSession((s) => s.restore);
  const logout = useSession((s) => s.logout);
  const refreshSite = useSite((s) => s.refresh);
  const clearSite = useSite((s) => s.clear);
  const clearUsers = useUsers((s) => s.clear);
  const clearReports = useReports((s) => s.clear);

  useEffect(() => {
    void restore();
  }, [restore]);

  const ready = status === 'authenticated' && !passwordChangeRequired && !totpEnrollmentRequired;
  useEffect(() => {
    // The site's time zone formats every date, so the status is loaded for every tab.
    if (ready) void refreshSite();
    else {
      clearSite();
      clearUsers();
      clearReports();
    }
  }, [ready, refreshSite, clearSite, clearUsers, clearReports]);

  if (status === 'unknown' || status === 'restoring') return <p className="loading">{t('common.loading')}</p>;
  if (!ready || !user) return <Navigate to="/login" replace />;

  const tabs = consoleRoutes.filter((r) => !r.visible || r.visible(user));
  return (
    <div className="console">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className="who">{t('console.loggedInAs', { name: user.displayName })}</span>
        <ConnectionBadge />
        <LanguageSwitch />
        <button type="button" onClick={() => void logout()}>
          {t('console.logout')}
        </button>
      </header>
      <nav aria-label={t('nav.label')} className="tabs">
        <ul>
          {tabs.map((r) => {
            const to = r.link ?? r.path.replace(/\/\*$/, '');
            return (
              <li key={r.path}>
                <NavLink to={`/console/${to}`}>{t(r.labelKey)}</NavLink>
              </li>
            );
          })}
        </ul>
      </nav>
      <main className="page" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
