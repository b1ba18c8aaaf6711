/**
 * Production-scale test data: the v1 corpus documents (derived from its package folders exactly as publish
 * derives them, signed) renumbered into N versions, written as one index revision in our layout (one entry per
 * line, with the indexer's state) or in Elastic's compact formatting, with cursor.json.
 *
 * The N documents themselves are not written to v2/packages/ (at 50,000 versions that alone takes minutes of
 * fsyncs on this disk): a registry reads only the index, and a journal index run reads only the documents named
 * by the journal. The state records a synthetic etag per entry, so the revision counts as one of ours.
 */
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ROOT } from './lib.js';
import { openStore } from '../src/storage/index.js';
import { KEYS, formatCursor } from '../src/index/format.js';
import { openFolder } from '../src/package/folder.js';
import { deriveDocument } from '../src/package/document.js';

export const CORPUS = path.resolve(ROOT, '../shared/testdata/v1-corpus/packages');

/** Every corpus version's document (cached in `cacheFile`, one JSON per line). */
export async function corpusDocuments(cacheFile: string): Promise<Record<string, unknown>[]> {
  if (existsSync(cacheFile)) return readFileSync(cacheFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const docs: Record<string, unknown>[] = [];
  for (const name of readdirSync(CORPUS).sort()) {
    for (const v of readdirSync(path.join(CORPUS, name)).sort()) {
      const src = await openFolder(path.join(CORPUS, name, v));
      try {
        docs.push((await deriveDocument(src, { signed: true })) as Record<string, unknown>);
      } catch {
        /* a corpus version our deriver refuses: not used */
      } finally {
        await src.close?.();
      }
    }
  }
  writeFileSync(cacheFile, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return docs;
}

/** Version `i` of N: a corpus document renamed to a fresh version of the same package. */
export function synthDoc(docs: Record<string, unknown>[], i: number): Record<string, unknown> {
  const base = docs[i % docs.length]!;
  const name = String(base.name);
  const round = Math.floor(i / docs.length);
  const version = `${100 + round}.${i % 1000}.${i}`;
  const s = JSON.stringify(base).split(`/${name}/${String(base.version)}`).join(`/${name}/${version}`).split(`${name}-${String(base.version)}`).join(`${name}-${version}`);
  return { ...(JSON.parse(s) as Record<string, unknown>), version };
}

function cmp(a: { name: string; v: number[] }, b: { name: string; v: number[] }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  for (let k = 0; k < 3; k++) if (a.v[k] !== b.v[k]) return a.v[k]! - b.v[k]!;
  return 0;
}

/** Write an N-version revision (cursor 1) into the store at `storage`. Returns the index size in bytes. */
export async function synthStore(storage: string, n: number, docs: Record<string, unknown>[], layout: 'ours' | 'elastic'): Promise<number> {
  const store = await openStore(storage);
  // sorted as the indexer sorts (name, then version): the synthetic versions are numeric triples
  const order = Array.from({ length: n }, (_, i) => {
    const d = docs[i % docs.length]!;
    const round = Math.floor(i / docs.length);
    return { i, name: String(d.name), v: [100 + round, i % 1000, i] };
  }).sort(cmp);
  let bytes = 0;
  function* body(): Generator<Buffer> {
    const head = layout === 'ours' ? '{"packages":[\n' : '{"packages":[';
    const sep = layout === 'ours' ? ',\n' : ',';
    const tail = layout === 'ours' ? '\n]}\n' : ']}';
    let parts: string[] = [head];
    let size = 0;
    for (const [k, o] of order.entries()) {
      const s = JSON.stringify({ package_manifest: synthDoc(docs, o.i) });
      parts.push(k < order.length - 1 ? s + sep : s);
      size += s.length;
      if (size > 1 << 20) {
        const b = Buffer.from(parts.join(''));
        bytes += b.length;
        yield b;
        parts = [];
        size = 0;
      }
    }
    parts.push(tail);
    const b = Buffer.from(parts.join(''));
    bytes += b.length;
    yield b;
  }
  const cursor = formatCursor(1);
  await store.put(KEYS.indexAll(cursor), Readable.from(body(), { objectMode: false }));
  if (layout === 'ours') {
    const keys = order.map((o) => `${o.name}-${o.v.join('.')}`);
    const documents: Record<string, string> = {};
    for (const k of keys) documents[k] = `synthetic-${k}`;
    await store.put(KEYS.indexState(cursor), `${JSON.stringify({ version: 2, keys, documents })}\n`);
  }
  await store.put(KEYS.cursor, JSON.stringify({ current: cursor }));
  await store.close?.();
  return bytes;
}
