/**
 * Every check that can refuse a publish runs before its first write (issue 12, item 8): a refused publish leaves
 * the store exactly as it was. Cases: an unreadable cursor.json (or one naming a missing revision), a static
 * file name over 255 bytes, a static file path that is not a valid key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsStore } from '../src/storage/fs.js';
import { KEYS } from '../src/index/format.js';
import { isPsError, type ErrorCode } from '../src/errors.js';
import { publishPackage } from '../src/publish/index.js';
import { allKeys, rawZip, REPO, type RawEntry } from './helpers/publish.js';

async function tmpStore(t: { after: (fn: () => Promise<void>) => void }): Promise<{ store: FsStore; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-refused-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { store: await FsStore.open(path.join(dir, 'store')), dir };
}

/** The entries of samples/hello_logs as a zip root folder, plus `extra`. */
async function sampleEntries(extra: RawEntry[] = []): Promise<Buffer> {
  const src = path.join(REPO, 'samples/hello_logs');
  const root = 'hello_logs-1.2.0/';
  const entries: RawEntry[] = [{ name: root }];
  for (const rel of (await readdir(src, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => path.relative(src, path.join(d.parentPath, d.name))).sort()) {
    entries.push({ name: root + rel.split(path.sep).join('/'), data: await readFile(path.join(src, rel)) });
  }
  return rawZip([...entries, ...extra]);
}

async function refusedUnchanged(store: FsStore, zip: string, codes: ErrorCode[]): Promise<void> {
  const before = await allKeys(store);
  await assert.rejects(publishPackage(store, { zip }, { skipVerify: true }), (e) => codes.some((c) => isPsError(e, c)) || assert.fail(`expected ${codes.join('/')}, got ${String(e)}`));
  assert.deepEqual(await allKeys(store), before, 'a refused publish wrote objects');
}

test('an unreadable cursor.json refuses the publish before anything is written', async (t) => {
  const { store, dir } = await tmpStore(t);
  const zip = path.join(dir, 'hello_logs-1.2.0.zip');
  await writeFile(zip, await sampleEntries());
  await store.put(KEYS.cursor, '{"current": "0000000');
  await refusedUnchanged(store, zip, ['INDEX_INVALID']);
  // a cursor naming a revision that does not exist
  await store.put(KEYS.cursor, JSON.stringify({ current: '00000000000000000042' }));
  await refusedUnchanged(store, zip, ['INDEX_INVALID']);
  // and once it is fixed, the same zip publishes
  await store.delete(KEYS.cursor);
  const out = await publishPackage(store, { zip }, { skipVerify: true });
  assert.equal(out.status, 'published');
});

test('a static file name over 255 bytes refuses the publish before the zip is written', async (t) => {
  const { store, dir } = await tmpStore(t);
  const zip = path.join(dir, 'hello_logs-1.2.0.zip');
  await writeFile(zip, await sampleEntries([{ name: `hello_logs-1.2.0/docs/${'a'.repeat(260)}.md`, data: Buffer.from('# long\n') }]));
  await refusedUnchanged(store, zip, ['ZIP_PATH_INVALID']);
  // 255 bytes is fine; a multibyte name over 255 bytes (but under 255 characters) is not
  const mb = path.join(dir, 'mb', 'hello_logs-1.2.0.zip');
  await mkdir(path.dirname(mb));
  await writeFile(mb, await sampleEntries([{ name: `hello_logs-1.2.0/docs/${'é'.repeat(130)}.md`, data: Buffer.from('# long\n') }]));
  await refusedUnchanged(store, mb, ['ZIP_PATH_INVALID']);
  // nothing half-published blocks the correct package afterwards
  await writeFile(zip, await sampleEntries());
  assert.equal((await publishPackage(store, { zip }, { skipVerify: true })).status, 'published');
});
