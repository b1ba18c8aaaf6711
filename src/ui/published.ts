/**
 * Publication times of package versions (issue 17, item 4), for the web UI's own endpoints:
 *
 *   GET /api/v1/ui/packages/{name}/published → { name, versions: [{ version, published }] }  (oldest first)
 *   GET /api/v1/ui/updated                   → { updated: { <name>: <newest publish time of any version> } }
 *
 * A version's publish time is the last-modified time of its package document (`v2/packages/{n}-{v}.json`):
 * publish writes that document last and once (versions are immutable), so its time is when the version became
 * visible. The EPR shapes (/search, /package) are untouched.
 *
 * Cost is bounded whatever the requests: the times come from ONE listing of `v2/packages/` per catalog revision
 * (single-flight, at most one listing per `minRelistMs` even when revisions change faster, failed ones included),
 * kept in memory; after the first, listings run in the background while the previous snapshot answers.
 * A request never touches the store for a name: names are checked against the in-memory catalog, so a flood of
 * made-up names costs a map lookup each. Keys in the listing that are not in the catalog (leftovers, hostile
 * files, unindexed documents) are ignored.
 */
import { KEYS, parseDocumentKey } from '../index/format.js';
import type { ObjectStore } from '../storage/types.js';

/** The part of the registry's Catalog this needs (src/registry/catalog.ts). */
export interface CatalogView {
  readonly cursor: string | undefined;
  readonly entries: readonly { readonly key: string; readonly name: string; readonly version: string }[];
}

export interface VersionTime {
  version: string;
  /** ISO 8601 time the package document was written, or null when the store did not list it. */
  published: string | null;
}

export interface TimesSnapshot {
  readonly cursor: string | undefined;
  /** `name-version` → publish time (ms since epoch), for every well-named document the listing returned. */
  readonly times: ReadonlyMap<string, number>;
  /** `{"updated":{...}}` over the catalog the listing was taken for, serialized once per snapshot. */
  readonly updatedBody: Buffer;
  /** Strong validator of the snapshot, for ETag / If-None-Match. */
  readonly etag: string;
  /** When the listing was taken (ms since epoch). */
  readonly takenAt: number;
}

export interface PublishTimesOptions {
  /** Smallest time between two listings of v2/packages/ (ms). Default 5000. */
  minRelistMs?: number;
  now?: () => number;
}

/** The catalog's versions of `name` (entries are sorted by name, then version): a binary search, no scan. */
export function versionsOf<E extends { readonly name: string }>(entries: readonly E[], name: string): E[] {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.name < name) lo = mid + 1;
    else hi = mid;
  }
  const out: E[] = [];
  for (let i = lo; i < entries.length && entries[i]!.name === name; i++) out.push(entries[i]!);
  return out;
}

export class PublishTimes {
  private snap?: TimesSnapshot;
  private inflight?: Promise<TimesSnapshot>;
  private seq = 0;
  private lastAttempt = -Infinity;
  private lastError: unknown;
  /** How many listings were taken (for tests and metrics). */
  listings = 0;
  private readonly minRelistMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: ObjectStore,
    private readonly getCatalog: () => CatalogView | undefined,
    o: PublishTimesOptions = {},
  ) {
    this.minRelistMs = o.minRelistMs ?? 5000;
    this.now = o.now ?? Date.now;
  }

  /**
   * The times for the current catalog. After a new revision the previous snapshot is answered at once while one
   * listing runs in the background (stale-while-revalidate): requests wait for the store only on the very first
   * call. Versions the snapshot does not know yet read as `published: null` until the listing completes.
   */
  async get(): Promise<TimesSnapshot> {
    const cat = this.getCatalog();
    const s = this.snap;
    if (s && (cat === undefined || s.cursor === cat.cursor)) return s;
    if (s) {
      this.start()?.catch(() => {}); // the failure is kept in lastError; the stale snapshot still answers
      return s;
    }
    const p = this.start();
    if (p) return p;
    throw this.lastError ?? new Error('publish times are not available yet');
  }

  /** Start a listing unless one is running or the last one began less than minRelistMs ago (failed ones too). */
  private start(): Promise<TimesSnapshot> | undefined {
    if (this.inflight) return this.inflight;
    if (this.now() - this.lastAttempt < this.minRelistMs) return undefined;
    this.lastAttempt = this.now();
    const p = this.take()
      .then(
        (r) => ((this.lastError = undefined), r),
        (e: unknown) => {
          this.lastError = e;
          throw e;
        },
      )
      .finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
    this.inflight = p;
    return p;
  }

  /** The versions of `name` in the current catalog with their times; undefined if the catalog has no such name. */
  async published(name: string): Promise<{ etag: string; versions: VersionTime[] } | undefined> {
    const cat = this.getCatalog();
    if (cat && versionsOf(cat.entries, name).length === 0) return undefined; // no store access for unknown names
    const snap = await this.get();
    const entries = versionsOf((this.getCatalog() ?? cat)?.entries ?? [], name);
    if (entries.length === 0) return undefined;
    const versions = entries.map((e) => {
      const t = snap.times.get(e.key);
      return { version: e.version, published: t === undefined ? null : new Date(t).toISOString() };
    });
    return { etag: snap.etag, versions };
  }

  private async take(): Promise<TimesSnapshot> {
    const cat = this.getCatalog();
    const takenAt = this.now();
    this.listings++;
    const { objects } = await this.store.list(KEYS.documentPrefix);
    const times = new Map<string, number>();
    for (const o of objects) {
      const nv = parseDocumentKey(o.key);
      if (!nv || o.key.slice(KEYS.documentPrefix.length).includes('/')) continue;
      const t = o.lastModified instanceof Date ? o.lastModified.getTime() : NaN;
      if (Number.isFinite(t)) times.set(`${nv.name}-${nv.version}`, t);
    }
    const newest = new Map<string, number>();
    for (const e of cat?.entries ?? []) {
      const t = times.get(e.key);
      if (t !== undefined && t > (newest.get(e.name) ?? -Infinity)) newest.set(e.name, t);
    }
    const updated: Record<string, string> = {};
    for (const [n, t] of newest) updated[n] = new Date(t).toISOString();
    const snap: TimesSnapshot = {
      cursor: cat?.cursor,
      times,
      updatedBody: Buffer.from(JSON.stringify({ updated })),
      etag: `"pt-${cat?.cursor ?? 'none'}-${takenAt.toString(36)}-${++this.seq}"`,
      takenAt,
    };
    this.snap = snap;
    return snap;
  }
}
