import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS, CURSOR_WIDTH, entryKey, type IndexEntry, type SearchIndexDelta } from './format.js';
import { listRevisionFolders, readCurrentIndex, readCursor, requestIndexerRun, runIndexer } from './indexer.js';
import { revEntry, serializeIndexAll, serializeIndexState } from './revision.js';

async function withStore(fn: (s: ObjectStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-indexer-'));
  const store = await openStore(dir);
  try {
    await fn(store, dir);
  } finally {
    await store.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

const doc = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, title: `${name} ${version}`, format_version: '1.0.0', ...extra });
const putDoc = (s: ObjectStore, name: string, version: string, extra: Record<string, unknown> = {}) => s.putIfAbsent(KEYS.document(name, version), JSON.stringify(doc(name, version, extra)));

async function text(s: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await s.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
const json = async <T>(s: ObjectStore, key: string): Promise<T> => JSON.parse(await text(s, key)) as T;
const keysOf = (entries: IndexEntry[]) => entries.map((e) => entryKey(e.package_manifest)).sort();

/**
 * What an incremental reader (Elastic's #1923) does: start from `from`'s full index and apply the delta of
 * every folder in (from, to], in string order, falling back to a folder's full index if its delta is missing.
 */
async function replay(s: ObjectStore, from: string | undefined, to: string): Promise<string[]> {
  const m = new Map<string, IndexEntry>();
  if (from) for (const e of (await json<{ packages: IndexEntry[] }>(s, KEYS.indexAll(from))).packages) m.set(entryKey(e.package_manifest), e);
  for (const f of (await listRevisionFolders(s)).filter((f) => (from === undefined || f > from) && f <= to)) {
    let d: SearchIndexDelta | undefined;
    try {
      d = await json<SearchIndexDelta>(s, KEYS.indexDelta(f));
    } catch {
      m.clear();
      for (const e of (await json<{ packages: IndexEntry[] }>(s, KEYS.indexAll(f))).packages) m.set(entryKey(e.package_manifest), e);
      continue;
    }
    for (const r of d.removed) m.delete(entryKey(r));
    for (const e of d.updated) m.set(entryKey(e.package_manifest), e);
    for (const e of d.added) if (!m.has(entryKey(e.package_manifest))) m.set(entryKey(e.package_manifest), e);
  }
  return [...m.keys()].sort();
}

test('empty store: nothing to index, no revision written', async () => {
  await withStore(async (s) => {
    const r = await runIndexer(s);
    assert.equal(r.changed, false);
    assert.equal(r.cursor, '');
    assert.deepEqual(await readCurrentIndex(s), { packages: [] });
  });
});

test('revisions: first full, then deltas; unchanged runs write nothing', async () => {
  await withStore(async (s) => {
    await putDoc(s, 'a', '1.0.0');
    await putDoc(s, 'a', '1.10.0');
    await putDoc(s, 'b', '0.1.0');
    const r1 = await runIndexer(s);
    assert.equal(r1.changed, true);
    assert.equal(r1.cursor.length, CURSOR_WIDTH);
    assert.deepEqual([r1.added, r1.updated, r1.removed, r1.total], [3, 0, 0, 3]);
    const all = await json<{ packages: IndexEntry[] }>(s, KEYS.indexAll(r1.cursor));
    assert.deepEqual(all.packages.map((e) => e.package_manifest.version), ['1.0.0', '1.10.0', '0.1.0']);
    assert.deepEqual(await json(s, KEYS.cursor), { current: r1.cursor });

    const r2 = await runIndexer(s);
    assert.equal(r2.changed, false);
    assert.equal(r2.cursor, r1.cursor);
    assert.equal((await listRevisionFolders(s)).length, 1);

    await putDoc(s, 'c', '2.0.0');
    await s.delete(KEYS.document('b', '0.1.0'));
    const r3 = await runIndexer(s);
    assert.ok(r3.cursor > r1.cursor);
    assert.deepEqual(await json(s, KEYS.indexDelta(r3.cursor)), {
      added: [{ package_manifest: doc('c', '2.0.0') }],
      updated: [],
      removed: [{ name: 'b', version: '0.1.0' }],
    });
    assert.deepEqual(keysOf((await readCurrentIndex(s)).packages), ['a-1.0.0', 'a-1.10.0', 'c-2.0.0']);
    assert.deepEqual(await replay(s, r1.cursor, r3.cursor), ['a-1.0.0', 'a-1.10.0', 'c-2.0.0']);

    // a document replaced in place (operator action) is an update
    await s.put(KEYS.document('c', '2.0.0'), JSON.stringify(doc('c', '2.0.0', { title: 'C!' })));
    const r4 = await runIndexer(s);
    assert.equal(r4.updated, 1);
    const d4 = await json<SearchIndexDelta>(s, KEYS.indexDelta(r4.cursor));
    assert.equal(d4.updated[0]!.package_manifest.title, 'C!');
  });
});

test('only new documents are read: cost grows with the change, not the catalog', async () => {
  await withStore(async (inner) => {
    let docReads = 0;
    const s: ObjectStore = Object.create(inner) as ObjectStore;
    s.get = (key, o) => {
      if (key.startsWith(KEYS.documentPrefix)) docReads++;
      return inner.get(key, o);
    };
    for (let i = 0; i < 200; i++) await putDoc(inner, `p${i % 20}`, `1.0.${i}`);
    await runIndexer(s);
    assert.equal(docReads, 200);
    docReads = 0;
    await putDoc(inner, 'new', '1.0.0');
    const r = await runIndexer(s);
    assert.equal(docReads, 1);
    assert.equal(r.total, 201);
  });
});

test('a bad document is skipped and logged; the rest is indexed', async () => {
  await withStore(async (s) => {
    await putDoc(s, 'good', '1.0.0');
    await s.put(KEYS.document('broken', '1.0.0'), '{ not json');
    await putDoc(s, 'badcond', '1.0.0', { conditions: { kibana: { version: 'banana' } } });
    await s.put(KEYS.document('liar', '1.0.0'), JSON.stringify(doc('other', '1.0.0')));
    await s.put('v2/packages/not-a-key.json', '{}');
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o), info: () => {}, debug: () => {} } as never;
    const r = await runIndexer(s, { logger });
    assert.equal(r.skipped, 3);
    assert.deepEqual(keysOf((await readCurrentIndex(s)).packages), ['good-1.0.0']);
    assert.ok(warnings.length >= 3);
  });
});

