/**
 * Reliability: gc racing the retry of a crashed publish (issue 12, item 2), many rounds, on local disk and on
 * S3. Each round leaves a crashed publish (zip, .sig, static files, no document), then runs its retry and a gc
 * with no grace period at random offsets. Asserts that every publish succeeds and that every successful publish
 * finds all its objects afterwards. Figures: `.tmp/reliability/gc-race.json`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsStore } from '../src/storage/fs.js';
import { s3TestTarget, S3_SKIP_MESSAGE } from '../src/storage/s3-testing.js';
import { raceFixture, runGcRace, type RaceFigures } from '../test/helpers/gc-race.js';
import { envInt, recordFigures } from './helpers.js';

const FS_ROUNDS = envInt('RELIABILITY_GC_RACE_ROUNDS', 500);
const S3_ROUNDS = envInt('RELIABILITY_GC_RACE_S3_ROUNDS', 150);
const figures: Record<string, unknown> = {};

function summary(r: RaceFigures): Record<string, unknown> {
  return { rounds: r.iterations, publishesSucceeded: r.succeeded, roundsWhereGcRemovedObjects: r.gcRemoved, roundsWherePublishWaitedForGc: r.publishWaited, roundsWherePublishPutObjectsBack: r.publishRestored, brokenPublishes: r.broken.length, failedPublishes: r.failed.length, ms: r.ms };
}

test(`gc race, fs store: ${FS_ROUNDS} rounds`, { timeout: 1_800_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-rel-gc-race-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await FsStore.open(dir);
  const r = await runGcRace(store, await raceFixture(), FS_ROUNDS);
  figures.fs = summary(r);
  await recordFigures('gc-race', figures);
  assert.deepEqual(r.broken, []);
  assert.deepEqual(r.failed, []);
  assert.ok(r.gcRemoved > FS_ROUNDS / 10, `gc removed objects in only ${r.gcRemoved} rounds: the race was hardly exercised`);
});

test(`gc race, S3 (running RGW): ${S3_ROUNDS} rounds`, { timeout: 1_800_000 }, async (t) => {
  const s3 = await s3TestTarget();
  if (!s3) return t.skip(S3_SKIP_MESSAGE);
  const prefix = s3.freshPrefix('rel-gc-race');
  const store = await s3.open(prefix);
  t.after(async () => {
    await store.close();
    await s3.emptyPrefix(prefix);
  });
  const r = await runGcRace(store, await raceFixture(), S3_ROUNDS);
  figures.s3 = summary(r);
  await recordFigures('gc-race', figures);
  assert.deepEqual(r.broken, []);
  assert.deepEqual(r.failed, []);
  assert.ok(r.gcRemoved > S3_ROUNDS / 10, `gc removed objects in only ${r.gcRemoved} rounds: the race was hardly exercised`);
});
