/**
 * `mirror`: select package versions from an upstream registry with a distribution config (the `/search`
 * requests of Elastic's tool, their union de-duplicated by name+version, plus the pinned versions), then for
 * each version not already there: download its zip and signature (retries, backoff, idle timeouts, a bounded
 * number in flight), verify the signature against the trusted keys, and
 * - publish it into a store with the upstream signature as is (never re-signed), through the publish pipeline
 *   in legacy mode (only what deriving a correct document needs; the upstream validated the package), the
 *   index being built once at the end;
 * - and/or write `<n>-<v>.zip` and `.zip.sig` flat into each `download` action's destination.
 *
 * Nothing is written before the signature verifies (a tampered zip or an untrusted key writes nothing). One
 * failing version does not stop the others. A rerun skips what the store has (its document exists) and what a
 * destination holds already (zip + signature that verify), so an interrupted run resumes where it stopped.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PsError, toPsError, type ErrorCode } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS } from '../index/format.js';
import { mapLimit, runIndexer, type IndexerResult } from '../index/indexer.js';
import { publishZipFile, type PublishOptions } from '../publish/index.js';
import { openZip, checkPackageIdentity } from '../package/zip.js';
import { verifyDetached, type Keyring } from '../signing/index.js';
import { compareVersions, parseLenient } from '../registry/versions.js';
import { configAddress, joinUrl, pinnedPaths, searchUrls, type DistributionConfig } from './config.js';
import { downloadFile, getBytes, getJson, type UpstreamHttpOptions } from './http.js';

interface SelectedPackage {
  name: string;
  version: string;
  /** Path of the zip on the upstream (`download` of the answer, or `epr/{n}/{n}-{v}.zip` when pinned). */
  download: string;
  /** Path of the signature (`signature_path`), absent when the upstream says the version is unsigned. */
  signature?: string;
}

export interface Selection {
  packages: SelectedPackage[];
  searches: { url: string; count: number }[];
  /** Search items that cannot be mirrored (not a package name/version). */
  invalid: { item: string; reason: string }[];
}

const NAME = /^[a-z0-9_]+$/;
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** /search answers can be large (every version of everything), but not unbounded. */
const MAX_SEARCH_BYTES = 512 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 64 * 1024;

function compareSelected(a: SelectedPackage, b: SelectedPackage): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareVersions(parseLenient(a.version), parseLenient(b.version));
}

/** Run the config's searches (in order, at most `concurrency` at once) and build the selection. */
export async function collectSelection(cfg: DistributionConfig, http: UpstreamHttpOptions, concurrency = 4): Promise<Selection> {
  const urls = searchUrls(cfg);
  const answers: unknown[][] = new Array(urls.length);
  await mapLimit(urls, Math.max(1, concurrency), async (u, i) => {
    const { value } = await getJson(u, http, MAX_SEARCH_BYTES, `GET ${u}`);
    if (!Array.isArray(value)) throw new PsError('UPSTREAM_BAD_ANSWER', `GET ${u}: not a JSON array`);
    answers[i] = value;
  });
  const seen = new Map<string, SelectedPackage>();
  const invalid: Selection['invalid'] = [];
  // pinned first, as Elastic's tool does: they are in the map before any answer
  for (const p of cfg.packages) {
    const { download, signature } = pinnedPaths(p.name, p.version);
    if (!seen.has(`${p.name}-${p.version}`)) seen.set(`${p.name}-${p.version}`, { name: p.name, version: p.version, download, signature });
  }
  for (const list of answers) {
    for (const it of list) {
      const o = (typeof it === 'object' && it !== null ? it : {}) as Record<string, unknown>;
      const name = o.name;
      const version = o.version;
      const label = `${String(name)}-${String(version)}`.slice(0, 200);
      if (typeof name !== 'string' || !NAME.test(name) || typeof version !== 'string' || !VERSION.test(version)) {
        invalid.push({ item: label, reason: 'not a valid package name and version' });
        continue;
      }
      const key = `${name}-${version}`;
      if (seen.has(key)) continue;
      const download = typeof o.download === 'string' && o.download !== '' ? o.download : pinnedPaths(name, version).download;
      const signature = typeof o.signature_path === 'string' && o.signature_path !== '' ? o.signature_path : undefined;
      seen.set(key, { name, version, download, signature });
    }
  }
  return { packages: [...seen.values()].sort(compareSelected), searches: urls.map((url, i) => ({ url, count: answers[i]!.length })), invalid };
}

