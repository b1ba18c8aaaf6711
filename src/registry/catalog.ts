/**
 * The registry's in-memory catalog: an immutable snapshot of one index revision, built from package
 * documents. Per package version it keeps the serialized `/package/{n}/{v}/` body, the serialized `/search`
 * item, and a compact struct the filters run over (registry-api.md §2). A new revision builds a new Catalog
 * (reusing the entries that did not change) and the server swaps the reference atomically; the response
 * caches live in the Catalog, so a swap clears them.
 *
 * Pure: no I/O. Documents are shaped by `package/document.ts` (allow-list, key order, omitempty).
 */
import { LRUCache } from 'lru-cache';
import { normalizeDocument, toSearchItem } from '../package/document.js';
import type { PackageDocument } from '../index/format.js';
import { escapeSeparators, goJson } from './http.js';
import { compareVersions, isPrerelease, parseConstraint, parseStrict, type Constraint, type Version } from './versions.js';

export interface Entry {
  /** `name-version` */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  readonly v: Version;
  /** Semver prerelease tag or `release: experimental` (§2.1 rule 1). */
  readonly prerelease: boolean;
  readonly release: string;
  readonly type: string;
  readonly kibana?: Constraint;
  readonly agent?: Constraint;
  readonly capabilities?: readonly string[];
  readonly categories: readonly string[];
  /** Categories of each policy template (undefined = the template has no `categories` key). */
  readonly ptCategories: readonly (readonly string[] | undefined)[];
  /** format_version, or null when absent/unparsable (a spec filter then fails the request). */
  readonly spec: Version | null;
  readonly fields?: readonly string[];
  readonly datasets?: readonly string[];
  /** The entry's own `deprecated` block (before spreading). */
  readonly deprecated?: unknown;
  /** The document announces a signature (`signature_path`). */
  readonly signed: boolean;
  /** `/package/{n}/{v}/` body: 2-space JSON + newline. */
  readonly packageBody: Buffer;
  /** `/search` item: 2-space JSON, every line indented by two more spaces (an array element). */
  readonly searchItem: string;
}

const NAME_RE = /^[a-z0-9_]+$/;


/** A Buffer of exactly the string's size (Buffer.from would put small ones in 8 KiB pool slabs, ~30% waste). */
function exactBuffer(s: string): Buffer {
  const b = Buffer.allocUnsafeSlow(Buffer.byteLength(s));
  b.write(s);
  return b;
}

function indentItem(json: string): string {
  return '  ' + json.replace(/\n/g, '\n  ');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string');
}

function names(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) if (isObject(x) && typeof x.name === 'string') out.push(x.name);
  return out;
}

/**
 * Build a catalog entry from a raw index entry (`package_manifest`). Throws an Error saying what is wrong
 * for an entry that must be skipped: not an object, bad name or version, unparsable constraint.
 */
export function buildEntry(raw: unknown): Entry {
  if (!isObject(raw)) throw new Error('entry is not an object');
  const name = raw.name;
  const version = raw.version;
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw new Error(`bad package name ${JSON.stringify(name)}`);
  if (typeof version !== 'string') throw new Error(`${name}: bad version ${JSON.stringify(version)}`);
  const v = parseStrict(version);
  if (!v) throw new Error(`${name}: version '${version}' is not strict semver`);
  const doc = normalizeDocument(raw);
  return entryFromDocument(doc, v);
}

function entryFromDocument(doc: PackageDocument, v: Version): Entry {
  const name = doc.name;
  const version = doc.version;
  const cond = isObject(doc.conditions) ? doc.conditions : {};
  const constraint = (k: 'kibana' | 'agent'): Constraint | undefined => {
    const c = isObject(cond[k]) ? (cond[k] as Record<string, unknown>).version : undefined;
    if (c === undefined || c === null || c === '') return undefined;
    if (typeof c !== 'string') throw new Error(`${name}-${version}: conditions.${k}.version is not a string`);
    try {
      return parseConstraint(c);
    } catch (e) {
      throw new Error(`${name}-${version}: conditions.${k}.version '${c}': ${(e as Error).message}`);
    }
  };
  const elastic = isObject(cond.elastic) ? cond.elastic : {};
  const caps = strings(elastic.capabilities);
  const release = typeof doc.release === 'string' ? doc.release : '';
  let spec: Version | null = null;
  if (typeof doc.format_version === 'string') spec = parseStrict(doc.format_version) ?? null;
  const discovery = isObject(doc.discovery) ? doc.discovery : {};
  const pts = Array.isArray(doc.policy_templates) ? doc.policy_templates : [];
  const fields = names(discovery.fields);
  const datasets = names(discovery.datasets);
  return {
    key: `${name}-${version}`,
    name,
    version,
    v,
    prerelease: isPrerelease(v) || release === 'experimental',
    release,
    type: typeof doc.type === 'string' ? doc.type : '',
    kibana: constraint('kibana'),
    agent: constraint('agent'),
    capabilities: caps && caps.length > 0 ? caps : undefined,
    categories: strings(doc.categories) ?? [],
    ptCategories: pts.map((t) => (isObject(t) && Array.isArray(t.categories) ? strings(t.categories)! : undefined)),
    spec,
    fields: fields && fields.length > 0 ? fields : undefined,
    datasets: datasets && datasets.length > 0 ? datasets : undefined,
    deprecated: doc.deprecated,
    signed: typeof doc.signature_path === 'string' && doc.signature_path !== '',
    packageBody: exactBuffer(goJson(doc)),
    searchItem: indentItem(escapeSeparators(JSON.stringify(toSearchItem(doc), null, 2))),
  };
}

