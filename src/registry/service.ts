/**
 * The registry's request logic as pure functions over a Catalog: `/search`, `/categories`,
 * `/package/{n}/{v}/` (docs/http-api.md §2–5). Each returns `{status, body, contentType}`; the HTTP layer
 * only adds headers. Tested without sockets.
 */
import { CATEGORIES } from '../package/categories.js';
import type { CachedResponse, Catalog, Entry } from './catalog.js';
import { escapeSeparators, goJson } from './http.js';
import { compareVersions, parseLenient, satisfies, type Version } from './versions.js';

export type Query = Map<string, string[]>;

export interface ServiceResult {
  status: number;
  body: string | Buffer;
  /** Encoded forms of a 200 answer, computed once (compress.ts). */
  gzip?: Buffer;
  br?: Buffer;
  contentType: string;
  /** True for error bodies (Go `http.Error`: text + newline). */
  error?: boolean;
}

export interface ServiceOptions {
  /** Accept unknown query parameters (EPR `-allow-unknown-query-parameters`). Default true, as Elastic's; false = 400. */
  allowUnknownQueryParameters?: boolean;
}

export const JSON_TYPE = 'application/json';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

function fail(status: number, text: string): ServiceResult {
  return { status, body: `${text}\n`, contentType: TEXT_TYPE, error: true };
}

/** Go `url.ParseQuery` (as `URL.Query()` uses it: bad pairs are skipped). */
export function parseGoQuery(raw: string): Query {
  const m: Query = new Map();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const v = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) continue;
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }
  return m;
}

