// The registry's JSON API as the UI uses it (docs/http-api.md §5, §8.4), plus the UI's own integrity endpoint.

export interface Image {
  src: string;
  path: string;
  title?: string;
  size?: string;
  type?: string;
}

export interface Conditions {
  kibana?: { version: string };
  elastic?: { subscription: string; capabilities?: string[] };
  agent?: { version: string };
}

export interface SearchItem {
  name: string;
  title?: string;
  version: string;
  release?: string;
  description: string;
  type: string;
  download: string;
  path: string;
  icons?: Image[];
  conditions?: Conditions;
  owner?: { type?: string; github?: string };
  categories?: string[];
  signature_path?: string;
  deprecated?: { since: string; description: string };
  policy_templates?: { name: string; title: string; description: string; categories?: string[] }[];
}

export interface Category {
  id: string;
  title: string;
  count: number;
  parent_id?: string;
  parent_title?: string;
}

interface Stream {
  input?: string;
  title?: string;
  description?: string;
  enabled?: boolean;
}

interface DataStream {
  type: string;
  dataset?: string;
  title: string;
  release?: string;
  hidden?: boolean;
  path?: string;
  streams?: Stream[];
}

interface Input {
  type?: string;
  title?: string;
  description?: string;
}

interface PolicyTemplate {
  name: string;
  title: string;
  description: string;
  data_streams?: string[];
  inputs?: Input[];
  categories?: string[];
  type?: string;
  input?: string;
}

export interface PackageDoc extends SearchItem {
  format_version: string;
  readme?: string;
  license?: string;
  source?: { license?: string };
  screenshots?: Image[];
  assets?: string[];
  policy_templates?: PolicyTemplate[];
  data_streams?: DataStream[];
}

export interface Integrity {
  name: string;
  version: string;
  sha256: string;
  size: number;
  signature: { keyId: string; fingerprint?: string; created?: string } | null;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function get(url: string, signal?: AbortSignal): Promise<Response> {
  const r = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  if (!r.ok) {
    const text = (await r.text().catch(() => '')).trim();
    throw new HttpError(r.status, text || `${r.status} ${r.statusText}`);
  }
  return r;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return (await (await get(url, signal)).json()) as T;
}

export async function getText(url: string, signal?: AbortSignal): Promise<string> {
  return (await get(url, signal)).text();
}

export interface Filters {
  prerelease: boolean;
  kibana: string;
  category: string;
}

export function searchUrl(f: Filters): string {
  const p = new URLSearchParams();
  if (f.prerelease) p.set('prerelease', 'true');
  if (f.kibana) p.set('kibana.version', f.kibana);
  if (f.category) p.set('category', f.category);
  const q = p.toString();
  return q ? `/search?${q}` : '/search';
}

export function categoriesUrl(f: Filters): string {
  const p = new URLSearchParams();
  if (f.prerelease) p.set('prerelease', 'true');
  if (f.kibana) p.set('kibana.version', f.kibana);
  const q = p.toString();
  return q ? `/categories?${q}` : '/categories';
}

export const versionsUrl = (name: string) => `/search?package=${encodeURIComponent(name)}&all=true&prerelease=true`;
export const packageUrl = (name: string, version: string) => `/package/${name}/${encodeURIComponent(version)}/`;
export const integrityUrl = (name: string, version: string) =>
  `/api/v1/ui/packages/${name}/${encodeURIComponent(version)}/integrity`;

// ---- semver, just enough for ordering and release labels ----

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function prereleaseTag(v: string): string | undefined {
  return SEMVER.exec(v)?.[4];
}

export function compareVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xa = pa.split('.');
  const xb = pb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const ea = xa[i];
    const eb = xb[i];
    if (ea === undefined) return -1;
    if (eb === undefined) return 1;
    const na = /^\d+$/.test(ea);
    const nb = /^\d+$/.test(eb);
    if (na && nb) {
      const d = Number(ea) - Number(eb);
      if (d !== 0) return d;
    } else if (na !== nb) return na ? -1 : 1;
    else if (ea !== eb) return ea < eb ? -1 : 1;
  }
  return 0;
}

export type ReleaseKind = 'ga' | 'beta' | 'preview' | 'prerelease';

/**
 * The badge of a version: a semver prerelease tag → "Prerelease"; 0.x or `release: experimental` →
 * "Technical preview"; `release: beta` → "Beta"; otherwise "GA".
 */
