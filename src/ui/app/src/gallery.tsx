import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  categoriesUrl, getJson, searchUrl, validKibanaVersion,
  type Category, type Filters, type SearchItem,
} from './api.js';
import { ErrorBox, Loading, PackageIcon, PageHeading, ReleaseBadge } from './common.js';
import { useAsync } from './hooks.js';
import { galleryHref, navigate, packageHref, type Loc } from './router.js';

export const PAGE_SIZE = 48;

function filtersOf(q: URLSearchParams): Filters {
  const kibana = q.get('kibana') ?? '';
  return {
    prerelease: q.get('prerelease') === 'true',
    kibana: validKibanaVersion(kibana) ? kibana : '',
    category: q.get('category') ?? '',
  };
}

interface CatNode extends Category {
  children: Category[];
}

function categoryTree(cats: Category[]): CatNode[] {
  const roots = new Map<string, CatNode>();
  for (const c of cats) if (!c.parent_id) roots.set(c.id, { ...c, children: [] });
  const orphans: CatNode[] = [];
  for (const c of cats) {
    if (!c.parent_id) continue;
    const parent = roots.get(c.parent_id);
    if (parent) parent.children.push(c);
    else orphans.push({ ...c, children: [] });
  }
  const all = [...roots.values(), ...orphans];
  all.sort((a, b) => a.title.localeCompare(b.title));
  for (const n of all) n.children.sort((a, b) => a.title.localeCompare(b.title));
  return all;
}