/** Go `url.QueryUnescape`: `+` is a space, `%XX` a byte; undefined on a bad escape. */
export function queryUnescape(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return undefined;
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

interface Filter {
  kibana?: Version;
  agent?: Version;
  prerelease: boolean;
  experimental: boolean;
  all: boolean;
  packageName?: string;
  type?: string;
  category?: string;
  capabilities?: string[];
  specMin?: Version;
  specMax?: Version;
  discovery: { kind: 'fields' | 'datasets'; values: string[] }[];
  includePolicyTemplates: boolean;
}

const SEARCH_KEYS = new Set(['kibana.version', 'agent.version', 'prerelease', 'experimental', 'all', 'package', 'type', 'category', 'capabilities', 'spec.min', 'spec.max', 'discovery', 'internal']);
const CATEGORIES_KEYS = new Set(['kibana.version', 'agent.version', 'prerelease', 'experimental', 'capabilities', 'spec.min', 'spec.max', 'discovery', 'include_policy_templates']);

function parseSpec(key: string, v: string): Version | string {
  if (v.split('.').length !== 2) return `invalid '${key}' version: invalid version '${v}': it should be <major.version>`;
  try {
    return parseLenient(v);
  } catch (e) {
    return `invalid '${key}' version: ${(e as Error).message}`;
  }
}

/** Parse the query of `/search` or `/categories`; a string is the 400 error text. */
function parseFilter(q: Query, endpoint: 'search' | 'categories', opts: ServiceOptions): Filter | string {
  const known = endpoint === 'search' ? SEARCH_KEYS : CATEGORIES_KEYS;
  const f: Filter = { prerelease: false, experimental: false, all: false, discovery: [], includePolicyTemplates: false };
  for (const [key, values] of q) {
    const v = values[0] ?? '';
    if (!known.has(key)) {
      if (opts.allowUnknownQueryParameters === false) return `unknown query parameter: ${JSON.stringify(key)}`;
      continue;
    }
    if (key === 'discovery') {
      for (const d of values) {
        const colon = d.indexOf(':');
        if (colon < 0) return `invalid 'discovery' query param: '${d}': could not parse filter ${JSON.stringify(d)}`;
        const kind = d.slice(0, colon);
        if (kind !== 'fields' && kind !== 'datasets') return `invalid 'discovery' query param: '${d}': unknown discovery filter ${JSON.stringify(kind)}`;
        f.discovery.push({ kind, values: d.slice(colon + 1).split(',') });
      }
      continue;
    }
    if (v === '') continue;
    switch (key) {
      case 'kibana.version':
      case 'agent.version':
        try {
          const parsed = parseLenient(v);
          if (key === 'kibana.version') f.kibana = parsed;
          else f.agent = parsed;
        } catch (e) {
          return `invalid ${key === 'kibana.version' ? 'Kibana' : 'agent'} version '${v}': ${(e as Error).message}`;
        }
        break;
      case 'prerelease':
      case 'experimental':
      case 'all':
      case 'include_policy_templates': {
        const b = parseGoBool(v);
        if (b === undefined) return `invalid '${key}' query param: '${v}'`;
        if (key === 'prerelease') f.prerelease = b;
        else if (key === 'experimental') f.experimental = b;
        else if (key === 'all') f.all = b;
        else f.includePolicyTemplates = b;
        break;
      }
      case 'package':
        f.packageName = v;
        break;
      case 'type':
        f.type = v;
        break;
      case 'category':
        f.category = v;
        break;
      case 'capabilities':
        f.capabilities = v.split(',');
        break;
      case 'spec.min':
      case 'spec.max': {
        const s = parseSpec(key, v);
        if (typeof s === 'string') return s;
        if (key === 'spec.min') f.specMin = s;
        else f.specMax = s;
        break;
      }
      default:
        break; // internal: removed, accepted
    }
  }
  return f;
}

/** Does P have category c, counting subcategories (`observability` matches `web`)? */
function hasCategory(cats: readonly string[] | undefined, c: string): boolean {
  if (!cats) return false;
  for (const x of cats) {
    if (x === c) return true;
    const def = (CATEGORIES as Record<string, { parent_id?: string } | undefined>)[x];
    if (def?.parent_id === c) return true;
  }
  return false;
}

class IndexError extends Error {}

function passesNormal(e: Entry, f: Filter): boolean {
  if (e.prerelease && !f.prerelease) return false;
  if (f.kibana && e.kibana && !satisfies(f.kibana, e.kibana)) return false;
  if (f.agent && e.agent && !satisfies(f.agent, e.agent)) return false;
  if (f.packageName !== undefined && e.name !== f.packageName) return false;
  if (f.type !== undefined && e.type !== f.type) return false;
  if (f.capabilities && e.capabilities) {
    for (const c of e.capabilities) if (!f.capabilities.includes(c)) return false;
  }
  for (const d of f.discovery) {
    if (d.kind === 'fields') {
      if (!e.fields || !e.fields.every((x) => d.values.includes(x))) return false;
    } else if (!e.datasets || !e.datasets.some((x) => d.values.includes(x))) return false;
  }
  if (f.specMin || f.specMax) {
    if (!e.spec) throw new IndexError(`fetching package failed: package ${e.key} has no valid format_version`);
    const s: Version = { major: e.spec.major, minor: e.spec.minor, patch: 0, pre: e.spec.pre, raw: '' };
    if (f.specMin && compareVersions(s, f.specMin) < 0) return false;
    if (f.specMax && compareVersions(s, f.specMax) > 0) return false;
  }
  return true;
}

function semverPre(e: Entry): boolean {
  return e.v.pre.length > 0;
}

/** Entries passing the filter (before the category step), sorted by name then version. */
function select(catalog: Catalog, f: Filter, all: boolean): Entry[] {
  const entries = catalog.entries;
  const out: Entry[] = [];
  if (!f.experimental) {
    for (let i = 0; i < entries.length; ) {
      let j = i;
      const name = entries[i]!.name;
      let best: Entry | undefined;
      while (j < entries.length && entries[j]!.name === name) {
        const e = entries[j]!;
        if (passesNormal(e, f)) {
          if (all) out.push(e);
          else best = e; // ascending order: the last passing one is the highest
        }
        j++;
      }
      if (best) out.push(best);
      i = j;
    }
    return out;
  }
  // legacy (experimental=true): kibana.version, package, type; latest pick prefers non-prerelease
  for (let i = 0; i < entries.length; ) {
    let j = i;
    const name = entries[i]!.name;
    const group: Entry[] = [];
    while (j < entries.length && entries[j]!.name === name) {
      const e = entries[j]!;
      j++;
      if (f.kibana && e.kibana && !satisfies(f.kibana, e.kibana)) continue;
      if (f.packageName !== undefined && e.name !== f.packageName) continue;
      if (f.type !== undefined && e.type !== f.type) continue;
      group.push(e);
    }
    i = j;
    if (group.length === 0) continue;
    if (all) {
      const hasGa = group.some((e) => e.v.major >= 1 && !semverPre(e));
      for (const e of group) if (!hasGa || (e.v.major >= 1 && !semverPre(e))) out.push(e);
    } else {
      let best: Entry | undefined;
      for (const e of group) {
        if (!best) best = e;
        else if (semverPre(best) && !semverPre(e)) best = e;
        else if (semverPre(best) === semverPre(e)) best = e; // ascending: later is higher
      }
      out.push(best!);
    }
  }
  return out;
}

function searchItemFor(e: Entry, category: string | undefined): string {
  if (category === undefined || hasCategory(e.categories, category)) return e.searchItem;
  // matched through policy templates only: keep the templates listing the category exactly
  const item = JSON.parse(e.searchItem) as Record<string, unknown>;
  const pts = Array.isArray(item.policy_templates) ? (item.policy_templates as Record<string, unknown>[]) : [];
  const kept = pts.filter((t) => Array.isArray(t.categories) && (t.categories as unknown[]).includes(category));
  const rebuilt: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'policy_templates') {
      if (kept.length > 0) rebuilt[k] = kept;
    } else rebuilt[k] = v;
  }
  return '  ' + escapeSeparators(JSON.stringify(rebuilt, null, 2)).replace(/\n/g, '\n  ');
}

