import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FsStore } from '../storage/fs.js';
import { KEYS } from './format.js';
import { cursorsBetween, readCurrentCursor, readDelta, streamFullIndex, streamPackagesArray } from './reader.js';

async function collect(text: string, chunk = 3): Promise<string[]> {
  const parts: Buffer[] = [];
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += chunk) parts.push(b.subarray(i, i + chunk));
  const out: string[] = [];
  for await (const e of streamPackagesArray(Readable.from(parts))) out.push(e);
  return out;
}

test('streamPackagesArray splits the packages array across chunk boundaries, skipping other keys', async () => {
  const doc = {
    before: { packages: [1, 2], s: 'a "packages": [ ]' },
    'pa\\"ck': [{}],
    packages: [{ package_manifest: { name: 'a', version: '1.0.0', t: 'é ü 💥 } ] "x"' } }, 7, 'str,]', null, [1, [2]], { package_manifest: { name: 'b' } }],
    after: [1],
  };
  for (const chunk of [1, 2, 3, 7, 1000]) {
    const got = (await collect(JSON.stringify(doc, null, chunk % 2 ? 2 : 0), chunk)).map((s) => JSON.parse(s));
    assert.deepEqual(got, doc.packages, `chunk ${chunk}`);
  }
  assert.deepEqual(await collect('{"packages":[]}'), []);
  await assert.rejects(collect('[1,2]'), /not a JSON object/);
  await assert.rejects(collect('{"x":1}'), /no "packages" array/);
  await assert.rejects(collect('{"packages":[{"a":1}'), /ends inside/);
});

test('reader: cursor, full index with bad entries, deltas and the folders between cursors', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'reader-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await FsStore.open(dir);
  assert.equal(await readCurrentCursor(store), undefined);
  await store.put(KEYS.cursor, JSON.stringify({ current: '2' }));
  assert.equal(await readCurrentCursor(store), '2');
  await store.put(KEYS.indexAll('1'), JSON.stringify({ packages: [{ package_manifest: { name: 'a', version: '1.0.0' } }, 5, { nope: 1 }] }));
  await store.put(KEYS.indexAll('2'), '{}');
  await store.put(KEYS.indexDelta('2'), JSON.stringify({ added: [{ package_manifest: { name: 'b', version: '1.0.0' } }], updated: [], removed: [{ name: 'a', version: '1.0.0' }, 3] }));
  await store.put(KEYS.indexAll('3'), '{}');
  const got = [];
  for await (const e of streamFullIndex(store, '1')) got.push(e);
  assert.deepEqual(got[0], { manifest: { name: 'a', version: '1.0.0' } });
  assert.ok('bad' in got[1]! && 'bad' in got[2]!);
  await assert.rejects(async () => {
    for await (const _ of streamFullIndex(store, '2')) void _;
  }, /INDEX_INVALID|no "packages"/);
  const d = await readDelta(store, '2');
  assert.deepEqual(d, { added: [{ name: 'b', version: '1.0.0' }], updated: [], removed: [{ name: 'a', version: '1.0.0' }] });
  await assert.rejects(readDelta(store, '3'), /not found|STORAGE_NOT_FOUND/i);
  assert.deepEqual(await cursorsBetween(store, '1', '3'), ['2', '3']);
  assert.equal(await cursorsBetween(store, '3', '1'), undefined);
  assert.equal(await cursorsBetween(store, '1', '4'), undefined);
});