export function Gallery({ loc }: { loc: Loc }) {
  const q = loc.query;
  const filters = filtersOf(q);
  const text = q.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);

  const sUrl = searchUrl(filters);
  const cUrl = categoriesUrl(filters);
  const results = useAsync<SearchItem[]>(sUrl, (s) => getJson<SearchItem[]>(sUrl, s));
  const cats = useAsync<Category[]>(cUrl, (s) => getJson<Category[]>(cUrl, s));

  // Update the URL (the single source of the gallery's state). Text typing replaces the history entry.
  const update = (changes: Record<string, string | null>, replace = false) => {
    const next = new URLSearchParams(q);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    navigate(galleryHref(next), { replace });
  };

  const terms = useMemo(() => text.toLowerCase().split(/\s+/).filter(Boolean), [text]);
  // Sorted once per result set, with the lower-cased search text precomputed; each keystroke is one linear scan.
  const sorted = useMemo(() => {
    if (results.state !== 'ok') return [];
    const collator = new Intl.Collator('en', { sensitivity: 'base' });
    return results.value
      .map((item) => ({ item, hay: `${item.name} ${item.title ?? ''} ${item.description}`.toLowerCase() }))
      .sort((a, b) => collator.compare(a.item.title ?? a.item.name, b.item.title ?? b.item.name) || (a.item.name < b.item.name ? -1 : 1));
  }, [results]);
  const filtered = useMemo(
    () => (terms.length === 0 ? sorted.map((x) => x.item) : sorted.filter((x) => terms.every((t) => x.hay.includes(t))).map((x) => x.item)),
    [sorted, terms],
  );
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const shown = filtered.slice((Math.min(page, pages) - 1) * PAGE_SIZE, Math.min(page, pages) * PAGE_SIZE);

  // Kibana version: typed freely, applied when valid (debounced) or cleared.
  const [kibanaInput, setKibanaInput] = useState(q.get('kibana') ?? '');
  const kibanaInvalid = kibanaInput !== '' && !validKibanaVersion(kibanaInput);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setKibanaInput(q.get('kibana') ?? ''), [q.get('kibana')]);
  const onKibana = (v: string) => {
    setKibanaInput(v);
    window.clearTimeout(timer.current);
    const t = v.trim();
    if (t === '' || validKibanaVersion(t)) timer.current = window.setTimeout(() => update({ kibana: t }, true), 350);
  };

  const selectedCat = filters.category;
  const catTitle = cats.state === 'ok' ? cats.value.find((c) => c.id === selectedCat)?.title ?? selectedCat : selectedCat;

  return (
    <div class="gallery">
      <div class="gallery-head">
        <PageHeading>
          Integrations
        </PageHeading>
        <p class="lead">Browse the packages published to this registry.</p>
      </div>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-grow">
          <label for="search">Search packages</label>
          <input
            id="search"
            type="search"
            placeholder="Name, title or description"
            value={text}
            autocomplete="off"
            onInput={(e) => update({ q: (e.currentTarget as HTMLInputElement).value }, true)}
          />
        </div>
        <div class="field">
          <label for="kibana">Kibana version</label>
          <input
            id="kibana"
            inputMode="decimal"
            placeholder="e.g. 8.15.0"
            value={kibanaInput}
            aria-invalid={kibanaInvalid}
            aria-describedby="kibana-help"
            onInput={(e) => onKibana((e.currentTarget as HTMLInputElement).value)}
          />
          <span id="kibana-help" class={kibanaInvalid ? 'help help-error' : 'help'}>
            {kibanaInvalid ? 'Use a version like 8.15.0' : 'Only compatible packages'}
          </span>
        </div>
        <div class="field field-check">
          <input
            id="prerelease"
            type="checkbox"
            checked={filters.prerelease}
            onChange={(e) => update({ prerelease: (e.currentTarget as HTMLInputElement).checked ? 'true' : null })}
          />
          <label for="prerelease">Show prereleases</label>
        </div>
      </form>

      <div class="gallery-body">
        <nav class="categories" aria-labelledby="cat-heading">
          <h2 id="cat-heading">Categories</h2>
          {cats.state === 'loading' && <Loading what="categories" />}
          {cats.state === 'error' && <ErrorBox message={cats.error} />}
          {cats.state === 'ok' && (
            <ul>
              <li>
                <button type="button" class="cat" aria-pressed={selectedCat === ''} onClick={() => update({ category: null })}>
                  <span>All categories</span>
                </button>
              </li>
              {categoryTree(cats.value).map((c) => (
                <li key={c.id}>
                  <button type="button" class="cat" aria-pressed={selectedCat === c.id} data-category={c.id} onClick={() => update({ category: c.id })}>
                    <span>{c.title}</span>
                    <span class="count" aria-label={`${c.count} packages`}>{c.count}</span>
                  </button>
                  {c.children.length > 0 && (
                    <ul>
                      {c.children.map((s) => (
                        <li key={s.id}>
                          <button type="button" class="cat cat-sub" aria-pressed={selectedCat === s.id} data-category={s.id} onClick={() => update({ category: s.id })}>
                            <span>{s.title}</span>
                            <span class="count" aria-label={`${s.count} packages`}>{s.count}</span>
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
        </nav>

        <section class="results" aria-labelledby="results-heading">
          <h2 id="results-heading" class="visually-hidden">
            Packages
          </h2>
          {results.state === 'loading' && <Loading what="packages" />}
          {results.state === 'error' && <ErrorBox message={results.error} />}
          {results.state === 'ok' && (
            <>
              <p class="result-count" role="status" aria-live="polite" data-testid="result-count">
                {filtered.length === 1 ? '1 package' : `${filtered.length} packages`}
                {selectedCat ? ` in ${catTitle}` : ''}
                {filters.kibana ? ` for Kibana ${filters.kibana}` : ''}
                {terms.length ? ` matching “${text.trim()}”` : ''}
              </p>
              {filtered.length === 0 ? (
                <p class="empty">No package matches. Try another search or category.</p>
              ) : (
                <ul class="cards">
                  {shown.map((it) => (
                    <li key={it.name} class="card-item">
                      <a class="card" href={packageHref(it.name)} data-package={it.name}>
                        <div class="card-top">
                          <PackageIcon icons={it.icons} title={it.title ?? it.name} size={40} />
                          <div class="card-title">
                            <h3>{it.title ?? it.name}</h3>
                            <span class="card-name">{it.name}</span>
                          </div>
                        </div>
                        <p class="card-desc">{it.description}</p>
                        <div class="card-foot">
                          <span class="version">v{it.version}</span>
                          <ReleaseBadge version={it.version} release={it.release} />
                          {it.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
                        </div>
                      </a>
                    </li>
                  ))}
                </ul>
              )}
              {pages > 1 && <Pager page={Math.min(page, pages)} pages={pages} onPage={(p) => update({ page: p === 1 ? null : String(p) })} />}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (p: number) => void }) {
  const go = (p: number) => {
    onPage(p);
    document.getElementById('results-heading')?.scrollIntoView();
  };
  const nums: (number | '…')[] = [];
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - page) <= 2) nums.push(p);
    else if (nums[nums.length - 1] !== '…') nums.push('…');
  }
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
        Previous
      </button>
      {nums.map((n, i) =>
        n === '…' ? (
          <span key={`e${i}`} class="ellipsis" aria-hidden="true">…</span>
        ) : (
          <button type="button" key={n} aria-current={n === page ? 'page' : undefined} aria-label={`Page ${n}`} onClick={() => go(n)}>
            {n}
          </button>
        ),
      )}
      <button type="button" disabled={page >= pages} onClick={() => go(page + 1)}>
        Next
      </button>
    </nav>
  );
}
