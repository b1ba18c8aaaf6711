/**
 * The registry's in-memory catalog: an immutable snapshot of one index revision, built from package
 * documents. Per package version it keeps only a compact struct the filters run over (docs/http-api.md §4)
 * and the offset of the document in a local spool file (spool.ts); the `/package/{n}/{v}/` body and the
 * `/search` item are serialized on demand and kept in LRUs (bounded by bytes). A new revision builds a new Catalog
 * (reusing the entries that did not change) and the server swaps the reference atomically; the response
 * caches live in the Catalog, so a swap clears them.
 *
 * Pure: no I/O. Documents are shaped by `package/document.ts` (allow-list, key order, omitempty).
 */
import { LRUCache } from 'lru-cache';
import { normalizeDocument, toSearchItem } from '../package/document.js';
import type { PackageDocument } from '../index/format.js';
import { escapeSeparators, goJson } from './http.js';
import type { Compressible } from './compress.js';
import { Spool } from './spool.js';
import { compareVersions, isPrerelease, parseConstraint, parseStrict, type Constraint, type Version } from './versions.js';

/** Location of an entry's document text in the catalog's spool. */
interface Source {
  readonly spool: Spool;
  readonly off: number;
  readonly len: number;
  /** The text is an index element `{"package_manifest": {...}}` (else the document itself). */
  readonly wrapped: boolean;
}

/**
 * One package version: the compact structure the filters run over (docs/http-api.md §4), and where its
 * document lives. The `/package` body and the `/search` item are built from the document on demand and kept
 * in the spool's LRUs, so memory does not grow with document size.
 */
export class Entry {
  /** `name-version` */
  readonly key: string;
  constructor(
    readonly name: string,
    readonly version: string,
    readonly v: Version,
    /** Semver prerelease tag or `release: experimental` (docs/http-api.md §4.1, rule 1). */
    readonly prerelease: boolean,
    readonly release: string,
    readonly type: string,
    readonly kibana: Constraint | undefined,
    readonly agent: Constraint | undefined,
    readonly capabilities: readonly string[] | undefined,
    readonly categories: readonly string[],
    /** Categories of each policy template (undefined = the template has no `categories` key). */
    readonly ptCategories: readonly (readonly string[] | undefined)[],
    /** format_version, or null when absent/unparsable (a spec filter then fails the request). */
    readonly spec: Version | null,
    readonly fields: readonly string[] | undefined,
    readonly datasets: readonly string[] | undefined,
    /** The entry's own `deprecated` block (before spreading). */
    readonly deprecated: unknown,
    /** The document announces a signature (`signature_path`). */
    readonly signed: boolean,
    readonly src: Source,
    /** The `deprecated` block spread onto this version from a higher one (docs/http-api.md §4.3), if it differs from its own. */
    readonly spread?: { readonly value: unknown },
  ) {
    this.key = `${name}-${version}`;
  }

  /** This entry served with another `deprecated` block (deprecation spreading). */
  withSpread(value: unknown): Entry {
    return new Entry(this.name, this.version, this.v, this.prerelease, this.release, this.type, this.kibana, this.agent, this.capabilities, this.categories, this.ptCategories, this.spec, this.fields, this.datasets, this.deprecated, this.signed, this.src, { value });
  }

  /** The normalized document as served (with the spread `deprecated` block), read from the spool. */
  document(): PackageDocument {
    let raw = JSON.parse(this.src.spool.read(this.src.off, this.src.len).toString('utf8')) as unknown;
    if (this.src.wrapped) raw = (raw as { package_manifest: unknown }).package_manifest;
    let doc = normalizeDocument(raw);
    if (this.spread) {
      (doc as Record<string, unknown>).deprecated = this.spread.value;
      doc = normalizeDocument(doc);
    }
    return doc;
  }

  /** `/package/{n}/{v}/` answer: 2-space JSON + newline (built once, then kept in an LRU with its gzip form). */
  get packageAnswer(): CachedResponse {
    const lru = bodyCaches(this.src.spool).packages;
    let r = lru.get(this);
    if (!r) {
      r = { status: 200, body: exactBuffer(goJson(this.document())), contentType: JSON_TYPE };
      lru.set(this, r);
    }
    return r;
  }

  get packageBody(): Buffer {
    return this.packageAnswer.body;
  }

  /** `/search` item: 2-space JSON, every line indented by two more spaces (an array element). */
  get searchItem(): string {
    const lru = bodyCaches(this.src.spool).items;
    let s = lru.get(this);
    if (s === undefined) {
      s = indentItem(escapeSeparators(JSON.stringify(toSearchItem(this.document()), null, 2)));
      lru.set(this, s);
    }
    return s;
  }
}

const JSON_TYPE = 'application/json';

/** Bytes of serialized answers kept per spool, for bodies and as many for items (config.bodyCacheMB). */
let BODY_CACHE_BYTES = 32 * 1024 * 1024;
export function setBodyCacheBytes(n: number): void {
  BODY_CACHE_BYTES = Math.max(1024 * 1024, n);
}

