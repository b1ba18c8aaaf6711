/**
 * Keeps the registry's catalog in step with the store: polls `cursor.json` every `pollIntervalMs`, and
 * `refresh()` can be called at any time (the in-process publish endpoint does). On a new cursor it applies the
 * deltas of every revision folder between the old and new cursor when it can, else loads the full index,
 * then swaps the whole catalog at once. Any failure keeps the old catalog (and is retried at the next poll).
 *
 * An unreadable current revision (garbage cursor.json, a cursor naming a missing folder, a truncated index) never
 * yields an empty healthy registry: the newest readable revision is served instead (logged at error level), and
 * when none is readable `health` says `unavailable` (the server answers 503) until one loads. No cursor.json at
 * all is a normal, empty registry.
 *
 * On a local-disk store (`fs:` description) the watcher also watches `v2/metadata/` (inotify through
 * fs.watch) and refreshes as soon as something there changes, so a publish is visible without waiting for the
 * next poll; polling stays the rule (a missed or unsupported event costs at most one interval).
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore } from '../storage/types.js';
import { isPsError } from '../errors.js';
import { KEYS } from '../index/format.js';
import { cursorsBetween, listCursorFolders, readCursor, readDelta } from '../index/reader.js';
import { applyDeltas, Catalog, type DeltaStep } from './catalog.js';
import { loadFullCatalog } from './loader.js';

export interface RefreshOutcome {
  /** `fallback`: the revision cursor.json names is unreadable; an older one is served (see `health`). */
  mode: 'unchanged' | 'full' | 'delta' | 'fallback' | 'error';
  cursor?: string;
  count: number;
  ms: number;
  skipped: number;
  error?: string;
}

export interface WatcherOptions {
  logger?: Logger;
  pollIntervalMs?: number;
  /** At most this many deltas are applied in one go; more means a full load. */
  maxDeltas?: number;
  onSwap?: (c: Catalog, o: RefreshOutcome) => void;
  onRefresh?: (o: RefreshOutcome) => void;
  /** While serving an older revision (or nothing) because the current one is unreadable, retry it this often (ms). Default 30000. */
  retryUnreadableMs?: number;
  /** On a local-disk store, also refresh on file-change events under v2/metadata/ (default true). */
  watchLocal?: boolean;
}

