/**
 * The index reader used by the registry: reads `cursor.json`, streams `search-index-all.json` one entry at a
 * time (the raw text is never held whole), and reads the `search-index-delta.json` files between two cursors.
 *
 * Works on our buckets and on buckets written by Elastic's jobs (cursors "1", epoch seconds...): cursor
 * folders are compared as strings, as Elastic's registry does.
 *
 * Entries are handed out raw (`unknown`): checking them (name, version, constraints) is the caller's job,
 * and a bad entry must be skipped by the caller, never fail the load. Only a body that is not an index at all
 * (not JSON, no `packages` array) makes a load fail.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { PsError, isPsError } from '../errors.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS } from './format.js';

/**
 * The current cursor value and the etag of `cursor.json` (both undefined when there is none yet).
 * Throws INDEX_INVALID if it is unreadable or names no valid folder.
 */
export async function readCursor(store: ObjectStore, signal?: AbortSignal): Promise<{ current?: string; etag?: string }> {
  let res;
  try {
    res = await store.get(KEYS.cursor, { signal });
  } catch (e) {
    if (isPsError(e, 'STORAGE_NOT_FOUND')) return {};
    throw e;
  }
  const text = await bodyText(res.body);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PsError('INDEX_INVALID', `${KEYS.cursor} is not JSON`);
  }
  const current = (data as { current?: unknown } | null)?.current;
  if (typeof current !== 'string' || current === '' || current.includes('/') || current === '..' || current === '.') {
    throw new PsError('INDEX_INVALID', `${KEYS.cursor} has no valid "current"`);
  }
  return { current, etag: res.info.etag };
}

/** The current cursor, or undefined when the store has no `cursor.json` yet. Throws INDEX_INVALID if unreadable. */
export async function readCurrentCursor(store: ObjectStore, signal?: AbortSignal): Promise<string | undefined> {
  return (await readCursor(store, signal)).current;
}

/** The revision folder names directly under `v2/metadata/`, sorted as strings (the order readers compare them in). */
export async function listCursorFolders(store: ObjectStore, signal?: AbortSignal): Promise<string[]> {
  const { prefixes } = await store.list(KEYS.metadataPrefix, { delimiter: '/', signal });
  return prefixes
    .map((p) => p.slice(KEYS.metadataPrefix.length).replace(/\/$/, ''))
    .filter((f) => f !== '')
    .sort();
}

/**
 * Stream the entries of `v2/metadata/{cursor}/search-index-all.json`: yields each element of the top-level
 * `packages` array, unwrapped (`package_manifest`), or `{ bad }` for an element that is not a wrapper object.
 */
export async function* streamFullIndex(store: ObjectStore, cursor: string, signal?: AbortSignal): AsyncGenerator<{ manifest: unknown } | { bad: string }> {
  const key = KEYS.indexAll(cursor);
  const res = await store.get(key, { signal });
  let i = 0;
  try {
    for await (const raw of streamPackagesArray(res.body)) {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (e) {
        throw new PsError('INDEX_INVALID', `${key}: packages[${i}] is not JSON: ${(e as Error).message}`);
      }
      if (isObject(v) && isObject(v.package_manifest)) yield { manifest: v.package_manifest };
      else yield { bad: `packages[${i}] is not an object with a package_manifest object` };
      i++;
    }
  } catch (e) {
    res.body.destroy();
    if (e instanceof PsError) throw e;
    throw new PsError('INDEX_INVALID', `${key}: ${(e as Error).message}`, { cause: e });
  }
}

export interface DeltaFile {
  added: unknown[];
  updated: unknown[];
  removed: { name: string; version: string }[];
}

