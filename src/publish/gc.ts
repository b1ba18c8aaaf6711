/**
 * Garbage collection: a publish that crashed (or was refused after a race) may leave a zip, a .sig and static
 * files for a version whose document was never written. They are invisible (nothing points at them) and a
 * retry reuses them, so they are harmless; `gc` removes them once they are older than a grace period, so a
 * publish in progress is never disturbed. A version with a document is never touched.
 *
 * gc vs a publish of the same version at the same time (the retry of an old crashed publish reuses objects
 * older than the grace period): a claim object, `v2/gc/{name}-{version}.json`, that both sides respect.
 * - gc writes the claim (putIfAbsent), THEN checks that the document is absent, and only then deletes, all
 *   within GC_LEASE_MS of its own clock; it removes the claim when done.
 * - publish writes the document, THEN waits until no claim exists, and only then checks that every object is
 *   there, putting back any gc removed; only then does it report success.
 * Each side writes before it reads the other's mark, so (the store being strongly consistent, as local disk,
 * S3 and RGW are) either gc sees the document and deletes nothing, or publish sees the claim and waits until
 * gc's deletes are over before its final check. A claim left by a gc that died is removed by a publish that has
 * seen it unchanged for GC_CLAIM_STALE_MS, and by the next gc once it is GC_CLAIM_EXPIRED_MS old.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { PsError, isPsError } from '../errors.js';
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

/** Where gc's claims live (beside Elastic's layout; Elastic's registry never reads them). */
const GC_CLAIM_PREFIX = 'v2/gc/';
/** The claim gc holds while it deletes a version's leftovers. */
export const gcClaimKey = (name: string, version: string): string => `${GC_CLAIM_PREFIX}${name}-${version}.json`;
/** gc deletes under one claim for at most this long (by its own monotonic clock); past it, it stops. */
const GC_LEASE_MS = 30_000;
/** A publish that has seen the same claim for this long (its own clock) takes it for a dead gc's and removes it. */
export const GC_CLAIM_STALE_MS = 4 * GC_LEASE_MS;
/** gc removes claims older than this (by their stored time): left by a gc that died. */
const GC_CLAIM_EXPIRED_MS = 10 * 60_000;

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
    // statics first, the zip last: while the zip exists the version still shows up as garbage
    const order = [...statics.map((o) => o.key), ...objs.filter((o) => o.key.endsWith('.sig')).map((o) => o.key), ...objs.filter((o) => o.key.endsWith('.zip')).map((o) => o.key)];
    if (opts.dryRun) {
      if (await store.head(KEYS.document(name, version), { signal })) continue;
      result.keys.push(...order);
      result.removed.push(nv);
      log.info({ package: nv, objects: order.length, dryRun: true }, 'gc: would remove leftovers of an unpublished version');
      continue;
    }
    // the claim first, then the document check (see the module comment: the order is what makes it sound)
    const claim = gcClaimKey(name, version);
    const leaseStart = performance.now();
    try {
      await store.putIfAbsent(claim, JSON.stringify({ gc: randomBytes(8).toString('hex'), pid: process.pid, host: os.hostname(), at: new Date().toISOString() }), { contentType: 'application/json', signal });
    } catch (e) {
      if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
      log.info({ package: nv }, 'gc: another gc holds this version; skipped');
      continue;
    }
    let deleted = 0;
    try {
      if (await store.head(KEYS.document(name, version), { signal })) continue; // published meanwhile
      for (const key of order) {
        if (performance.now() - leaseStart > GC_LEASE_MS) {
          log.warn({ package: nv, deleted, of: order.length }, 'gc: lease over; leaving the rest for the next run');
          break;
        }
        await store.delete(key, { signal });
        result.keys.push(key);
        deleted++;
      }
    } finally {
      await store.delete(claim).catch((e) => log.warn({ package: nv, err: (e as Error).message }, 'gc: could not remove its claim (a publish removes it once stale)'));
    }
    if (deleted === order.length) result.removed.push(nv);
    log.info({ package: nv, objects: deleted }, 'gc: removed leftovers of an unpublished version');
  }
  // claims left by a gc that died long ago
  for (const o of (await store.list(GC_CLAIM_PREFIX, { signal })).objects) {
    if (now - o.lastModified.getTime() > GC_CLAIM_EXPIRED_MS && !opts.dryRun) {
      await store.delete(o.key, { signal });
      log.warn({ key: o.key }, 'gc: removed an expired claim (left by a gc that died)');
    }
  }
  return result;
}
