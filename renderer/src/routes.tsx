// The console's tabs, in the guide's order. This table is the extension point: a new area (the
// rep's queue and sessions, the Support Portal settings, Reports …) replaces or adds an entry
// here, and the nav and the router follow.
import type { ReactElement } from 'react';
import type { Me } from '../../src/protocol/index.ts';
import { PortalSettingsPage } from './features/portal-settings/PortalSettingsPage.tsx';
import { QueuePage } from './features/queue/QueuePage.tsx';
import { PresentPage } from './features/presentation/PresentPage.tsx';
import { ReportsPage } from './features/reports/ReportsPage.tsx';
import { JumpClientsPage } from './features/jump-clients/JumpClientsPage.tsx';
import { MyAccountPage } from './pages/my-account/MyAccountPage.tsx';
import { StatusPage } from './pages/status/StatusPage.tsx';
import { UsersPage } from './pages/users/UsersPage.tsx';

export interface ConsoleRoute {
  /** Path under /console; a trailing `/*` lets the page route inside itself. */
  path: string;
  /** Where the nav link goes (defaults to `path` without `/*`). */
  link?: string;
  /** i18n key of the nav label. */
  labelKey: string;
  element: ReactElement;
  /** Who sees the tab; the broker enforces the same rule on every request (USR-14). */
  visible?: (user: Me) => boolean;
}

const adminOnly = (u: Me) => u.permissions.administrator;

export const consoleRoutes: ConsoleRoute[] = [
  { path: 'queue', labelKey: 'nav.queue', element: <QueuePage /> },
  { path: 'present', labelKey: 'nav.present', element: <PresentPage /> },
  { path: 'status', labelKey: 'nav.status', element: <StatusPage /> },
  { path: 'my-account', labelKey: 'nav.myAccount', element: <MyAccountPage /> },
  { path: 'jump-clients', labelKey: 'nav.jumpClients', element: <JumpClientsPage /> },
  { path: 'users/*', link: 'users', labelKey: 'nav.users', element: <UsersPage />, visible: adminOnly },
  {
    path: 'reports/*',
    link: 'reports',
    labelKey: 'nav.reports',
    element: <ReportsPage />,
    visible: (u) => u.permissions.administrator || u.permissions.viewReports,
  },
  { path: 'support-portal', labelKey: 'nav.supportPortal', element: <PortalSettingsPage />, visible: adminOnly },
];
