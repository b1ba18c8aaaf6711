// A tiny History-API router for paths under /app/.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';

export interface Loc {
  path: string; // path below /app, always starting with '/'
  query: URLSearchParams;
}

function current(): Loc {
  let p = window.location.pathname;
  p = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  if (!p.startsWith('/')) p = '/' + p;
  return { path: p, query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

/** Set when the page (path) changed: the next page heading that mounts takes the focus. */
let pendingFocus = false;
export function takePendingFocus(): boolean {
  const p = pendingFocus;
  pendingFocus = false;
  return p;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const before = window.location.pathname;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  const samePage = new URL(to, window.location.href).pathname === before;
  if (!samePage) {
    pendingFocus = true;
    if (!opts.replace) window.scrollTo(0, 0);
  }
  for (const l of listeners) l();
}

export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = () => setLoc(current());
    const onPop = () => {
      pendingFocus = true;
      on();
    };
    listeners.add(on);
    window.addEventListener('popstate', onPop);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  return loc;
}

/** Route plain left clicks on same-origin /app links through the router. */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname !== BASE && !url.pathname.startsWith(BASE + '/')) return;
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}

export const galleryHref = (params?: URLSearchParams) => {
  const q = params?.toString();
  return `${BASE}/${q ? `?${q}` : ''}`;
};
export const packageHref = (name: string, version?: string) =>
  version ? `${BASE}/packages/${name}/${encodeURIComponent(version)}` : `${BASE}/packages/${name}`;
export const connectHref = () => `${BASE}/connect`;
