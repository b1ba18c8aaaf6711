/**
 * Open an object store from a URL: a plain path or `file://` URL → `fs` backend; `s3://bucket/prefix` → `s3`;
 * `memory:` or `memory:<name>` → a new, empty in-memory store (one process only; gone when it exits).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PsError } from '../errors.js';
import type { Config } from '../config.js';
import type { ObjectStore } from './types.js';

export type { ObjectStore,       } from './types.js';
;

/** Scheme names an operator may mean, seen without their `:` (`s3//bucket`): never taken for a local folder. */
const SCHEME_LIKE = /^(s3|s3a|s3n|file|https?|gs|gcs|az|abfss?|wasbs?|minio|r2)\/\//i;

export async function openStore(url: string, config?: Partial<Config>): Promise<ObjectStore> {
  if (url.startsWith('memory:')) {
    const { MemoryStore } = await import('./memory.js');
    return new MemoryStore({ name: url.slice('memory:'.length) || 'default' });
  }
  if (url.startsWith('s3://')) {
    const { S3Store } = await import('./s3.js');
    return S3Store.fromUrl(url, config ?? {});
  }
  const invalid = (why: string): never => {
    throw new PsError('STORAGE_URL_INVALID', `'${url}': ${why} (use a path, file:///abs/path or s3://bucket/prefix)`);
  };
  let dir: string;
  if (url.startsWith('file://')) {
    try {
      dir = fileURLToPath(url);
    } catch (e) {
      return invalid((e as Error).message);
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !(process.platform === 'win32' && /^[a-z]:[\\/]/i.test(url))) {
    // anything with a scheme that is not exactly s3:// or file:// (s3:/bucket, s3:bucket, S3://, ftp://...):
    // never a local folder named 's3:'
    const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
    return invalid(scheme === 's3' || scheme === 'file' ? `not a valid ${scheme}:// URL` : `unsupported scheme '${scheme}:'`);
  } else if (SCHEME_LIKE.test(url)) {
    return invalid(`looks like a URL without its ':'`);
  } else dir = url;
  const { FsStore } = await import('./fs.js');
  return FsStore.open(path.resolve(dir));
}
