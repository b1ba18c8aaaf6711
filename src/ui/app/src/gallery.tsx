import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  categoriesUrl, getJson, OWNER_TYPES, ownerLabel, ownerTypeOf, searchUrl, timeAgo, UPDATED_URL, validKibanaVersion, validOwnerType,
  type Category, type Filters, type OwnerType, type SearchItem,
} from './api.js';
import { ErrorBox, Loading, OwnerBadge, PackageIcon, PageHeading, ReleaseBadge } from './common.js';
import { useAsync } from './hooks.js';
import { galleryHref, navigate, packageHref, type Loc } from './router.js';

const PAGE_SIZE = 48;

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

/** All categories (any Kibana, prereleases included): titles for a selected category the filtered list lacks. */
const ALL_CATEGORIES_URL = '/categories?prerelease=true&include_policy_templates=true';

function categoryTree(cats: Category[], selected = '', titles?: ReadonlyMap<string, Category>): CatNode[] {
  // The selected category stays in the list (count 0) when the other filters leave no package in it.
  if (selected && !cats.some((c) => c.id === selected)) {
    const known = titles?.get(selected);
    cats = [...cats, { id: selected, title: known?.title ?? selected, count: 0, ...(known?.parent_id ? { parent_id: known.parent_id, parent_title: known.parent_title } : {}) }];
  }
  const roots = new Map<string, CatNode>();
  for (const c of cats) if (!c.parent_id) roots.set(c.id, { ...c, children: [] });
  const orphans: CatNode[] = [];
  for (const c of cats) {
    if (!c.parent_id) continue;
    let parent = roots.get(c.parent_id);
    if (!parent && c.id === selected) {
      // keep a selected sub-category under its parent even when the parent has no package left
      parent = { id: c.parent_id, title: c.parent_title ?? titles?.get(c.parent_id)?.title ?? c.parent_id, count: 0, children: [] };
      roots.set(c.parent_id, parent);
    }
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
  const ownerParam = q.get('owner');
  const owner: OwnerType | '' = validOwnerType(ownerParam) ? ownerParam : '';
  const text = q.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);

  const sUrl = searchUrl(filters);
  const cUrl = categoriesUrl(filters);
  const results = useAsync<SearchItem[]>(sUrl, (s) => getJson<SearchItem[]>(sUrl, s));
  const cats = useAsync<Category[]>(cUrl, (s) => getJson<Category[]>(cUrl, s));
  const allCats = useAsync<Category[]>(ALL_CATEGORIES_URL, (s) => getJson<Category[]>(ALL_CATEGORIES_URL, s));
  const titles = useMemo(() => new Map(allCats.state === 'ok' ? allCats.value.map((c) => [c.id, c]) : []), [allCats]);
  const updated = useAsync<{ updated: Record<string, string> }>(UPDATED_URL, (s) => getJson(UPDATED_URL, s));
  const updatedOf = updated.state === 'ok' ? updated.value.updated : {};

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
  const ownerCounts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const x of sorted) {
      const o = ownerTypeOf(x.item);
      if (o) c[o] = (c[o] ?? 0) + 1;
    }
    return c;
  }, [sorted]);
  const filtered = useMemo(
    () =>
      sorted
        .filter((x) => (owner === '' || ownerTypeOf(x.item) === owner) && (terms.length === 0 || terms.every((t) => x.hay.includes(t))))
        .map((x) => x.item),
    [sorted, terms, owner],
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
  const catTitle =
    (cats.state === 'ok' ? cats.value.find((c) => c.id === selectedCat)?.title : undefined) ?? titles.get(selectedCat)?.title ?? selectedCat;
  const current = Math.min(page, pages);

  // Active filters, each removable; the search text counts as one.
  const chips: { key: string; label: string; remove: Record<string, null> }[] = [];
  if (terms.length) chips.push({ key: 'q', label: `Search: “${text.trim()}”`, remove: { q: null } });
  if (selectedCat) chips.push({ key: 'category', label: `Category: ${catTitle}`, remove: { category: null } });
  if (filters.kibana) chips.push({ key: 'kibana', label: `Kibana ${filters.kibana}`, remove: { kibana: null } });
  if (owner) chips.push({ key: 'owner', label: `Owner: ${ownerLabel(owner)}`, remove: { owner: null } });
  if (filters.prerelease) chips.push({ key: 'prerelease', label: 'Prereleases shown', remove: { prerelease: null } });
  const removeChip = (remove: Record<string, null>, i: number) => {
    update(remove);
    // keep the keyboard focus in the chip row: the next chip, else the previous, else the search box
    window.setTimeout(() => {
      const left = document.querySelectorAll<HTMLButtonElement>('.chips button.chip');
      (left[Math.min(i, left.length - 1)] ?? document.getElementById('search'))?.focus();
    }, 0);
  };

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
        <div class="field">
          <label for="owner">Owner</label>
          <select id="owner" value={owner} onChange={(e) => update({ owner: (e.currentTarget as HTMLSelectElement).value || null })}>
            <option value="">Any owner</option>
            {OWNER_TYPES.map((t) => (
              <option key={t} value={t}>
                {ownerLabel(t)}
                {results.state === 'ok' ? ` (${ownerCounts[t] ?? 0})` : ''}
              </option>
            ))}
          </select>
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

      {chips.length > 0 && (
        <div class="chips" data-testid="chips">
          <span class="chips-label" id="chips-label">Active filters:</span>
          <ul aria-labelledby="chips-label">
            {chips.map((c, i) => (
              <li key={c.key}>
                <button type="button" class="chip" data-chip={c.key} aria-label={`Remove filter ${c.label}`} onClick={() => removeChip(c.remove, i)}>
                  <span>{c.label}</span>
                  <span class="chip-x" aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
          {chips.length > 1 && (
            <button type="button" class="chip-clear" onClick={() => navigate(galleryHref())}>
              Clear all
            </button>
          )}
        </div>
      )}

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
              {categoryTree(cats.value, selectedCat, titles).map((c) => (
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
                {owner ? ` by ${ownerLabel(owner)}` : ''}
                {terms.length ? ` matching “${text.trim()}”` : ''}
                {pages > 1 ? ` · page ${current} of ${pages}` : ''}
              </p>
              {filtered.length === 0 ? (
                <p class="empty">{chips.length > 0 ? 'No package matches these filters. Remove one of them above, or try another search.' : 'No package in this registry yet.'}</p>
              ) : (
                <ul class="cards">
                  {shown.map((it) => {
                    const o = ownerTypeOf(it);
                    const up = updatedOf[it.name];
                    return (
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
                          {o && <OwnerBadge type={o} />}
                          {it.deprecated && <span class="badge badge-deprecated">Deprecated</span>}
                        </div>
                        {up && (
                          <p class="card-updated">
                            updated <time dateTime={up} title={up}>{timeAgo(up)}</time>
                          </p>
                        )}
                      </a>
                    </li>
                    );
                  })}
                </ul>
              )}
              {pages > 1 && <Pager page={current} pages={pages} onPage={(p) => update({ page: p === 1 ? null : String(p) })} />}
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
      <span class="page-of" data-testid="page-of">
        Page {page} of {pages}
      </span>
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
