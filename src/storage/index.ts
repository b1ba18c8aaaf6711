/**
 * Open an object store from a URL: a plain path or `file://` URL → `fs` backend; `s3://bucket/prefix` → `s3`;
 * `memory:` or `memory:<name>` → a new, empty in-memory store (one process only; gone when it exits).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PsError } from '../errors.js';
import type { Config } from '../config.js';
import type { ObjectStore } from './types.js';

export type { ObjectStore, ObjectInfo, GetResult, ListResult, Body, ByteRange, PutOptions } from './types.js';
export { validateKey } from './keys.js';

export async function openStore(url: string, config?: Partial<Config>): Promise<ObjectStore> {
  if (url.startsWith('memory:')) {
    const { MemoryStore } = await import('./memory.js');
    return new MemoryStore({ name: url.slice('memory:'.length) || 'default' });
  }
  if (url.startsWith('s3://')) {
    const { S3Store } = await import('./s3.js');
    return S3Store.fromUrl(url, config ?? {});
  }
  let dir: string;
  if (url.startsWith('file://')) dir = fileURLToPath(url);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new PsError('STORAGE_URL_INVALID', `unsupported scheme in '${url}' (use a path, file:// or s3://)`);
  else dir = url;
  const { FsStore } = await import('./fs.js');
  return FsStore.open(path.resolve(dir));
}