export function releaseOf(item: { version: string; release?: string }): { kind: ReleaseKind; label: string } {
  const tag = prereleaseTag(item.version);
  if (tag !== undefined) return { kind: 'prerelease', label: 'Prerelease' };
  if (item.release === 'experimental' || /^0\./.test(item.version)) return { kind: 'preview', label: 'Technical preview' };
  if (item.release === 'beta') return { kind: 'beta', label: 'Beta' };
  return { kind: 'ga', label: 'GA' };
}

/** A lenient Kibana version for `kibana.version=` (the server accepts `8`, `8.1`, `v8.1.0`). */
export function validKibanaVersion(v: string): boolean {
  return /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?$/.test(v);
}

// ---- issue 17: owner types, publish times, changelog ----

export type OwnerType = 'elastic' | 'partner' | 'community';
export const OWNER_TYPES: readonly OwnerType[] = ['elastic', 'partner', 'community'];
const OWNER_LABELS: Record<OwnerType, string> = { elastic: 'Elastic', partner: 'Partner', community: 'Community' };

/** The package's owner type (`owner.type`), or undefined when absent or not one of the three. */
export function ownerTypeOf(item: { owner?: { type?: string } }): OwnerType | undefined {
  const t = item.owner?.type?.toLowerCase();
  return t === 'elastic' || t === 'partner' || t === 'community' ? t : undefined;
}
export const ownerLabel = (t: OwnerType): string => OWNER_LABELS[t];
export function validOwnerType(s: string | null): s is OwnerType {
  return s === 'elastic' || s === 'partner' || s === 'community';
}

export interface PublishedVersions {
  name: string;
  versions: { version: string; published: string | null }[];
}
export const publishedUrl = (name: string) => `/api/v1/ui/packages/${name}/published`;
export const UPDATED_URL = '/api/v1/ui/updated';
export const KEYS_URL = '/api/v1/keys';

/** "just now", "5 minutes ago", "3 days ago", "2 months ago", "1 year ago" (times in the future: "just now"). */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  const units: [number, string][] = [
    [365 * 86400, 'year'], [30 * 86400, 'month'], [7 * 86400, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(s / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** A date for tables: `2026-11-28` (UTC, unambiguous in every locale). */
export const shortDate = (iso: string): string => (Number.isFinite(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 10) : '');

type ChangeType = 'enhancement' | 'bugfix' | 'breaking-change' | 'other';
interface Change {
  description: string;
  type: ChangeType;
  /** Only http(s) links are kept. */
  link?: string;
}
export interface ChangelogVersion {
  version: string;
  changes: Change[];
}

const CHANGE_TYPES = new Set(['enhancement', 'bugfix', 'breaking-change']);

/**
 * The parsed `changelog.yml` (a list of `{version, changes: [{description, type, link}]}`), made safe to show:
 * non-string fields dropped, links only when http(s), unknown types shown as "other". Throws on a file that is
 * not such a list.
 */
export function normalizeChangelog(data: unknown): ChangelogVersion[] {
  if (!Array.isArray(data)) throw new Error('changelog.yml is not a list of versions');
  const out: ChangelogVersion[] = [];
  for (const v of data) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    const version = typeof o.version === 'string' || typeof o.version === 'number' ? String(o.version) : '';
    if (!version) continue;
    const changes: Change[] = [];
    for (const c of Array.isArray(o.changes) ? o.changes : []) {
      if (typeof c !== 'object' || c === null) continue;
      const r = c as Record<string, unknown>;
      if (typeof r.description !== 'string') continue;
      const type = typeof r.type === 'string' && CHANGE_TYPES.has(r.type) ? (r.type as ChangeType) : 'other';
      let link: string | undefined;
      if (typeof r.link === 'string') {
        try {
          const u = new URL(r.link);
          if (u.protocol === 'https:' || u.protocol === 'http:') link = u.href;
        } catch {
          /* not a URL: no link */
        }
      }
      changes.push({ description: r.description, type, ...(link ? { link } : {}) });
    }
    out.push({ version, changes });
  }
  return out;
}

/** The label of a change link: `#1955` for a GitHub pull request or issue, else the host. */
export function linkLabel(link: string): string {
  const m = /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:pull|issues)\/(\d+)\/?$/.exec(link);
  if (m) return `#${m[1]}`;
  try {
    return new URL(link).host;
  } catch {
    return link;
  }
}

/** The registry's base URL for Kibana: where this page was loaded from, minus the UI's own path (`/app/...`). */
export function registryUrlOf(loc: { origin: string; pathname: string }, uiBase: string): string {
  const i = loc.pathname.indexOf(uiBase + '/');
  const prefix = i > 0 ? loc.pathname.slice(0, i) : '';
  return loc.origin + prefix;
}
