/**
 * v1 → v2 migration: every `packages/<name>/<version>/` folder of a v1 package-storage checkout is built,
 * signed and published in legacy mode. Resumable: a version whose document exists is skipped without being
 * built. The index is built once at the end (and every `indexEvery` publishes), not after every package.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { toPsError, type ErrorCode } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS } from '../index/format.js';
import { runIndexer, mapLimit, type IndexerResult } from '../index/indexer.js';
import type { Keyring } from '../signing/index.js';
import { publishPackage, type PublishOptions } from './index.js';

export interface MigrateOptions {
  signingKey?: { armored: string; passphrase?: string };
  /** Verify each signature against these keys (default: none, the migration signs the zips itself). */
  keyring?: Keyring;
  concurrency?: number;
  /** Also run the indexer after this many new publishes (default 0 = only at the end). */
  indexEvery?: number;
  logger?: Logger;
  zipLimits?: PublishOptions['zipLimits'];
  /** Called after each version. */
  onProgress?: (p: { done: number; total: number; id: string; status: MigrateStatus }) => void;
  signal?: AbortSignal;
}

type MigrateStatus = 'published' | 'already' | 'refused';

export interface MigrateResult {
  total: number;
  published: string[];
  already: string[];
  refused: { id: string; code: ErrorCode; message: string }[];
  index?: IndexerResult;
  ms: number;
}

/** The `<name>/<version>` folders of a v1 `packages/` directory, sorted. */
export async function listV1Versions(dir: string): Promise<{ id: string; name: string; version: string; dir: string }[]> {
  const out: { id: string; name: string; version: string; dir: string }[] = [];
  for (const name of (await fsp.readdir(dir)).sort()) {
    const nd = path.join(dir, name);
    if (!(await fsp.stat(nd)).isDirectory()) continue;
    for (const version of (await fsp.readdir(nd)).sort()) {
      const vd = path.join(nd, version);
      if ((await fsp.stat(vd)).isDirectory()) out.push({ id: `${name}-${version}`, name, version, dir: vd });
    }
  }
  return out;
}

export async function migrateV1(store: ObjectStore, v1Dir: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const versions = await listV1Versions(v1Dir);
  const res: MigrateResult = { total: versions.length, published: [], already: [], refused: [], ms: 0 };
  let done = 0;
  let sinceIndex = 0;
  let indexing: Promise<unknown> = Promise.resolve();
  await mapLimit(versions, Math.max(1, opts.concurrency ?? 4), async (v) => {
    opts.signal?.throwIfAborted();
    let status: MigrateStatus;
    try {
      if (await store.head(KEYS.document(v.name, v.version), { signal: opts.signal })) {
        status = 'already';
      } else {
        const out = await publishPackage(store, { dir: v.dir }, {
          legacy: true,
          skipVerify: opts.keyring === undefined,
          keyring: opts.keyring,
          signingKey: opts.signingKey,
          index: false,
          logger: log,
          zipLimits: opts.zipLimits,
          signal: opts.signal,
        });
        status = out.status === 'published' ? 'published' : 'already';
      }
    } catch (e) {
      const err = toPsError(e);
      res.refused.push({ id: v.id, code: err.code, message: err.message });
      status = 'refused';
    }
    if (status === 'published') res.published.push(v.id);
    else if (status === 'already') res.already.push(v.id);
    done++;
    opts.onProgress?.({ done, total: versions.length, id: v.id, status });
    if (status === 'published' && opts.indexEvery && ++sinceIndex >= opts.indexEvery) {
      sinceIndex = 0;
      indexing = indexing.then(() => runIndexer(store, { logger: log }).catch((e: unknown) => log.warn({ err: String(e) }, 'migrate: periodic index run failed')));
    }
  });
  await indexing;
  res.index = await runIndexer(store, { logger: log, signal: opts.signal });
  res.published.sort();
  res.already.sort();
  res.refused.sort((a, b) => (a.id < b.id ? -1 : 1));
  res.ms = Math.round(performance.now() - t0);
  return res;
}