export class CatalogWatcher {
  private catalog: Catalog = Catalog.empty();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly log: Logger;
  private state: WatcherHealth = { state: 'ok' };
  /** cursor.json as last acted on (value and etag), and when: an unreadable one is retried every `retryUnreadableMs`. */
  private lastSig: string | undefined;
  private lastAttempt = 0;
  private fsWatcher: FSWatcher | undefined;
  private eventPending = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: WatcherOptions = {},
  ) {
    this.log = opts.logger ?? silentLogger;
  }

  /** The current catalog (an immutable snapshot: keep the reference for the whole request). */
  get current(): Catalog {
    return this.catalog;
  }

  /** Check the cursor now and load what changed. Calls are serialized; each one sees the latest cursor. */
  refresh(): Promise<RefreshOutcome> {
    const p = this.chain.then(() => this.doRefresh());
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Load once, then poll. */
  async start(): Promise<RefreshOutcome> {
    this.stopped = false;
    const first = await this.refresh();
    this.watchLocalFolder();
    this.schedule();
    return first;
  }

  /** Refresh on changes under a local store's v2/metadata/ (best effort: no folder yet, or no inotify, is fine). */
  private watchLocalFolder(): void {
    if (this.stopped || this.fsWatcher || this.opts.watchLocal === false || !this.store.description.startsWith('fs:')) return;
    try {
      const w = watch(path.join(this.store.description.slice(3), KEYS.metadataPrefix), { persistent: false }, () => {
        if (this.eventPending || this.stopped) return;
        // one refresh per burst of events (a revision is several files); refresh() itself is serialized
        this.eventPending = true;
        setImmediate(() => {
          this.eventPending = false;
          void this.refresh().catch((e: unknown) => this.log.error({ err: (e as Error)?.message ?? String(e) }, 'catalog: a refresh callback failed'));
        });
      });
      w.on('error', () => {
        w.close();
        if (this.fsWatcher === w) this.fsWatcher = undefined;
      });
      this.fsWatcher = w;
    } catch {
      /* not watchable (yet): polling only; tried again after each poll */
    }
  }

  stop(): void {
    this.fsWatcher?.close();
    this.fsWatcher = undefined;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // refresh() rejects only if an onRefresh/onSwap callback throws (doRefresh catches the rest); left
      // unhandled, that rejection would end the process, so log it and keep polling.
      this.refresh()
        .catch((e: unknown) => this.log.error({ err: (e as Error)?.message ?? String(e) }, 'catalog: a refresh callback failed'))
        .finally(() => {
          this.watchLocalFolder();
          this.schedule();
        });
    }, this.opts.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Whether the registry has an index to serve (`unavailable`: a cursor exists but no revision could be read). */
  get health(): WatcherHealth {
    return this.state;
  }

  /** Load the full index of one revision (the loader; kept apart from revision selection). */
  private loadFull(cursor: string, onBad: (why: string) => void): Promise<Catalog> {
    return loadFullCatalog(this.store, cursor, onBad);
  }

  private async doRefresh(): Promise<RefreshOutcome> {
    const t0 = performance.now();
    const old = this.catalog;
    let skipped = 0;
    const onBad = (why: string) => {
      skipped++;
      this.log.warn({ why }, 'catalog: skipping a bad index entry');
    };
    let outcome: RefreshOutcome;
    try {
      let named: NamedCursor;
      try {
        const c = await readCursor(this.store);
        named = c.current === undefined ? { kind: 'none' } : { kind: 'ok', cursor: c.current, sig: `${c.current}@${c.etag ?? ''}` };
      } catch (e) {
        if (!isPsError(e, 'INDEX_INVALID')) throw e;
        const etag = (await this.store.head(KEYS.cursor).catch(() => undefined))?.etag ?? '';
        named = { kind: 'bad', why: e.message, sig: `bad@${etag}` };
      }
      if (named.kind === 'none') {
        // no cursor yet: a normal, empty registry (or, if a catalog was loaded before, keep it)
        if (old.cursor === undefined) this.state = { state: 'ok' };
        outcome = { mode: 'unchanged', cursor: old.cursor, count: old.size, ms: performance.now() - t0, skipped: 0 };
        this.opts.onRefresh?.(outcome);
        return outcome;
      }
      const sameAsLast = named.sig === this.lastSig;
      const retryDue = performance.now() - this.lastAttempt >= (this.opts.retryUnreadableMs ?? 30_000);
      if ((named.kind === 'ok' && named.cursor === old.cursor) || (sameAsLast && (this.state.state === 'ok' ? !this.state.fallback || !retryDue : !retryDue))) {
        outcome = { mode: 'unchanged', cursor: old.cursor, count: old.size, ms: performance.now() - t0, skipped: 0 };
        this.opts.onRefresh?.(outcome);
        return outcome;
      }
      this.lastSig = named.sig;
      this.lastAttempt = performance.now();
      let next: Catalog | undefined;
      let mode: 'full' | 'delta' = 'full';
      let fallback: WatcherHealth['fallback'];
      if (named.kind === 'ok' && old.cursor !== undefined && this.state.state === 'ok' && !this.state.fallback) {
        try {
          const folders = await cursorsBetween(this.store, old.cursor, named.cursor);
          // deltas append to the spool; once most of it is left over from old revisions, a full load compacts it
          const compact = old.spool.size > 2 * old.liveBytes + 64 * 1024 * 1024;
          if (folders && folders.length <= (this.opts.maxDeltas ?? 100) && !compact) {
            const steps: DeltaStep[] = [];
            for (const f of folders) steps.push(await readDelta(this.store, f));
            next = applyDeltas(old, named.cursor, steps, onBad);
            mode = 'delta';
          }
        } catch (e) {
          this.log.info({ from: old.cursor, to: named.cursor, err: (e as Error).message }, 'catalog: deltas not usable, loading the full index');
          next = undefined;
          skipped = 0;
        }
      }
      if (!next) {
        const chosen = await selectRevision(
          this.store,
          named.kind === 'ok' ? { cursor: named.cursor } : { unreadable: named.why },
          (c) => (c === old.cursor ? Promise.resolve(old) : this.loadFull(c, onBad)),
          (c, why) => this.log.error({ revision: c, why }, 'catalog: index revision is not readable'),
        );
        if (!chosen) {
          if (old.cursor !== undefined) {
            // the catalog in memory is still a good one: keep serving it
            this.log.error({ named: named.kind === 'ok' ? named.cursor : named.why, serving: old.cursor }, 'catalog: no readable index revision in the store; keeping the catalog in memory');
            throw new Error('no readable index revision');
          }
          this.state = { state: 'unavailable', reason: named.kind === 'ok' ? `no readable index revision (cursor.json names ${named.cursor})` : `no readable index revision (${named.why})` };
          this.log.error({ reason: this.state.reason }, 'catalog: NO READABLE INDEX REVISION: /health answers 503 and data endpoints 503 until one loads');
          throw new Error(this.state.reason);
        }
        next = chosen.catalog;
        if (chosen.cursor !== (named.kind === 'ok' ? named.cursor : undefined)) {
          fallback = { named: named.kind === 'ok' ? named.cursor : undefined, why: chosen.why ?? 'unreadable' };
          this.log.error(
            { named: fallback.named ?? '(cursor.json unreadable)', why: fallback.why, serving: chosen.cursor },
            `catalog: the current index revision is NOT readable; serving the newest readable revision ${chosen.cursor} instead`,
          );
        }
      }
      const swapped = next !== old;
      this.catalog = next;
      this.state = fallback ? { state: 'ok', fallback: { ...fallback, serving: next.cursor } } : { state: 'ok' };
      outcome = { mode: fallback ? 'fallback' : mode, cursor: next.cursor, count: next.size, ms: performance.now() - t0, skipped };
      if (swapped) {
        this.log.info({ cursor: next.cursor, count: next.size, ms: Math.round(outcome.ms), mode: outcome.mode, skipped }, 'catalog: swapped');
        this.opts.onSwap?.(next, outcome);
      }
    } catch (e) {
      // nothing loaded yet and the store cannot be read: not an empty registry
      if (old.cursor === undefined && this.state.state === 'ok') this.state = { state: 'unavailable', reason: `the index cannot be read: ${(e as Error).message}` };
      outcome = { mode: 'error', cursor: old.cursor, count: old.size, ms: performance.now() - t0, skipped, error: (e as Error).message };
      this.log.error({ err: (e as Error).message, cursor: old.cursor }, 'catalog: reload failed, keeping the current catalog');
    }
    this.opts.onRefresh?.(outcome);
    return outcome;
  }
}

