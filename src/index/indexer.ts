/**
 * The indexer: derives a new index revision from the listing of package documents and moves
 * `v2/metadata/cursor.json` to it by compare-and-swap. Any number of indexers may run at once, in any
 * number of processes or machines; nothing coordinates them but the store's conditional writes.
 *
 * One attempt:
 *  1. read cursor.json (value + etag) and list the revision folders under v2/metadata/;
 *  2. base = the highest folder >= the cursor whose search-index-all.json is readable. Usually the cursor's
 *     own folder; it is higher only when an indexer wrote a folder and then lost the race or crashed
 *     ("orphan"). Building on the highest folder keeps the chain of deltas consistent for incremental
 *     readers, which apply every folder's delta between their cursor and the new one;
 *  3. list v2/packages/, read only new or changed documents (see revision.ts), assemble the revision;
 *  4. nothing changed and the base is the cursor's folder: done;
 *  5. claim folder next = nextCursor(highest) with putIfAbsent of search-index-all.json (the claim is the
 *     full index itself, so a folder never exists without it), then write our bookkeeping
 *     (package-storage-state.json) and search-index-delta.json;
 *  6. CAS cursor.json from the etag read in 1 (putIfAbsent the first time). If another indexer moved it,
 *     re-read; if the new cursor is our base we CAS again, otherwise start over with backoff and jitter.
 */
import { PsError, isPsError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore } from '../storage/types.js';
import { crashPoint } from './crash.js';
import { listCursorFolders, readCursor, readText } from './reader.js';

export { readCursor };
import { KEYS, entryKey, nextCursor, parseDocumentKey, type IndexEntry, type PackageDocument, type SearchIndexDelta } from './format.js';
import { assembleRevision, checkDocument, compareNameVersion, emptyRevision, entryOf, parseIndexAll, planRevision, rawOf, revEntry, serializeIndexState, type AssembledRevision, type BaseRevision, type ReadOutcome, type RevEntry } from './revision.js';
import { consumeMarkers, listJournal } from './journal.js';
import { LayoutMismatch, loadLineRevision, loadSpooledRevision, mergedIndexStream } from './spooled.js';

export interface IndexerOptions {
  logger?: Logger;
  /**
   * 'full' (default): list every package document (v2/packages/) and reconcile. 'journal': read only the
   * documents named by the publish journal (journal.ts), building on the previous revision; falls back to
   * a full run when the previous revision cannot be trusted for that (none, foreign, unreadable folders).
   */
  mode?: 'full' | 'journal';
  /** Attempts after the first one lost a race (default 100). */
  maxRetries?: number;
  signal?: AbortSignal;
  /** Documents read in parallel (default 16). */
  concurrency?: number;
}

export interface IndexerResult {
  /** The current cursor after the run ('' if the store holds no revision and no document). */
  cursor: string;
  /** How the last attempt found the changes: the journal only, or a full listing. */
  mode: 'full' | 'journal';
  /** True if this run wrote a revision and moved the cursor. */
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
  /** Entries in the revision the cursor points at (as seen by this run). */
  total: number;
  /** Documents skipped because they are not valid (logged). */
  skipped: number;
}

export interface IndexerDetailedResult extends IndexerResult {
  /** `name-version` of every entry of the resulting revision. */
  keys: Set<string>;
}

const JSON_TYPE = 'application/json';

export async function runIndexer(store: ObjectStore, opts: IndexerOptions = {}): Promise<IndexerResult> {
  const { keys: _keys, ...rest } = await runIndexerDetailed(store, opts);
  return rest;
}

/** Like runIndexer, also returning the keys of the resulting revision (publish uses it to confirm visibility). */
export async function runIndexerDetailed(store: ObjectStore, opts: IndexerOptions = {}): Promise<IndexerDetailedResult> {
  const log = opts.logger ?? silentLogger;
  const maxRetries = opts.maxRetries ?? 100;
  let spool = false;
  for (let attempt = 0; ; attempt++) {
    opts.signal?.throwIfAborted();
    const r = await attemptOnce(store, log, opts, spool);
    if (r.done) return r.result;
    if (r.spool) spool = true;
    if (attempt >= maxRetries) throw new PsError('INDEX_CONFLICT', `${attempt + 1} attempts lost the race (${r.reason}); run 'package-storage index' again`);
    const delay = Math.random() * Math.min(1000, 10 * 2 ** Math.min(attempt, 7));
    log.debug({ attempt, reason: r.reason, delay: Math.round(delay) }, 'index: lost a race, retrying');
    await new Promise((res) => setTimeout(res, delay));
  }
}

