/**
 * No acknowledged publish is ever lost: 16 publisher processes at once into one fs store, each publishing a
 * different package; then all 16 are in the current search-index-all.json, and replaying the deltas gives
 * the same set. Also two indexer processes racing each other (in a loop) while 16 packages are published.
 * Several rounds, each on a fresh store.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import { KEYS, entryKey } from '../src/index/format.js';
import { readCurrentIndex, listRevisionFolders, mapLimit } from '../src/index/indexer.js';
import { publishPackage } from '../src/publish/index.js';
import { buildZip } from '../src/package/build.js';
import { corpusMissing, corpusPicks, readJson, replayDeltas, runCli, runNode } from './helpers/publish.js';

const N = 16;
/** Rounds (each on fresh stores); raise with PUBLISH_RACE_ROUNDS for a longer soak. */
const ROUNDS = Number(process.env.PUBLISH_RACE_ROUNDS ?? 2);
let work = '';
const zips: { file: string; key: string }[] = [];

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-race-'));
  const out = path.join(work, 'zips');
  for (const p of corpusPicks(N)) {
    const z = await buildZip(p.dir, out);
    zips.push({ file: z.file, key: `${z.name}-${z.version}` });
  }
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function checkStore(dir: string): Promise<void> {
  const store = await openStore(dir);
  try {
    const cur = await readCurrentIndex(store);
    const keys = cur.packages.map((e) => entryKey(e.package_manifest)).sort();
    assert.deepEqual(keys, zips.map((z) => z.key).sort(), 'every acknowledged publish is in the current revision');
    // incremental readers reach the same state as a full load, whatever orphan folders the races left
    assert.deepEqual(await replayDeltas(store, undefined, cur.cursor!), keys);
    const folders = await listRevisionFolders(store);
    assert.ok(folders.every((f) => f <= cur.cursor!), 'no folder above the cursor once everyone is done');
    assert.deepEqual(await readJson(store, KEYS.cursor), { current: cur.cursor });
  } finally {
    await store.close?.();
  }
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`round ${round}: ${N} publisher processes at once, all visible`, { skip: corpusMissing }, async () => {
    const dir = path.join(work, `store-pub-${round}`);
    const results = await Promise.all(zips.map((z) => runCli(['publish', z.file, '--storage', dir, '--skip-verify', '--legacy'])));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 0, `${zips[i]!.key}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^published ${zips[i]!.key.replace(/\./g, '\\.')} \\(cursor \\d{20}, \\d+ ms\\)$`, 'm'));
    }
    await checkStore(dir);
  });

  test(`round ${round}: two indexer processes racing while ${N} packages are published`, { skip: corpusMissing }, async () => {
    const dir = path.join(work, `store-idx-${round}`);
    const stop = path.join(work, `stop-${round}`);
    const indexers = [runNode(['test/fixtures/index-loop.ts', dir, stop]), runNode(['test/fixtures/index-loop.ts', dir, stop])];
    // publishers that do not index: only the two racing indexer processes make revisions
    const store = await openStore(dir);
    try {
      await mapLimit(zips, 4, async (z) => {
        const r = await publishPackage(store, { zip: z.file }, { skipVerify: true, legacy: true, index: false });
        assert.equal(r.status, 'published');
      });
    } finally {
      await store.close?.();
    }
    await writeFile(stop, '');
    const results = await Promise.all(indexers);
    for (const r of results) assert.equal(r.code, 0, r.stdout + r.stderr);
    const stats = results.map((r) => JSON.parse(r.stdout) as { runs: number; changed: number });
    assert.ok(stats.every((s) => s.runs >= 1));
    await checkStore(dir);
  });
}
