/**
 * Garbage collection: a publish that crashed (or was refused after a race) may leave a zip, a .sig and static
 * files for a version whose document was never written. They are invisible (nothing points at them) and a
 * retry reuses them, so they are harmless; `gc` removes them once they are older than a grace period, so a
 * publish in progress is never disturbed. A version with a document is never touched.
 */
import { PsError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectInfo, ObjectStore } from '../storage/types.js';
import { KEYS, entryKey, parseDocumentKey, splitNameVersion } from '../index/format.js';

export interface GcOptions {
  /** Only objects whose newest member is older than this are removed (default 1 h). */
  graceMs?: number;
  dryRun?: boolean;
  logger?: Logger;
  /** Clock (tests). */
  now?: Date;
  signal?: AbortSignal;
}

export interface GcResult {
  /** Versions (`name-version`) whose leftovers were removed (or would be, with dryRun). */
  removed: string[];
  /** Versions with leftovers still inside the grace period. */
  young: string[];
  /** Object keys deleted (or that would be). */
  keys: string[];
}

export const DEFAULT_GRACE_MS = 60 * 60 * 1000;

/** Parse `90s`, `15m`, `1h`, `2d`, `500ms` or a plain number of seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new PsError('USAGE', `not a duration: '${s}' (use e.g. 30m, 1h, 2d)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(n * mult);
}

export async function collectGarbage(store: ObjectStore, opts: GcOptions = {}): Promise<GcResult> {
  const log = opts.logger ?? silentLogger;
  const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
  const now = (opts.now ?? new Date()).getTime();
  const signal = opts.signal;

  const published = new Set<string>();
  for (const o of (await store.list(KEYS.documentPrefix, { signal })).objects) {
    const nv = parseDocumentKey(o.key);
    if (nv) published.add(entryKey(nv));
  }
  // candidates: name-version → objects found so far
  const candidates = new Map<string, ObjectInfo[]>();
  const add = (nv: string, o?: ObjectInfo): void => {
    if (published.has(nv)) return;
    const list = candidates.get(nv) ?? [];
    if (o) list.push(o);
    candidates.set(nv, list);
  };
  const artifactsPrefix = 'artifacts/packages/';
  for (const o of (await store.list(artifactsPrefix, { delimiter: '/', signal })).objects) {
    const base = o.key.slice(artifactsPrefix.length).replace(/\.zip(\.sig)?$/, '');
    if (base === o.key.slice(artifactsPrefix.length) || !splitNameVersion(base)) continue;
    add(base, o);
  }
  const staticRoot = 'artifacts/static/';
  const staticFolders = new Set<string>();
  for (const p of (await store.list(staticRoot, { delimiter: '/', signal })).prefixes) {
    const nv = p.slice(staticRoot.length).replace(/\/$/, '');
    if (!splitNameVersion(nv) || published.has(nv)) continue;
    staticFolders.add(nv);
    add(nv);
  }

  const result: GcResult = { removed: [], young: [], keys: [] };
  for (const [nv, objs] of [...candidates.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { name, version } = splitNameVersion(nv)!;
    const statics = staticFolders.has(nv) ? (await store.list(KEYS.staticPrefix(name, version), { signal })).objects : [];
    const all = [...objs, ...statics];
    const newest = Math.max(0, ...all.map((o) => o.lastModified.getTime()));
    if (now - newest < grace) {
      result.young.push(nv);
      continue;
    }
    // last check right before deleting: a publish may have completed since the listing
    if (await store.head(KEYS.document(name, version), { signal })) continue;
    // statics first, the zip last: while the zip exists the version still shows up as garbage
    const order = [...statics.map((o) => o.key), ...objs.filter((o) => o.key.endsWith('.sig')).map((o) => o.key), ...objs.filter((o) => o.key.endsWith('.zip')).map((o) => o.key)];
    for (const key of order) {
      if (!opts.dryRun) await store.delete(key, { signal });
      result.keys.push(key);
    }
    result.removed.push(nv);
    log.info({ package: nv, objects: order.length, dryRun: opts.dryRun === true }, 'gc: removed leftovers of an unpublished version');
  }
  return result;
}
