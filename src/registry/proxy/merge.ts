/**
 * Merging a local answer with an upstream one, with the semantics of Elastic's proxy mode:
 * - `/search`: the local items first, then the upstream's; a name+version the local store has wins over the
 *   upstream's; unless `all=true`, only the newest version per name across both is kept (with the legacy
 *   `experimental=true`, a version without prerelease tag beats any prerelease); sorted by name (bytewise),
 *   then version (semver, ascending).
 * - `/categories`: counts summed per id; the local title (and parent) kept for ids both have; sorted by id.
 * Upstream items that are not a package (no valid name and version) or not a category are dropped.
 */
import { compareVersions, isPrerelease, parseStrict, type Version } from '../versions.js';
import { goJson } from '../http.js';
import { parseGoBool, type Query } from '../service.js';

type Item = Record<string, unknown>;

const NAME = /^[a-z0-9_]+$/;

function isObject(v: unknown): v is Item {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function packageVersion(it: Item): Version | undefined {
  if (typeof it.name !== 'string' || !NAME.test(it.name) || typeof it.version !== 'string') return undefined;
  return parseStrict(it.version);
}

function boolParam(q: Query, k: string): boolean {
  const v = q.get(k)?.[0];
  return v !== undefined && v !== '' && parseGoBool(v) === true;
}

export function mergeSearch(localBody: Buffer | string, upstream: unknown, q: Query): string {
  const local = JSON.parse(typeof localBody === 'string' ? localBody : localBody.toString('utf8')) as Item[];
  const all = boolParam(q, 'all');
  const legacy = boolParam(q, 'experimental');
  const byKey = new Map<string, { it: Item; v: Version }>();
  const add = (it: unknown, fromUpstream: boolean) => {
    if (!isObject(it)) return;
    const v = packageVersion(it);
    if (!v) return;
    const key = `${it.name as string}-${it.version as string}`;
    if (!byKey.has(key)) byKey.set(key, { it: fromUpstream ? canonicalPaths(it) : it, v });
  };
  for (const it of local) add(it, false);
  for (const it of Array.isArray(upstream) ? upstream : []) add(it, true);
  let items = [...byKey.values()];
  if (!all) {
    const best = new Map<string, { it: Item; v: Version }>();
    for (const x of items) {
      const name = x.it.name as string;
      const cur = best.get(name);
      if (!cur || newer(x.v, cur.v, legacy)) best.set(name, x);
    }
    items = [...best.values()];
  }
  items.sort((a, b) => {
    const an = a.it.name as string;
    const bn = b.it.name as string;
    if (an !== bn) return an < bn ? -1 : 1;
    return compareVersions(a.v, b.v);
  });
  return goJson(items.map((x) => x.it));
}

/**
 * An upstream item's `download`, `path` and `signature_path` are set to the paths of this API (Kibana fetches
 * them from us; an upstream cannot point them elsewhere). Key order is kept.
 */
function canonicalPaths(it: Item): Item {
  const n = it.name as string;
  const v = it.version as string;
  const out: Item = {};
  for (const [k, val] of Object.entries(it)) {
    if (k === 'download') out[k] = `/epr/${n}/${n}-${v}.zip`;
    else if (k === 'path') out[k] = `/package/${n}/${v}`;
    else if (k === 'signature_path') out[k] = `/epr/${n}/${n}-${v}.zip.sig`;
    else out[k] = val;
  }
  return out;
}

function newer(a: Version, b: Version, legacy: boolean): boolean {
  if (legacy && isPrerelease(a) !== isPrerelease(b)) return !isPrerelease(a);
  return compareVersions(a, b) > 0;
}

export function mergeCategories(localBody: Buffer | string, upstream: unknown): string {
  const local = JSON.parse(typeof localBody === 'string' ? localBody : localBody.toString('utf8')) as Item[];
  const byId = new Map<string, Item>();
  for (const c of local) if (isObject(c) && typeof c.id === 'string') byId.set(c.id, { ...c });
  for (const c of Array.isArray(upstream) ? upstream : []) {
    if (!isObject(c) || typeof c.id !== 'string' || c.id === '' || typeof c.count !== 'number' || !Number.isFinite(c.count)) continue;
    const mine = byId.get(c.id);
    if (mine) {
      mine.count = (mine.count as number) + c.count;
      continue;
    }
    const item: Item = { id: c.id, title: typeof c.title === 'string' ? c.title : c.id, count: c.count };
    if (typeof c.parent_id === 'string' && c.parent_id !== '') item.parent_id = c.parent_id;
    if (typeof c.parent_title === 'string' && c.parent_title !== '') item.parent_title = c.parent_title;
    byId.set(c.id, item);
  }
  const ids = [...byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return goJson(ids.map((id) => byId.get(id)));
}
