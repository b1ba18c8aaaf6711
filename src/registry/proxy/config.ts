/** The proxy's options from the typed config (`serve --proxy-to`). */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import { PsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProxyOptions } from './index.js';

/** Beside a local store (`./data` → `./data-proxy-cache`), never inside it; under the temp folder for S3. */
function defaultProxyCacheDir(storage: string): string {
  if (storage.startsWith('s3://')) return path.join(os.tmpdir(), 'package-storage-proxy-cache');
  const dir = storage.startsWith('file://') ? fileURLToPath(storage) : storage;
  return `${path.resolve(dir)}-proxy-cache`;
}

/** undefined when no upstream is configured. Refuses a cache folder inside (or equal to) a local store. */
export async function proxyOptionsFromConfig(cfg: Config, trustedKeys: string | undefined, logger: Logger): Promise<ProxyOptions | undefined> {
  if (!cfg.proxyTo) return undefined;
  const cacheDir = path.resolve(cfg.proxyCacheDir ?? defaultProxyCacheDir(cfg.storage));
  if (!cfg.storage.startsWith('s3://')) {
    const root = path.resolve(cfg.storage.startsWith('file://') ? fileURLToPath(cfg.storage) : cfg.storage);
    const rel = path.relative(root, cacheDir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
      throw new PsError('CONFIG_INVALID', `the proxy cache (${cacheDir}) must not be inside the store (${root}): upstream content never goes into the published namespace`);
    }
  }
  let keyring;
  if (trustedKeys) {
    const { loadKeyring } = await import('../../signing/index.js');
    keyring = await loadKeyring(trustedKeys);
  }
  return {
    upstream: cfg.proxyTo,
    cacheDir,
    keyring,
    maxZipBytes: cfg.maxZipBytes,
    http: { timeoutMs: cfg.upstreamTimeoutMs, retries: cfg.upstreamRetries, backoffMs: cfg.upstreamBackoffMs },
    logger,
  };
}
