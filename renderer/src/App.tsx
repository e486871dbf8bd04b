// The page's router: /login (and its forgot-password flow) and /console with its tabs.
// The desktop app loads the renderer from a file, where only hash URLs work.
import { Navigate, RouterProvider, createBrowserRouter, createHashRouter, type RouteObject } from 'react-router';
import { ConsoleFrame } from './pages/console/ConsoleFrame.tsx';
import { ForgotPasswordPage } from './pages/login/ForgotPasswordPage.tsx';
import { LoginPage } from './pages/login/LoginPage.tsx';
import { consoleRoutes } from './routes.tsx';
import { useSession } from './stores/session-store.ts';

/** Reps land on their queue; administrators, who mostly administer, on Status. */
function Landing() {
  const admin = useSession((s) => s.user?.permissions.administrator ?? false);
  return <Navigate to={admin ? 'status' : 'queue'} replace />;
}

const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/login/forgot', element: <ForgotPasswordPage /> },
  {
    path: '/console',
    element: <ConsoleFrame />,
    children: [
      { index: true, element: <Landing /> },
      ...consoleRoutes.map((r) => ({ path: r.path, element: r.element })),
    ],
  },
  { path: '*', element: <Navigate to="/login" replace /> },
];

const router = window.location.protocol === 'file:' ? createHashRouter(routes) : createBrowserRouter(routes);

export function App() {
  return <RouterProvider router={router} />;
}