type NamedCursor = { kind: 'none' } | { kind: 'ok'; cursor: string; sig: string } | { kind: 'bad'; why: string; sig: string };

/** `ok` (maybe serving an older revision than cursor.json names: `fallback`), or `unavailable` (nothing to serve). */
export interface WatcherHealth {
  state: 'ok' | 'unavailable';
  reason?: string;
  fallback?: { named?: string; why: string; serving?: string };
}

/**
 * Revision selection: the revision `cursor.json` names when it loads; otherwise (cursor.json unreadable, its
 * folder missing, its index unreadable) the newest older revision folder that loads (folders compared as
 * strings, newest first; with an unreadable cursor.json, every folder is a candidate). `load` is the loader
 * (whatever builds a catalog from one revision); `onUnreadable` hears each revision that failed.
 * Undefined when none loads.
 */
async function selectRevision<C>(
  store: ObjectStore,
  named: { cursor: string } | { unreadable: string },
  load: (cursor: string) => Promise<C>,
  onUnreadable: (cursor: string, why: string) => void = () => undefined,
): Promise<{ cursor: string; catalog: C; why?: string } | undefined> {
  let why: string | undefined;
  if ('cursor' in named) {
    try {
      return { cursor: named.cursor, catalog: await load(named.cursor) };
    } catch (e) {
      why = isPsError(e, 'STORAGE_NOT_FOUND') ? `cursor.json names revision ${named.cursor}, whose index does not exist` : `revision ${named.cursor}: ${(e as Error).message}`;
      if (isPsError(e, 'STORAGE_UNAVAILABLE')) throw e;
      onUnreadable(named.cursor, why);
    }
  } else why = named.unreadable;
  const folders = (await listCursorFolders(store)).filter((f) => !('cursor' in named) || f < named.cursor).reverse();
  for (const f of folders) {
    try {
      return { cursor: f, catalog: await load(f), why };
    } catch (e) {
      if (isPsError(e, 'STORAGE_UNAVAILABLE')) throw e;
      onUnreadable(f, (e as Error).message);
    }
  }
  return undefined;
}