type MirrorStatus = 'mirrored' | 'already' | 'refused';

interface MirrorProgress {
  done: number;
  total: number;
  id: string;
  status: MirrorStatus;
  /** Bytes downloaded so far (all versions). */
  bytes: number;
  error?: { code: ErrorCode; message: string };
}

export interface MirrorOptions {
  /** Publish into this store. */
  store?: ObjectStore;
  /** Also (or only) write flat files here (the config's `download` actions by default). */
  destinations?: string[];
  keyring?: Keyring;
  /** Do not verify signatures (an unsigned upstream); what the upstream signed is still kept as is. */
  skipVerify?: boolean;
  /** Versions processed at once (default 4). */
  concurrency?: number;
  http: UpstreamHttpOptions;
  /** Largest zip accepted from the upstream (bytes; default 250 MiB). */
  maxZipBytes?: number;
  zipLimits?: PublishOptions['zipLimits'];
  logger?: Logger;
  signal?: AbortSignal;
  onSelection?: (s: Selection) => void;
  onProgress?: (p: MirrorProgress) => void;
  /** Every downloaded chunk (negative after a failed attempt). */
  onBytes?: (n: number) => void;
}

export interface MirrorResult {
  selection: Selection;
  mirrored: string[];
  already: string[];
  refused: { id: string; code: ErrorCode; message: string }[];
  /** Bytes downloaded (zips and signatures). */
  bytes: number;
  index?: IndexerResult;
  ms: number;
}

/** The download address: the first `download` action's own `address`, else the config's. */
function downloadAddress(cfg: DistributionConfig): string {
  for (const a of cfg.actions) if (a.kind === 'download' && a.address) return a.address;
  return configAddress(cfg);
}

const exists = (f: string) => fsp.stat(f).then((s) => s.isFile(), () => false);

