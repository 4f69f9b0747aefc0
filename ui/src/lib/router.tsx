/**
 * A small history router for the dashboard's three pages, all under /ui/. The server answers
 * every /ui/* path with index.html, so a reload or a shared link lands on the same page.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export const BASE = '/ui';

export type Route =
  | { page: 'home' }
  | { page: 'import'; key: string }
  | { page: 'findings'; clientId: number; reportId: number }
  | { page: 'not-found' };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'home' };
  if (parts[0] === 'imports' && parts.length === 2) return { page: 'import', key: parts[1]! };
  if (parts[0] === 'clients' && parts[2] === 'reports' && parts[4] === 'findings' && parts.length === 5) {
    const clientId = Number(parts[1]);
    const reportId = Number(parts[3]);
    if (Number.isInteger(clientId) && Number.isInteger(reportId)) return { page: 'findings', clientId, reportId };
  }
  return { page: 'not-found' };
}

export const paths = {
  home: () => `${BASE}/`,
  import: (key: string) => `${BASE}/imports/${encodeURIComponent(key)}`,
  findings: (clientId: number, reportId: number) => `${BASE}/clients/${clientId}/reports/${reportId}/findings`,
};

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(to: string): void {
  if (to === location.pathname) return;
  history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/** An ordinary link (open in new tab, copy link all work) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  function handle(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handle} {...rest} />;
}