/** Read and check `v2/metadata/{cursor}/search-index-delta.json`. Throws INDEX_INVALID or STORAGE_NOT_FOUND. */
export async function readDelta(store: ObjectStore, cursor: string, signal?: AbortSignal): Promise<DeltaFile> {
  const key = KEYS.indexDelta(cursor);
  const text = await readText(store, key, signal);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PsError('INDEX_INVALID', `${key} is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(data)) throw new PsError('INDEX_INVALID', `${key} is not an object`);
  const out: DeltaFile = { added: [], updated: [], removed: [] };
  for (const k of ['added', 'updated'] as const) {
    const arr = data[k] ?? [];
    if (!Array.isArray(arr)) throw new PsError('INDEX_INVALID', `${key}: "${k}" is not an array`);
    out[k] = arr.map((w) => (isObject(w) && isObject(w.package_manifest) ? w.package_manifest : w));
  }
  const removed = data.removed ?? [];
  if (!Array.isArray(removed)) throw new PsError('INDEX_INVALID', `${key}: "removed" is not an array`);
  for (const r of removed) {
    if (isObject(r) && typeof r.name === 'string' && typeof r.version === 'string') out.removed.push({ name: r.name, version: r.version });
  }
  return out;
}

/**
 * The cursor folders strictly after `from` and up to `to` (inclusive), ascending as strings, or undefined if
 * `to` is not after `from` or its folder is not listed (the caller then does a full load).
 */
export async function cursorsBetween(store: ObjectStore, from: string, to: string, signal?: AbortSignal): Promise<string[] | undefined> {
  if (!(to > from)) return undefined;
  const folders = (await listCursorFolders(store, signal)).filter((f) => f > from && f <= to);
  if (folders[folders.length - 1] !== to) return undefined;
  return folders;
}

/** The whole text of an object (only for small objects: cursor, deltas, documents). */
export async function readText(store: ObjectStore, key: string, signal?: AbortSignal): Promise<string> {
  return bodyText((await store.get(key, { signal })).body);
}

async function bodyText(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Split a JSON document `{ ..., "packages": [ e0, e1, ... ], ... }` into the raw text of each element of the
 * top-level `packages` array, without building the whole document. Other top-level keys are skipped.
 * Throws if the input is not a JSON object or has no `packages` array.
 */
export async function* streamPackagesArray(body: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const dec = new StringDecoder('utf8');
  let depth = 0;
  let inString = false;
  let escape = false;
  let started = false;
  let stringBuf: string | undefined; // captured text of a depth-1 string (candidate key), capped
  let lastString: string | undefined;
  let keyForValue: string | undefined;
  let expectKey = false;
  let inArray = false; // inside the packages array (array at depth 2)
  let foundArray = false;
  let done = false;
  let elem: string[] | undefined; // parts of the current element
  let elemStart: number; // index in the current chunk where the element started
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    if (done) continue;
    const s = typeof chunk === 'string' ? chunk : dec.write(chunk);
    elemStart = elem ? 0 : -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (inString) {
        if (stringBuf !== undefined && stringBuf.length < 64) stringBuf += s[i];
        if (escape) escape = false;
        else if (c === 0x5c) escape = true;
        else if (c === 0x22) {
          inString = false;
          if (stringBuf !== undefined) {
            lastString = stringBuf.slice(0, -1);
            stringBuf = undefined;
          }
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (!started) {
        if (c !== 0x7b) throw new Error('the index is not a JSON object');
        started = true;
        depth = 1;
        expectKey = true;
        continue;
      }
      if (inArray && depth === 2 && elem === undefined) {
        // start of an element, a separator, or the end of the array
        if (c === 0x2c) continue;
        if (c === 0x5d) {
          inArray = false;
          done = true;
          break;
        }
        elem = [];
        elemStart = i;
      }
      switch (c) {
        case 0x22: // "
          inString = true;
          if (depth === 1 && expectKey) stringBuf = '';
          break;
        case 0x3a: // :
          if (depth === 1) {
            keyForValue = lastString;
            expectKey = false;
          }
          break;
        case 0x2c: // ,
          if (depth === 1) expectKey = true;
          else if (inArray && depth === 2 && elem) {
            // end of a scalar element
            elem.push(s.slice(elemStart, i));
            yield elem.join('');
            elem = undefined;
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (depth === 1 && c === 0x5b && keyForValue === 'packages' && !foundArray) {
            foundArray = true;
            inArray = true;
          }
          depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (inArray && depth === 2 && elem && c === 0x5d) {
            // end of the array right after a scalar element
            elem.push(s.slice(elemStart, i));
            yield elem.join('');
            elem = undefined;
            inArray = false;
            done = true;
            break;
          }
          depth--;
          if (inArray && depth === 2 && elem) {
            elem.push(s.slice(elemStart, i + 1));
            yield elem.join('');
            elem = undefined;
          }
          if (depth === 0) done = true;
          break;
        default:
          break;
      }
      if (done) break;
    }
    if (elem && !done) elem.push(s.slice(elemStart));
  }
  if (!started) throw new Error('the index is empty');
  if (!foundArray) throw new Error('the index has no "packages" array');
  if (inArray || elem) throw new Error('the index ends inside the "packages" array');
}