/** The entry with another `deprecated` block (deprecation spreading, §2.3). */
function withDeprecated(e: Entry, deprecated: unknown): Entry {
  const doc = JSON.parse(e.packageBody.toString('utf8')) as Record<string, unknown>;
  doc.deprecated = deprecated;
  const d = normalizeDocument(doc);
  return { ...entryFromDocument(d, e.v), deprecated: e.deprecated };
}

export function compareEntries(a: Entry, b: Entry): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareVersions(a.v, b.v);
}

export interface CachedResponse {
  status: number;
  body: Buffer;
  contentType: string;
}

/** An immutable snapshot of one revision. */
export class Catalog {
  /** Entries as loaded (own `deprecated`), by key: the base for the next delta. */
  readonly base: ReadonlyMap<string, Entry>;
  /** Served entries (deprecation spread), sorted by name then version ascending. */
  readonly entries: readonly Entry[];
  /** Served entries by `name-version`. */
  readonly byKey: ReadonlyMap<string, Entry>;
  /** Bounded by count and bytes: an `all=true` answer over 10k versions is ~9 MB. */
  readonly searchCache = new LRUCache<string, CachedResponse>({ max: 250, maxSize: 64 * 1024 * 1024, sizeCalculation: (r) => r.body.length + 64 });
  readonly categoriesCache = new LRUCache<string, CachedResponse>({ max: 100, maxSize: 8 * 1024 * 1024, sizeCalculation: (r) => r.body.length + 64 });

  constructor(
    readonly cursor: string | undefined,
    base: Map<string, Entry>,
    /** Cache of spread entries from the previous catalog, reused when unchanged. */
    previous?: Catalog,
  ) {
    this.base = base;
    const sorted = [...base.values()].sort(compareEntries);
    const out: Entry[] = [];
    // deprecation spreading: the deprecated block of the highest deprecated version goes on every version
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j < sorted.length && sorted[j]!.name === sorted[i]!.name) j++;
      let dep: unknown;
      for (let k = j - 1; k >= i; k--) {
        if (sorted[k]!.deprecated !== undefined) {
          dep = sorted[k]!.deprecated;
          break;
        }
      }
      const depJson = dep === undefined ? undefined : JSON.stringify(dep);
      for (let k = i; k < j; k++) {
        const e = sorted[k]!;
        if (depJson === undefined || JSON.stringify(e.deprecated) === depJson) {
          out.push(e);
          continue;
        }
        const prev = previous?.byKey.get(e.key);
        if (prev && previous!.base.get(e.key) === e && spreadOf(prev) === depJson) out.push(prev);
        else out.push(withDeprecated(e, dep));
      }
      i = j;
    }
    this.entries = out;
    this.byKey = new Map(out.map((e) => [e.key, e]));
  }

  get size(): number {
    return this.entries.length;
  }

  static empty(): Catalog {
    return new Catalog(undefined, new Map());
  }
}

const spreadCache = new WeakMap<Entry, string>();
function spreadOf(e: Entry): string | undefined {
  let s = spreadCache.get(e);
  if (s === undefined) {
    const doc = JSON.parse(e.packageBody.toString('utf8')) as Record<string, unknown>;
    s = JSON.stringify(doc.deprecated);
    spreadCache.set(e, s);
  }
  return s;
}

export type Manifest = unknown;

/** Bad entries are reported here (they are skipped, never fatal). */
export type OnBadEntry = (why: string) => void;

/** Build a catalog from a full list of raw entries. The first entry for a `name-version` wins. */
export async function buildCatalog(cursor: string | undefined, raws: AsyncIterable<{ manifest: unknown } | { bad: string }> | Iterable<unknown>, onBad: OnBadEntry): Promise<Catalog> {
  const base = new Map<string, Entry>();
  const add = (raw: unknown) => {
    let e: Entry;
    try {
      e = buildEntry(raw);
    } catch (err) {
      onBad((err as Error).message);
      return;
    }
    if (base.has(e.key)) {
      onBad(`${e.key}: duplicate entry, keeping the first`);
      return;
    }
    base.set(e.key, e);
  };
  if (Symbol.asyncIterator in (raws as object)) {
    for await (const r of raws as AsyncIterable<{ manifest: unknown } | { bad: string }>) {
      if ('bad' in r) onBad(r.bad);
      else add(r.manifest);
    }
  } else {
    for (const r of raws as Iterable<unknown>) add(r);
  }
  return new Catalog(cursor, base);
}

export interface DeltaStep {
  added: unknown[];
  updated: unknown[];
  removed: { name: string; version: string }[];
}

/**
 * Apply deltas in order to a catalog: `added` never overwrites, `updated` replaces the whole entry (or adds
 * it), `removed` deletes. Unchanged entries are reused.
 */
export function applyDeltas(prev: Catalog, cursor: string, steps: DeltaStep[], onBad: OnBadEntry): Catalog {
  const base = new Map(prev.base);
  for (const step of steps) {
    for (const r of step.removed) base.delete(`${r.name}-${r.version}`);
    for (const [list, overwrite] of [
      [step.added, false],
      [step.updated, true],
    ] as const) {
      for (const raw of list) {
        let e: Entry;
        try {
          e = buildEntry(raw);
        } catch (err) {
          onBad((err as Error).message);
          continue;
        }
        if (!overwrite && base.has(e.key)) continue;
        base.set(e.key, e);
      }
    }
  }
  return new Catalog(cursor, base, prev);
}