test('an orphan folder (indexer crashed before moving the cursor) is built upon, and the delta chain stays consistent', async () => {
  await withStore(async (s) => {
    await putDoc(s, 'a', '1.0.0');
    const r1 = await runIndexer(s);
    // a crashed indexer: folder r1+1 with only the full index (it added b), cursor never moved
    await putDoc(s, 'b', '1.0.0');
    const orphan = (BigInt(r1.cursor) + 1n).toString().padStart(CURSOR_WIDTH, '0');
    const etag = async (n: string) => (await s.head(KEYS.document(n, '1.0.0')))!.etag;
    const entries = [{ package_manifest: doc('a', '1.0.0') }, { package_manifest: doc('b', '1.0.0') }];
    const revs = entries.map(revEntry);
    await s.putIfAbsent(KEYS.indexAll(orphan), serializeIndexAll(revs));
    await s.putIfAbsent(KEYS.indexState(orphan), serializeIndexState(revs, { 'a-1.0.0': await etag('a'), 'b-1.0.0': await etag('b') }));
    await putDoc(s, 'c', '1.0.0');
    await s.delete(KEYS.document('a', '1.0.0'));
    const r2 = await runIndexer(s);
    assert.ok(r2.cursor > orphan, `${r2.cursor} > ${orphan}`);
    assert.deepEqual(keysOf((await readCurrentIndex(s)).packages), ['b-1.0.0', 'c-1.0.0']);
    // a reader at r1 walks orphan (full fallback) then r2's delta, and ends where a full load ends
    assert.deepEqual(await replay(s, r1.cursor, r2.cursor), ['b-1.0.0', 'c-1.0.0']);
  });
});

test('a foreign revision (Elastic cursor, no bookkeeping) is adopted; entries without documents are kept', async () => {
  await withStore(async (s) => {
    await s.put(KEYS.indexAll('1749628461'), JSON.stringify({ packages: [{ package_manifest: doc('old', '1.0.0') }, { package_manifest: doc('a', '1.0.0') }] }));
    await s.put(KEYS.cursor, JSON.stringify({ current: '1749628461' }));
    await putDoc(s, 'a', '1.0.0');
    await putDoc(s, 'n', '1.0.0');
    const r = await runIndexer(s);
    assert.ok(r.cursor > '1749628461');
    assert.deepEqual(keysOf((await readCurrentIndex(s)).packages), ['a-1.0.0', 'n-1.0.0', 'old-1.0.0']);
    assert.deepEqual(await replay(s, '1749628461', r.cursor), ['a-1.0.0', 'n-1.0.0', 'old-1.0.0']);
    assert.equal((await runIndexer(s)).changed, false);
  });
});

test('concurrent indexers in one process: every document ends up in the current revision', async () => {
  await withStore(async (s) => {
    const first = await (async () => {
      await putDoc(s, 'seed', '1.0.0');
      return (await runIndexer(s)).cursor;
    })();
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 24; i++) {
      runs.push((async () => {
        await putDoc(s, `p${i}`, '1.0.0');
        return runIndexer(s);
      })());
    }
    await Promise.all(runs);
    const cur = await readCursor(s);
    const expected = ['seed-1.0.0', ...Array.from({ length: 24 }, (_, i) => `p${i}-1.0.0`)].sort();
    assert.deepEqual(keysOf((await readCurrentIndex(s)).packages), expected);
    assert.deepEqual(await replay(s, first, cur.current!), expected);
  });
});

test('concurrent requests in one process share indexer runs (at most two revisions) and all see their documents', async () => {
  await withStore(async (s) => {
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        await putDoc(s, `q${i}`, '1.0.0');
        const r = await requestIndexerRun(s);
        return r.keys.has(`q${i}-1.0.0`);
      }),
    );
    assert.ok(results.every(Boolean));
    assert.ok((await listRevisionFolders(s)).length <= 2, `${(await listRevisionFolders(s)).length} revisions`);
    // later requests start a new run
    await putDoc(s, 'late', '1.0.0');
    assert.ok((await requestIndexerRun(s)).keys.has('late-1.0.0'));
  });
});