function matchesCategory(e: Entry, c: string): boolean {
  if (hasCategory(e.categories, c)) return true;
  return e.ptCategories.some((t) => hasCategory(t, c));
}

/** Normalized query: keys sorted (only successful answers are cached, and those do not depend on key order). */
function cacheKey(q: Query): string {
  return [...q]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}\u0001${v.join('\u0000')}`)
    .join('\u0002');
}

/** `GET /search` */
export function search(catalog: Catalog, q: Query, opts: ServiceOptions = {}): ServiceResult {
  const key = cacheKey(q);
  const cached = catalog.searchCache.get(key);
  if (cached) return cached;
  const f = parseFilter(q, 'search', opts);
  if (typeof f === 'string') return fail(400, f);
  let selected: Entry[];
  try {
    selected = select(catalog, f, f.all);
  } catch (e) {
    if (e instanceof IndexError) return fail(404, e.message);
    throw e;
  }
  const items: string[] = [];
  for (const e of selected) {
    if (f.category !== undefined && !matchesCategory(e, f.category)) continue;
    items.push(searchItemFor(e, f.category));
  }
  const res: CachedResponse = { status: 200, body: Buffer.from(items.length === 0 ? '[]\n' : `[\n${items.join(',\n')}\n]\n`), contentType: JSON_TYPE };
  catalog.searchCache.set(key, res);
  return res;
}

/** `GET /categories` */
export function categories(catalog: Catalog, q: Query, opts: ServiceOptions = {}): ServiceResult {
  const key = cacheKey(q);
  const cached = catalog.categoriesCache.get(key);
  if (cached) return cached;
  const f = parseFilter(q, 'categories', opts);
  if (typeof f === 'string') return fail(400, f);
  let selected: Entry[];
  try {
    selected = select(catalog, f, false);
  } catch (e) {
    if (e instanceof IndexError) return fail(404, e.message);
    throw e;
  }
  const counts = new Map<string, number>();
  const inc = (c: string) => counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const p of selected) {
    for (const c of p.categories) inc(c);
    if (!f.includePolicyTemplates) continue;
    const extra: string[] = [];
    for (const t of p.ptCategories) {
      if (t === undefined && p.ptCategories.length === 1) break;
      for (const c of p.categories) inc(c);
      for (const c of t ?? []) {
        if (!hasCategory(p.categories, c) && !extra.includes(c)) {
          extra.push(c);
          inc(c);
        }
        inc(c);
      }
    }
  }
  const ids = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = ids.map((id) => {
    const def = (CATEGORIES as Record<string, { title: string; parent_id?: string; parent_title?: string } | undefined>)[id];
    const item: Record<string, unknown> = { id, title: def?.title ?? id, count: counts.get(id) };
    if (def?.parent_id) item.parent_id = def.parent_id;
    if (def?.parent_title) item.parent_title = def.parent_title;
    return item;
  });
  const res: CachedResponse = { status: 200, body: Buffer.from(goJson(out)), contentType: JSON_TYPE };
  catalog.categoriesCache.set(key, res);
  return res;
}

/** Look a version up exactly (no filters). `undefined` = bad version (400), `null` = not found. */
export function lookup(catalog: Catalog, name: string, version: string): Entry | null | undefined {
  if (!/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(version)) return undefined;
  return catalog.byKey.get(`${name}-${version}`) ?? null;
}

/** `GET /package/{n}/{v}/` */
export function packageIndex(catalog: Catalog, name: string, version: string): ServiceResult {
  const e = lookup(catalog, name, version);
  if (e === undefined) return fail(400, 'invalid package version');
  if (e === null) return fail(404, 'package revision not found');
  return e.packageAnswer;
}

export { fail as errorResult };