interface CoalesceState {
  running?: Promise<IndexerDetailedResult>;
  next?: Promise<IndexerDetailedResult>;
}
const coalescing = new WeakMap<ObjectStore, CoalesceState>();

/**
 * Run the indexer on behalf of a caller that just wrote a document, sharing runs between concurrent callers
 * of the same process (a registry receiving uploads, `migrate`, a batch `publish`): with no run in progress
 * one starts now; otherwise every caller arriving meanwhile waits for ONE follow-up run that starts after the
 * current one ends (so its listing sees their documents). N concurrent publishes in one process then cost
 * at most two indexer runs instead of N racing ones.
 */
export function requestIndexerRun(store: ObjectStore, opts: IndexerOptions = {}): Promise<IndexerDetailedResult> {
  let st = coalescing.get(store);
  if (!st) {
    st = {};
    coalescing.set(store, st);
  }
  const state = st;
  const start = (): Promise<IndexerDetailedResult> => {
    const p = runIndexerDetailed(store, opts).finally(() => {
      if (state.running === p) state.running = undefined;
    });
    state.running = p;
    return p;
  };
  if (!state.running) return start();
  if (!state.next) {
    state.next = state.running
      .catch(() => undefined)
      .then(() => {
        state.next = undefined;
        return state.running ?? start();
      });
  }
  return state.next;
}

/** `spool`: the next attempt must read its base in full (its file did not match its state). */
type Attempt = { done: true; result: IndexerDetailedResult } | { done: false; reason: string; spool?: boolean };

/**
 * One attempt. A journal run reads its base from the folder's state alone (loadLineRevision) and streams the
 * base's file once, into the next revision, unless `spool` (or a changed entry's previous text is needed):
 * then the base is read in full into a spool first (loadSpooledRevision).
 */
async function attemptOnce(store: ObjectStore, log: Logger, opts: IndexerOptions, spool: boolean): Promise<Attempt> {
  let base: BaseRevision = emptyRevision();
  try {
    return await attemptWith(store, log, opts, spool, (b) => (base = b));
  } finally {
    base.lines?.body.destroy?.();
  }
}

