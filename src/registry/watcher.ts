/**
 * Keeps the registry's catalog in step with the store: polls `cursor.json` every `pollIntervalMs`, and
 * `refresh()` can be called at any time (the in-process publish endpoint does). On a new cursor it applies the
 * deltas of every revision folder between the old and new cursor when it can, else loads the full index,
 * then swaps the whole catalog at once. Any failure keeps the old catalog (and is retried at the next poll).
 */
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore } from '../storage/types.js';
import { cursorsBetween, readCurrentCursor, readDelta } from '../index/reader.js';
import { applyDeltas, Catalog, type DeltaStep } from './catalog.js';
import { loadFullCatalog } from './loader.js';

export interface RefreshOutcome {
  mode: 'unchanged' | 'full' | 'delta' | 'error';
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
}

export class CatalogWatcher {
  private catalog: Catalog = Catalog.empty();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly log: Logger;

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
    this.schedule();
    return first;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refresh().finally(() => this.schedule());
    }, this.opts.pollIntervalMs ?? 1000);
    this.timer.unref();
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
      const cursor = await readCurrentCursor(this.store);
      if (cursor === undefined || cursor === old.cursor) {
        outcome = { mode: 'unchanged', cursor: old.cursor, count: old.size, ms: performance.now() - t0, skipped: 0 };
        this.opts.onRefresh?.(outcome);
        return outcome;
      }
      let next: Catalog | undefined;
      let mode: 'full' | 'delta' = 'full';
      if (old.cursor !== undefined) {
        try {
          const folders = await cursorsBetween(this.store, old.cursor, cursor);
          // deltas append to the spool; once most of it is left over from old revisions, a full load compacts it
          const compact = old.spool.size > 2 * old.liveBytes + 64 * 1024 * 1024;
          if (folders && folders.length <= (this.opts.maxDeltas ?? 100) && !compact) {
            const steps: DeltaStep[] = [];
            for (const f of folders) steps.push(await readDelta(this.store, f));
            next = applyDeltas(old, cursor, steps, onBad);
            mode = 'delta';
          }
        } catch (e) {
          this.log.info({ from: old.cursor, to: cursor, err: (e as Error).message }, 'catalog: deltas not usable, loading the full index');
          next = undefined;
          skipped = 0;
        }
      }
      if (!next) next = await loadFullCatalog(this.store, cursor, onBad);
      this.catalog = next;
      outcome = { mode, cursor, count: next.size, ms: performance.now() - t0, skipped };
      this.log.info({ cursor, count: next.size, ms: Math.round(outcome.ms), mode, skipped }, 'catalog: swapped');
      this.opts.onSwap?.(next, outcome);
    } catch (e) {
      outcome = { mode: 'error', cursor: old.cursor, count: old.size, ms: performance.now() - t0, skipped, error: (e as Error).message };
      this.log.error({ err: (e as Error).message, cursor: old.cursor }, 'catalog: reload failed, keeping the current catalog');
    }
    this.opts.onRefresh?.(outcome);
    return outcome;
  }
}