export async function mirror(cfg: DistributionConfig, opts: MirrorOptions): Promise<MirrorResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  if (!opts.skipVerify && !opts.keyring) throw new PsError('SIGNATURE_UNKNOWN_KEY', 'no trusted keys given (--trusted-keys: Elastic\'s public key for Elastic\'s registry), or use --skip-verify');
  const destinations = opts.destinations ?? cfg.actions.flatMap((a) => (a.kind === 'download' ? [path.resolve(a.destination)] : []));
  for (const d of destinations) await fsp.mkdir(d, { recursive: true });
  const http = { ...opts.http, signal: opts.signal ?? opts.http.signal, logger: opts.http.logger ?? log };
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const selection = await collectSelection(cfg, http, concurrency);
  opts.onSelection?.(selection);
  const base = downloadAddress(cfg);
  const maxZip = opts.maxZipBytes ?? 250 * 1024 * 1024;
  const res: MirrorResult = { selection, mirrored: [], already: [], refused: [], bytes: 0, ms: 0 };
  for (const bad of selection.invalid) res.refused.push({ id: bad.item, code: 'UPSTREAM_BAD_ANSWER', message: `search answer item ${bad.item}: ${bad.reason}` });
  const staging = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-mirror-'));
  const onBytes = (n: number) => {
    res.bytes += n;
    opts.onBytes?.(n);
  };
  let done = 0;
  try {
    await mapLimit(selection.packages, concurrency, async (p) => {
      const id = `${p.name}-${p.version}`;
      let status: MirrorStatus;
      let error: MirrorProgress['error'];
      try {
        status = (await mirrorOne(p, id)) ? 'mirrored' : 'already';
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        const err = toPsError(e);
        error = { code: err.code, message: err.message };
        res.refused.push({ id, ...error });
        if (err.code === 'INTERNAL') log.error({ err: err.cause ?? err, id }, 'mirror: unexpected error');
        status = 'refused';
      }
      if (status === 'mirrored') res.mirrored.push(id);
      else if (status === 'already') res.already.push(id);
      done++;
      opts.onProgress?.({ done, total: selection.packages.length, id, status, bytes: res.bytes, error });
    });
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
  // one index run at the end (a no-op when nothing changed and an index exists)
  if (opts.store) res.index = await runIndexer(opts.store, { logger: log, signal: opts.signal });
  res.mirrored.sort();
  res.already.sort();
  res.refused.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  res.ms = Math.round(performance.now() - t0);
  return res;

  /** True if anything was written. */
  async function mirrorOne(p: SelectedPackage, id: string): Promise<boolean> {
    const store = opts.store;
    const needStore = store ? !(await store.head(KEYS.document(p.name, p.version), { signal: opts.signal })) : false;
    const needDest: string[] = [];
    for (const d of destinations) if (!(await validInDestination(d, id))) needDest.push(d);
    if (!needStore && needDest.length === 0) return false;

    if (p.signature === undefined && !opts.skipVerify) throw new PsError('SIGNATURE_MISSING', `${id}: the upstream has no signature for it (signature_path is absent); --skip-verify mirrors it unsigned`);
    let sig: string | undefined;
    if (p.signature !== undefined) {
      const u = joinUrl(base, p.signature).toString();
      try {
        const r = await getBytes(u, http, MAX_SIGNATURE_BYTES, `GET ${u}`);
        onBytes(r.body.length);
        sig = r.body.toString('utf8');
      } catch (e) {
        if (!(opts.skipVerify && (e as PsError).code === 'UPSTREAM_NOT_FOUND')) throw e;
      }
    }
    const zipUrl = joinUrl(base, p.download).toString();
    const tmp = path.join(staging, `${id}.zip`);
    try {
      await downloadFile(zipUrl, tmp, http, maxZip, onBytes, `GET ${zipUrl}`);
      // verified before anything is written anywhere
      if (!opts.skipVerify) await verifyDetached(tmp, sig!, opts.keyring!);
      if (needStore) {
        await publishZipFile(store!, tmp, sig, {
          legacy: true,
          skipVerify: true, // verified just above, against the same keyring
          index: false,
          expect: { name: p.name, version: p.version },
          logger: log,
          zipLimits: opts.zipLimits,
          signal: opts.signal,
        });
      } else {
        // no publish pipeline to check it: at least the zip must be the version it claims to be
        const src = await openZip(tmp, opts.zipLimits);
        try {
          const ident = await checkPackageIdentity(src);
          if (ident.name !== p.name || ident.version !== p.version) throw new PsError('PACKAGE_NAME_MISMATCH', `expected ${id}, the zip holds ${ident.name}-${ident.version}`);
        } finally {
          await src.close();
        }
      }
      for (const d of needDest) {
        // zip first, signature last: a zip without its (new) signature does not verify, so it is fetched again
        const zipPart = path.join(d, `.${id}.zip.part`);
        await fsp.copyFile(tmp, zipPart);
        await fsp.rename(zipPart, path.join(d, `${id}.zip`));
        if (sig !== undefined) {
          const sigPart = path.join(d, `.${id}.zip.sig.part`);
          await fsp.writeFile(sigPart, sig);
          await fsp.rename(sigPart, path.join(d, `${id}.zip.sig`));
        }
      }
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    return true;
  }

  async function validInDestination(d: string, id: string): Promise<boolean> {
    const zip = path.join(d, `${id}.zip`);
    const sigFile = `${zip}.sig`;
    if (!(await exists(zip))) return false;
    if (opts.skipVerify) return true;
    if (!(await exists(sigFile))) return false;
    try {
      await verifyDetached(zip, await fsp.readFile(sigFile, 'utf8'), opts.keyring!);
      return true;
    } catch {
      return false;
    }
  }
}