async function attemptWith(store: ObjectStore, log: Logger, opts: IndexerOptions, spool: boolean, setBase: (b: BaseRevision) => void): Promise<Attempt> {
  const signal = opts.signal;
  const cur = await readCursor(store, signal);
  const folders = await listRevisionFolders(store, signal);
  const highest = [cur.current ?? '', ...folders].reduce((a, b) => (b > a ? b : a), '');
  // the journal is listed before anything else is read: every marker listed here is reflected in what this
  // run builds, so this run may delete exactly these markers once its revision (or the base) is current
  const journal = await listJournal(store, signal);

  // 2. base revision
  const setBaseTo = (b: BaseRevision): BaseRevision => {
    setBase(b);
    return b;
  };
  let base: BaseRevision = emptyRevision();
  let unreadable = false;
  for (const f of [...folders].reverse()) {
    if (cur.current !== undefined && f < cur.current) break;
    try {
      base = setBaseTo(await loadRevision(store, f, log, signal, opts.mode === 'journal' && !spool));
      break;
    } catch (e) {
      // a journal run must not build on a lower folder than one it could not read (it would miss changes
      // whose markers are gone): this attempt becomes a full one
      unreadable = true;
      log.warn({ cursor: f, err: (e as Error).message }, 'index: revision folder is not readable; skipping it as a base');
    }
  }

  // 3. what changed: from the journal (when the base can be trusted for it), else from a full listing
  const journalOk =
    opts.mode === 'journal' && !unreadable && cur.current !== undefined && base.cursor !== undefined && base.cursor >= cur.current && base.etags.size === base.entries.size;
  const spooled = async (): Promise<BaseRevision> => {
    base.lines?.body.destroy?.();
    return setBaseTo(await loadRevision(store, base.cursor!, log, signal, false));
  };
  if (!journalOk && base.lines) base = await spooled();
  if (opts.mode === 'journal' && !journalOk) log.info({ cursor: cur.current, base: base.cursor }, 'index: the previous revision cannot be extended from the journal; listing every document');
  let rev: AssembledRevision;
  if (journalOk) {
    const reads = new Map<string, JournalRead>();
    await mapLimit([...journal.keys].sort(), opts.concurrency ?? 16, async (key) => {
      const nv = parseDocumentKey(`${KEYS.documentPrefix}${key}.json`)!;
      try {
        const res = await store.get(KEYS.document(nv.name, nv.version), { signal });
        const text = await bodyText(res.body);
        try {
          reads.set(key, { doc: checkDocument(text, nv), etag: res.info.etag });
        } catch (e) {
          reads.set(key, { error: (e as Error).message });
        }
      } catch (e) {
        if (isPsError(e, 'STORAGE_NOT_FOUND')) reads.set(key, 'gone');
        else throw e;
      }
    });
    // a document that changed under an entry carried as a line: its previous text decides added vs updated
    if (base.lines && [...reads].some(([k, r]) => typeof r === 'object' && 'doc' in r && base.entries.has(k) && base.etags.get(k) !== r.etag)) base = await spooled();
    rev = assembleFromJournal(base, reads);
  } else {
    const listing = await store.list(KEYS.documentPrefix, { signal });
    const listed = new Map<string, string>();
    for (const o of listing.objects) {
      const nv = parseDocumentKey(o.key);
      if (!nv) {
        if (!o.key.slice(KEYS.documentPrefix.length).includes('/')) log.warn({ key: o.key }, 'index: ignoring an object whose key is not {name}-{version}.json');
        continue;
      }
      listed.set(entryKey(nv), o.etag);
    }
    const plan = planRevision(base, listed);
    const reads = new Map<string, ReadOutcome>();
    await mapLimit(plan.toRead, opts.concurrency ?? 16, async (key) => {
      const nv = parseDocumentKey(`${KEYS.documentPrefix}${key}.json`)!;
      try {
        const text = await readText(store, KEYS.document(nv.name, nv.version), signal);
        reads.set(key, { doc: checkDocument(text, nv) });
      } catch (e) {
        if (isPsError(e, 'STORAGE_NOT_FOUND')) reads.set(key, { error: 'document vanished while indexing' });
        else if (e instanceof PsError) throw e;
        else reads.set(key, { error: (e as Error).message });
      }
    });
    rev = assembleRevision(base, listed, reads);
  }
  const mode = journalOk ? ('journal' as const) : ('full' as const);
  const consume = async () => {
    if (journal.markers.length === 0) return;
    crashPoint('journal-consume');
    await consumeMarkers(store, journal.markers, (key, err) => log.warn({ key, err: (err as Error).message }, 'index: could not delete a consumed journal marker'));
  };
  for (const s of rev.skipped) log.warn({ package: s.key, reason: s.reason }, 'index: skipping an invalid package document');
  const keys = new Set(rev.entries.map((e) => `${e.name}-${e.version}`));
  const summary = { mode, added: rev.delta.added.length, updated: rev.delta.updated.length, removed: rev.delta.removed.length, total: rev.entries.length, skipped: rev.skipped.length };

  // 4. up to date?
  if (cur.current !== undefined && base.cursor === cur.current && !rev.changed) {
    await consume();
    return { done: true, result: { cursor: cur.current, changed: false, ...summary, keys } };
  }
  if (cur.current === undefined && base.cursor === undefined && rev.entries.length === 0) {
    await consume();
    return { done: true, result: { cursor: '', changed: false, ...summary, keys } };
  }

  // 5. claim the next folder
  let next: string;
  try {
    next = nextCursor(highest || undefined);
  } catch (e) {
    throw new PsError('INDEX_INVALID', `cannot derive the next cursor: ${(e as Error).message}`);
  }
  let mismatch: LayoutMismatch | undefined;
  try {
    const body = mergedIndexStream(base, rev.entries);
    body.on('error', (e) => {
      if (e instanceof LayoutMismatch) mismatch = e;
    });
    await store.putIfAbsent(KEYS.indexAll(next), body, { contentType: JSON_TYPE, signal });
  } catch (e) {
    if (mismatch) {
      log.warn({ cursor: base.cursor, why: mismatch.message }, 'index: the previous revision does not match its state; reading it in full');
      return { done: false, reason: `base ${base.cursor}: ${mismatch.message}`, spool: true };
    }
    if (isPsError(e, 'STORAGE_PRECONDITION_FAILED')) return { done: false, reason: `folder ${next} taken` };
    throw e;
  }
  crashPoint('index-all');
  // The folder is ours (we created its index): our bookkeeping goes beside it. Losing it only costs re-reads.
  try {
    await store.putIfAbsent(KEYS.indexState(next), serializeIndexState(rev.entries, rev.etags), { contentType: JSON_TYPE, signal });
  } catch (e) {
    if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
    log.warn({ cursor: next }, 'index: state already present in a folder we claimed');
  }
  try {
    await store.putIfAbsent(KEYS.indexDelta(next), JSON.stringify(rev.delta), { contentType: JSON_TYPE, signal });
  } catch (e) {
    if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
    log.warn({ cursor: next }, 'index: delta already present in a folder we claimed');
  }
  crashPoint('index-delta');

  // 6. compare-and-swap the cursor
  const body = JSON.stringify({ current: next });
  let etag = cur.etag;
  for (let i = 0; i < 3; i++) {
    try {
      if (etag === undefined) await store.putIfAbsent(KEYS.cursor, body, { contentType: JSON_TYPE, signal });
      else await store.putIfMatch(KEYS.cursor, etag, body, { contentType: JSON_TYPE, signal });
      crashPoint('cursor');
      log.info({ cursor: next, ...summary }, 'index: new revision');
      await consume();
      return { done: true, result: { cursor: next, changed: true, ...summary, keys } };
    } catch (e) {
      if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
    }
    const now = await readCursor(store, signal);
    // Our revision is built on `base`; if the cursor just moved there, ours is still its successor.
    if (now.current !== undefined && now.current === base.cursor && now.current < next && now.etag !== etag) {
      etag = now.etag;
      continue;
    }
    return { done: false, reason: `cursor moved to ${now.current}` };
  }
  return { done: false, reason: 'cursor kept moving' };
}

