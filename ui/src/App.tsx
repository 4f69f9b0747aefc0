/** The dashboard: the sign-in page without a session, else the page the URL names. */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { intake, type Me } from './api/intake';
import { sessionStore } from './api/session';
import { Link, parseRoute, paths, usePathname } from './lib/router';
import { usePageTitle } from './lib/usePageTitle';
import { Dashboard } from './pages/Dashboard';
import { FindingsPage } from './pages/FindingsPage';
import { ImportPage } from './pages/ImportPage';
import { SignIn } from './pages/SignIn';

/** Refresh the token this long before it expires (tokens live 15 minutes by default). */
const REFRESH_MARGIN_MS = 60_000;

export function App() {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  const pathname = usePathname();
  useTokenRefresh(session?.expiresAt ?? null);

  if (!session) return <SignIn notice={sessionStore.endedBecause()} />;
  const route = parseRoute(pathname);
  return (
    <Shell username={session.username}>
      {route.page === 'home' && <Dashboard />}
      {route.page === 'import' && <ImportPage key={route.key} importKey={route.key} />}
      {route.page === 'findings' && <FindingsPage clientId={route.clientId} reportId={route.reportId} />}
      {route.page === 'not-found' && <NotFound />}
    </Shell>
  );
}

/** Starts a new session shortly before this one expires, so an open dashboard stays signed in. */
function useTokenRefresh(expiresAt: string | null) {
  useEffect(() => {
    if (!expiresAt) return;
    const wait = Math.max(5_000, Date.parse(expiresAt) - Date.now() - REFRESH_MARGIN_MS);
    const timer = setTimeout(() => {
      const username = sessionStore.get()?.username ?? '';
      intake
        .refresh()
        .then((s) => sessionStore.set({ token: s.token, expiresAt: s.expires_at, username }))
        // A 401 has already ended the session; anything else is retried by the next API call's 401.
        .catch(() => {});
    }, wait);
    return () => clearTimeout(timer);
  }, [expiresAt]);
}

function Shell({ username, children }: { username: string; children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    intake.me().then(setMe, () => setMe(null));
  }, []);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={paths.home()} className="brand">
          Intake
        </Link>
        <nav aria-label="Account" className="account">
          <span className="who">
            {me?.email ?? username}
            {me && <span className="role">{me.role.toLowerCase().replace('_', '-')}</span>}
          </span>
          <button type="button" className="secondary on-dark" onClick={() => sessionStore.clear()}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}

function NotFound() {
  const heading = usePageTitle('Not found');
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Page not found
      </h1>
      <p>
        <Link to={paths.home()}>Go to the imports</Link>
      </p>
    </>
  );
}
