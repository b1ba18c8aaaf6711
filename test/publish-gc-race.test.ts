/**
 * gc racing the retry of a crashed publish (issue 12, item 2), on local disk and on S3 (the running Ceph RGW):
 * every publish that reports success finds its document, zip, .sig and static files afterwards, whatever gc did
 * at the same time. The longer run with figures is `reliability/gc-race.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsStore } from '../src/storage/fs.js';
import { s3TestTarget, S3_SKIP_MESSAGE } from '../src/storage/s3-testing.js';
import { raceFixture, runGcRace } from './helpers/gc-race.js';

const ITERATIONS = Number(process.env.PACKAGE_STORAGE_TEST_GC_RACE_ITERATIONS ?? 60);

test(`fs: ${ITERATIONS} rounds of gc racing a publish retry: no successful publish loses an object`, { timeout: 300_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-gc-race-fs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await FsStore.open(dir);
  const fx = await raceFixture();
  const r = await runGcRace(store, fx, ITERATIONS);
  t.diagnostic(`fs: ${r.iterations} rounds, ${r.succeeded} publishes succeeded, gc removed objects in ${r.gcRemoved}, publish waited for gc in ${r.publishWaited} and put objects back in ${r.publishRestored}, ${r.broken.length} broken, ${r.ms} ms`);
  assert.deepEqual(r.broken, []);
  assert.equal(r.succeeded, r.iterations, `publishes failed: ${JSON.stringify(r.failed.slice(0, 3))}`);
  assert.ok(r.gcRemoved > 0, 'gc never got to remove anything: the race was not exercised');
});

test(`s3: ${Math.ceil(ITERATIONS / 2)} rounds of gc racing a publish retry: no successful publish loses an object`, { timeout: 300_000 }, async (t) => {
  const s3 = await s3TestTarget();
  if (!s3) return t.skip(S3_SKIP_MESSAGE);
  const prefix = s3.freshPrefix('gc-race');
  const store = await s3.open(prefix);
  t.after(async () => {
    await store.close();
    await s3.emptyPrefix(prefix);
  });
  const fx = await raceFixture();
  const r = await runGcRace(store, fx, Math.ceil(ITERATIONS / 2));
  t.diagnostic(`s3: ${r.iterations} rounds, ${r.succeeded} publishes succeeded, gc removed objects in ${r.gcRemoved}, publish waited for gc in ${r.publishWaited} and put objects back in ${r.publishRestored}, ${r.broken.length} broken, ${r.ms} ms`);
  assert.deepEqual(r.broken, []);
  assert.equal(r.succeeded, r.iterations, `publishes failed: ${JSON.stringify(r.failed.slice(0, 3))}`);
  assert.ok(r.gcRemoved > 0, 'gc never got to remove anything: the race was not exercised');
});