/** Our revision folders (numeric cursors) under v2/metadata/, sorted as strings (the order readers use). */
export async function listRevisionFolders(store: ObjectStore, signal?: AbortSignal): Promise<string[]> {
  return (await listCursorFolders(store, signal)).filter((f) => /^\d+$/.test(f));
}

async function loadRevision(store: ObjectStore, cursor: string, log: Logger, signal: AbortSignal | undefined, lines: boolean): Promise<BaseRevision> {
  const state = await readOptionalText(store, KEYS.indexState(cursor), signal);
  try {
    if (lines) {
      const b = await loadLineRevision(store, cursor, state, signal);
      if (b) return b;
    }
    return await loadSpooledRevision(store, cursor, state, (why) => log.warn({ cursor, why }, 'index: dropping a bad entry of the previous revision'), signal);
  } catch (e) {
    if (e instanceof PsError) throw e;
    throw new PsError('INDEX_INVALID', `${KEYS.indexAll(cursor)}: ${(e as Error).message}`);
  }
}

type JournalRead = { doc: PackageDocument; etag: string } | { error: string } | 'gone';

/**
 * The next revision from the base and the documents named by the journal: a document read ok is added,
 * updated or (same content) only re-recorded; a document that no longer exists removes its entry; an invalid
 * one is skipped and the previous entry, if any, is kept as it was.
 */
