import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { Gallery } from './gallery.js';
import { PackagePage } from './package.js';
import { ConnectKibana } from './connect.js';
import { PageHeading } from './common.js';
import { connectHref, galleryHref, interceptLinks, useLocation } from './router.js';
import './styles.css';

function route(path: string): { page: 'gallery' } | { page: 'connect' } | { page: 'package'; name: string; version?: string } | { page: 'notfound' } {
  if (path === '/' || path === '') return { page: 'gallery' };
  if (path === '/connect' || path === '/connect/') return { page: 'connect' };
  const m = /^\/packages\/([a-z0-9_]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (m) return { page: 'package', name: m[1]!, version: m[2] ? decodeURIComponent(m[2]) : undefined };
  return { page: 'notfound' };
}

function App() {
  const loc = useLocation();
  const r = route(loc.path);
  const key = r.page === 'package' ? `${r.name}@${r.version ?? ''}` : r.page;

  useEffect(() => {
    if (r.page === 'gallery') document.title = 'Integrations · Package Storage';
  }, [key]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <div class="wrap">
          <a class="brand" href={galleryHref()}>
            <span class="brand-mark" aria-hidden="true">PS</span> Package Storage
          </a>
          <nav aria-label="Site">
            <a href={galleryHref()} aria-current={r.page === 'gallery' ? 'page' : undefined}>Integrations</a>
            <a href={connectHref()} aria-current={r.page === 'connect' ? 'page' : undefined}>Connect Kibana</a>
            <a href="/search">JSON API</a>
          </nav>
        </div>
      </header>
      <main id="main" class="wrap" tabIndex={-1}>
        {r.page === 'gallery' && <Gallery loc={loc} />}
        {r.page === 'package' && <PackagePage key={key} name={r.name} version={r.version} tab={loc.query.get('tab')} />}
        {r.page === 'connect' && <ConnectKibana />}
        {r.page === 'notfound' && (
          <div class="notfound">
            <PageHeading>
              Page not found
            </PageHeading>
            <p>
              <a href={galleryHref()}>Back to all integrations</a>
            </p>
          </div>
        )}
      </main>
      <footer class="site-footer">
        <div class="wrap">Served by this registry. No external requests.</div>
      </footer>
    </>
  );
}

interceptLinks();
render(<App />, document.getElementById('root')!);
