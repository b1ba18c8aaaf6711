import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS } from '../index/format.js';
import { collectGarbage, parseDuration } from './gc.js';

async function keys(s: ObjectStore): Promise<string[]> {
  return (await s.list('')).objects.map((o) => o.key).filter((k) => !k.startsWith('.'));
}

async function version(s: ObjectStore, name: string, v: string, published: boolean): Promise<void> {
  await s.put(KEYS.zip(name, v), 'zip');
  await s.put(KEYS.sig(name, v), 'sig');
  await s.put(KEYS.staticFile(name, v, 'manifest.yml'), 'm');
  await s.put(KEYS.staticFile(name, v, 'img/a b.png'), 'i');
  if (published) await s.put(KEYS.document(name, v), JSON.stringify({ name, version: v }));
}

test('parseDuration', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('2d'), 172_800_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('30'), 30_000);
  assert.throws(() => parseDuration('soon'), /duration/);
});

test('gc removes only unpublished leftovers older than the grace period', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-gc-'));
  const s = await openStore(dir);
  try {
    await version(s, 'pub', '1.0.0', true);
    await version(s, 'crashed', '1.0.0', false);
    await s.put(KEYS.staticFile('orphanstatic', '2.0.0', 'docs/README.md'), 'r'); // statics without zip
    await s.put('artifacts/packages/unrelated.txt', 'x'); // not ours: ignored
    const all = await keys(s);

    const young = await collectGarbage(s, { graceMs: 3_600_000 });
    assert.deepEqual(young.removed, []);
    assert.deepEqual(young.young.sort(), ['crashed-1.0.0', 'orphanstatic-2.0.0']);
    assert.deepEqual(await keys(s), all);

    const later = new Date(Date.now() + 2 * 3_600_000);
    const dry = await collectGarbage(s, { graceMs: 3_600_000, now: later, dryRun: true });
    assert.deepEqual(dry.removed, ['crashed-1.0.0', 'orphanstatic-2.0.0']);
    assert.deepEqual(await keys(s), all);
    // the zip goes last, so an interrupted gc still sees the version as garbage next time
    const crashedKeys = dry.keys.filter((k) => k.includes('crashed-1.0.0'));
    assert.equal(crashedKeys[crashedKeys.length - 1], KEYS.zip('crashed', '1.0.0'));

    const real = await collectGarbage(s, { graceMs: 3_600_000, now: later });
    assert.deepEqual(real.removed, ['crashed-1.0.0', 'orphanstatic-2.0.0']);
    assert.deepEqual((await keys(s)).sort(), all.filter((k) => !k.includes('crashed-1.0.0') && !k.includes('orphanstatic-2.0.0')).sort());
    assert.ok((await keys(s)).includes(KEYS.zip('pub', '1.0.0')));
    assert.ok((await keys(s)).includes(KEYS.staticFile('pub', '1.0.0', 'img/a b.png')));
  } finally {
    await s.close?.();
    await rm(dir, { recursive: true, force: true });
  }
});