function assembleFromJournal(base: BaseRevision, reads: Map<string, JournalRead>): AssembledRevision {
  const out = new Map(base.entries);
  const etags: Record<string, string> = Object.fromEntries(base.etags);
  const delta: SearchIndexDelta = { added: [], updated: [], removed: [] };
  const skipped: { key: string; reason: string }[] = [];
  let bookkeeping = false;
  let added = false;
  let newKeys = 0;
  for (const [key, r] of reads) {
    const prev = base.entries.get(key);
    if (r === 'gone') {
      if (prev) {
        out.delete(key);
        delete etags[key];
        delta.removed.push({ name: prev.name, version: prev.version });
      }
      continue;
    }
    if ('error' in r) {
      skipped.push({ key, reason: r.error });
      continue;
    }
    // the same document (same etag) as a base entry carried as a line of the base file: the same entry
    if (prev && base.lines && base.etags.get(key) === r.etag) continue;
    const next = revEntry({ package_manifest: r.doc });
    out.set(key, next);
    if (base.etags.get(key) !== r.etag) bookkeeping = true;
    etags[key] = r.etag;
    if (!prev) {
      delta.added.push(next.entry!);
      added = true;
      newKeys++;
    } else if (rawOf(prev) !== rawOf(next)) delta.updated.push(next.entry!);
  }
  // the base is sorted (we write it so); only new keys need a sort
  let entries = [...out.values()];
  if (added) entries = withNewSorted(entries, out.size - newKeys, base.lines !== undefined);
  delta.added.sort((a, b) => compareNameVersion(a.package_manifest, b.package_manifest));
  delta.updated.sort((a, b) => compareNameVersion(a.package_manifest, b.package_manifest));
  delta.removed.sort(compareNameVersion);
  const changed = bookkeeping || delta.added.length > 0 || delta.updated.length > 0 || delta.removed.length > 0;
  return { entries, etags, delta, changed, skipped };
}

/**
 * `entries` = the base's entries in the base's order (`carried` of them), then the new ones. The result is
 * sorted: a base we stream from its state is one we wrote sorted, so a few new entries are inserted by binary
 * search (a full sort of 10k entries parses every version: ~50 ms of a CLI run); otherwise all are sorted.
 */
function withNewSorted(entries: RevEntry[], carried: number, baseSorted: boolean): RevEntry[] {
  const fresh = entries.length - carried;
  if (!baseSorted || fresh > 64) return entries.sort(compareNameVersion);
  const out = entries.slice(0, carried);
  for (const e of entries.slice(carried).sort(compareNameVersion)) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareNameVersion(out[mid]!, e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, e);
  }
  return out;
}

async function bodyText(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The revision the cursor points at: its entries, the cursor and cursor.json's etag. No cursor yet: no
 * packages. Throws INDEX_INVALID if the revision cannot be read.
 */
export async function readCurrentIndex(store: ObjectStore, opts: { signal?: AbortSignal } = {}): Promise<{ cursor?: string; etag?: string; packages: IndexEntry[] }> {
  const cur = await readCursor(store, opts.signal);
  if (cur.current === undefined) return { packages: [] };
  let text: string;
  try {
    text = await readText(store, KEYS.indexAll(cur.current), opts.signal);
  } catch (e) {
    if (isPsError(e, 'STORAGE_NOT_FOUND')) throw new PsError('INDEX_INVALID', `cursor points at ${cur.current} but ${KEYS.indexAll(cur.current)} is missing`);
    throw e;
  }
  const state = await readOptionalText(store, KEYS.indexState(cur.current), opts.signal);
  let rev: BaseRevision;
  try {
    rev = parseIndexAll(text, cur.current, undefined, state);
  } catch (e) {
    throw new PsError('INDEX_INVALID', `${KEYS.indexAll(cur.current)}: ${(e as Error).message}`);
  }
  return { cursor: cur.current, etag: cur.etag, packages: [...rev.entries.values()].map(entryOf) };
}

/** The text of an object, or undefined if it does not exist. */
async function readOptionalText(store: ObjectStore, key: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return await readText(store, key, signal);
  } catch (e) {
    if (isPsError(e, 'STORAGE_NOT_FOUND')) return undefined;
    throw e;
  }
}

export async function mapLimit<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