interface BodyCaches {
  packages: LRUCache<Entry, CachedResponse>;
  items: LRUCache<Entry, string>;
}
const caches = new WeakMap<Spool, BodyCaches>();
function bodyCaches(s: Spool): BodyCaches {
  let c = caches.get(s);
  if (!c) {
    c = {
      packages: new LRUCache<Entry, CachedResponse>({ maxSize: BODY_CACHE_BYTES, sizeCalculation: (r) => r.body.length + (r.gzip?.length ?? 0) + (r.br?.length ?? 0) + 64 }),
      items: new LRUCache<Entry, string>({ maxSize: BODY_CACHE_BYTES, sizeCalculation: (s) => s.length + 64 }),
    };
    caches.set(s, c);
  }
  return c;
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
 * Build a catalog entry from a raw index entry (`package_manifest`) whose text is at `src`. Throws an Error
 * saying what is wrong for an entry that must be skipped: not an object, bad name or version, unparsable
 * constraint.
 */
function buildEntry(raw: unknown, src: Source): Entry {
  if (!isObject(raw)) throw new Error('entry is not an object');
  const name = raw.name;
  const version = raw.version;
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw new Error(`bad package name ${JSON.stringify(name)}`);
  if (typeof version !== 'string') throw new Error(`${name}: bad version ${JSON.stringify(version)}`);
  const v = parseStrict(version);
  if (!v) throw new Error(`${name}: version '${version}' is not strict semver`);
  // the filter fields are read from the raw document with type checks of their own; the full normalization
  // (allow-list, key order) runs only when a body is built (Entry.document), not for every entry at load
  const doc = raw as PackageDocument;
  const cond = isObject(doc.conditions) ? doc.conditions : {};
  const constraint = (k: 'kibana' | 'agent'): Constraint | undefined => {
    const c = isObject(cond[k]) ? (cond[k] as Record<string, unknown>).version : undefined;
    if (c === undefined || c === null || c === '') return undefined;
    if (typeof c !== 'string') throw new Error(`${name}-${version}: conditions.${k}.version is not a string`);
    try {
      return parseConstraint(c);
    } catch (e) {
      throw new Error(`${name}-${version}: conditions.${k}.version '${c}': ${(e as Error).message}`, { cause: e });
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
  return new Entry(
    name,
    version,
    v,
    isPrerelease(v) || release === 'experimental',
    release,
    typeof doc.type === 'string' ? doc.type : '',
    constraint('kibana'),
    constraint('agent'),
    caps && caps.length > 0 ? caps : undefined,
    strings(doc.categories) ?? [],
    pts.map((t) => (isObject(t) && Array.isArray(t.categories) ? strings(t.categories)! : undefined)),
    spec,
    fields && fields.length > 0 ? fields : undefined,
    datasets && datasets.length > 0 ? datasets : undefined,
    doc.deprecated,
    typeof doc.signature_path === 'string' && doc.signature_path !== '',
    src,
  );
}

/** Append a raw document to the spool and build its entry. */
export function buildEntryInSpool(raw: unknown, spool: Spool): Entry {
  const text = Buffer.from(JSON.stringify(raw) ?? 'null');
  const off = spool.append(text);
  return buildEntry(raw, { spool, off, len: text.length, wrapped: false });
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareVersions(a.v, b.v);
}

export interface CachedResponse extends Compressible {
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
    /** Where the documents of new entries go (deltas append to the spool of the catalog they apply to). */
    readonly spool: Spool = previous?.spool ?? Spool.create(),
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
        if (prev && previous!.base.get(e.key) === e && prev.spread && JSON.stringify(prev.spread.value) === depJson) out.push(prev);
        else out.push(e.withSpread(dep));
      }
      i = j;
    }
    this.entries = out;
    this.byKey = new Map(out.map((e) => [e.key, e]));
    let live = 0;
    for (const e of base.values()) live += e.src.len;
    this.liveBytes = live;
  }

  /** Bytes of the spool that the entries of this catalog use (the rest is left over from older revisions). */
  readonly liveBytes: number;

  get size(): number {
    return this.entries.length;
  }

  static empty(): Catalog {
    return new Catalog(undefined, new Map());
  }
}

/** Bad entries are reported here (they are skipped, never fatal). */
export type OnBadEntry = (why: string) => void;

/**
 * Collects entries for a new catalog: the first entry for a `name-version` wins, bad ones go to `onBad`.
 */
export class CatalogBuilder {
  readonly base = new Map<string, Entry>();
  constructor(
    readonly spool: Spool,
    private readonly onBad: OnBadEntry,
  ) {}

  add(raw: unknown, src: { off: number; len: number; wrapped: boolean }): void {
    let e: Entry;
    try {
      e = buildEntry(raw, { spool: this.spool, ...src });
    } catch (err) {
      this.onBad((err as Error).message);
      return;
    }
    if (this.base.has(e.key)) {
      this.onBad(`${e.key}: duplicate entry, keeping the first`);
      return;
    }
    this.base.set(e.key, e);
  }

  finish(cursor: string | undefined): Catalog {
    return new Catalog(cursor, this.base, undefined, this.spool);
  }
}

/** Build a catalog from a full list of raw entries (tests, small indexes). The first entry for a `name-version` wins. */
export async function buildCatalog(cursor: string | undefined, raws: AsyncIterable<{ manifest: unknown } | { bad: string }> | Iterable<unknown>, onBad: OnBadEntry): Promise<Catalog> {
  const b = new CatalogBuilder(Spool.create(), onBad);
  const add = (raw: unknown) => {
    const text = Buffer.from(JSON.stringify(raw) ?? 'null');
    b.add(raw, { off: b.spool.append(text), len: text.length, wrapped: false });
  };
  if (Symbol.asyncIterator in (raws as object)) {
    for await (const r of raws as AsyncIterable<{ manifest: unknown } | { bad: string }>) {
      if ('bad' in r) onBad(r.bad);
      else add(r.manifest);
    }
  } else {
    for (const r of raws as Iterable<unknown>) add(r);
  }
  return b.finish(cursor);
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
          e = buildEntryInSpool(raw, prev.spool);
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
