/**
 * Readers never see a half state, and a retry completes a crashed publish: a publisher process is killed
 * with SIGKILL at each step of the pipeline (PACKAGE_STORAGE_TEST_CRASH_AT), then the store is checked
 * (no document without its zip, the index loadable and without the package unless the cursor already
 * moved) and a rerun completes the publish. Also: gc removes a crashed publish's leftovers, and only those.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, cp } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { KEYS, entryKey, parseDocumentKey } from '../src/index/format.js';
import { readCurrentIndex } from '../src/index/indexer.js';
import { buildZip } from '../src/package/build.js';
import { generateKeyPair, signDetached, loadKeyring, type Keyring } from '../src/signing/index.js';
import { publishPackage } from '../src/publish/index.js';
import { collectGarbage } from '../src/publish/gc.js';
import { allKeys, corpusMissing, corpusPicks, replayDeltas, runCli, type CliResult } from './helpers/publish.js';

const STEPS = ['validated', 'zip', 'sig', 'static-first', 'static', 'document', 'index-all', 'index-delta', 'cursor'] as const;
/** After these steps the document is written; after 'cursor' the package is visible. */
const DOC_WRITTEN = new Set(['document', 'index-all', 'index-delta', 'cursor']);

let work = '';
let trusted = '';
let keyring: Keyring;
let seed: { zip: string; key: string };
let victim: { zip: string; key: string; name: string; version: string };
/** The crashed publisher of each step (all run at once, each on its own copy of a seeded store). */
const crashes = new Map<string, { dir: string; result: CliResult }>();

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-crash-'));
  const kp = await generateKeyPair({ name: 'Crash Test', email: 'crash@example.com' });
  trusted = path.join(work, 'public.asc');
  await writeFile(trusted, kp.publicKey);
  keyring = await loadKeyring(trusted);
  const [a, b] = corpusPicks(2);
  const out = path.join(work, 'zips');
  const za = await buildZip(a!.dir, out);
  const zb = await buildZip(b!.dir, out);
  for (const z of [za, zb]) await writeFile(`${z.file}.sig`, await signDetached(z.file, kp.privateKey));
  seed = { zip: za.file, key: `${za.name}-${za.version}` };
  victim = { zip: zb.file, key: `${zb.name}-${zb.version}`, name: zb.name, version: zb.version };
  // a store holding one published package, copied for every crash
  const template = path.join(work, 'template');
  const store = await openStore(template);
  await publishPackage(store, { zip: seed.zip }, { keyring, legacy: true });
  await store.close?.();
  const runs = [...STEPS.map((step) => [step, step] as const), ['gc', 'static'] as const].map(async ([label, step]) => {
    const dir = path.join(work, `store-${label}`);
    await cp(template, dir, { recursive: true });
    const result = await runCli(publishArgs(victim.zip, dir), { PACKAGE_STORAGE_TEST_CRASH_AT: step });
    crashes.set(label, { dir, result });
  });
  await Promise.all(runs);
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const publishArgs = (zip: string, dir: string) => ['publish', zip, '--storage', dir, '--trusted-keys', trusted, '--legacy'];
const rerun = async (store: ObjectStore) => publishPackage(store, { zip: victim.zip }, { keyring, legacy: true });

/** No document without its zip and signature; the index loads and only holds documented versions. */
async function checkConsistent(store: ObjectStore): Promise<string[]> {
  const keys = new Set(await allKeys(store));
  for (const k of keys) {
    const nv = parseDocumentKey(k);
    if (!nv) continue;
    assert.ok(keys.has(KEYS.zip(nv.name, nv.version)), `document ${k} without its zip`);
    assert.ok(keys.has(KEYS.sig(nv.name, nv.version)), `document ${k} without its signature`);
    assert.ok(keys.has(KEYS.staticFile(nv.name, nv.version, 'manifest.yml')), `document ${k} without its static files`);
  }
  const cur = await readCurrentIndex(store);
  const indexed = cur.packages.map((e) => entryKey(e.package_manifest)).sort();
  for (const k of indexed) assert.ok(keys.has(`v2/packages/${k}.json`), `index holds ${k} without a document`);
  return indexed;
}

for (const step of STEPS) {
  test(`SIGKILL at '${step}', then a rerun completes the publish`, { skip: corpusMissing }, async () => {
    const { dir, result: crashed } = crashes.get(step)!;
    assert.equal(crashed.signal, 'SIGKILL', `expected the publisher to die at ${step}: ${crashed.stdout}${crashed.stderr}`);

    const store = await openStore(dir);
    try {
      const indexed = await checkConsistent(store);
      const docExists = (await store.head(KEYS.document(victim.name, victim.version))) !== undefined;
      assert.equal(docExists, DOC_WRITTEN.has(step), `document presence after '${step}'`);
      if (step === 'cursor') assert.deepEqual(indexed, [seed.key, victim.key].sort());
      else assert.deepEqual(indexed, [seed.key], `the index must not hold ${victim.key} after a crash at '${step}'`);
      if (step === 'validated') assert.deepEqual((await allKeys(store)).filter((k) => k.includes(victim.key)), [], 'nothing written before the first write step');

      const again = await rerun(store);
      assert.equal(again.status, DOC_WRITTEN.has(step) ? 'already-published' : 'published');
      const after = await checkConsistent(store);
      assert.deepEqual(after, [seed.key, victim.key].sort());
      const cur = await readCurrentIndex(store);
      assert.equal(again.cursor, cur.cursor);
      assert.deepEqual(await replayDeltas(store, undefined, cur.cursor!), after, 'the delta chain agrees with the full index');
      // the stored zip is exactly the published bytes
      const stored = createHash('sha256');
      for await (const c of (await store.get(KEYS.zip(victim.name, victim.version))).body) stored.update(c as Buffer);
      assert.equal(stored.digest('hex'), createHash('sha256').update(await readFile(victim.zip)).digest('hex'));
    } finally {
      await store.close?.();
    }
  });
}

test('gc removes the leftovers of a crashed publish after the grace period, and never a published version', { skip: corpusMissing }, async () => {
  const { dir, result: crashed } = crashes.get('gc')!;
  assert.equal(crashed.signal, 'SIGKILL');
  const store = await openStore(dir);
  try {
    const before = await allKeys(store);
    const leftovers = before.filter((k) => k.includes(`/${victim.key}`));
    assert.ok(leftovers.length > 2, 'the crash left a zip, a signature and static files');

    const young = await collectGarbage(store);
    assert.deepEqual(young.young, [victim.key]);
    assert.deepEqual(await allKeys(store), before);

    const dry = await collectGarbage(store, { graceMs: 0, dryRun: true });
    assert.deepEqual(dry.removed, [victim.key]);
    assert.deepEqual(await allKeys(store), before);

    const real = await runCli(['gc', '--storage', dir, '--grace', '0s']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, new RegExp(`^removed ${victim.key}$`, 'm'));
    assert.doesNotMatch(real.stdout, new RegExp(seed.key));
    assert.deepEqual(await allKeys(store), before.filter((k) => !leftovers.includes(k)));
    await checkConsistent(store);

    assert.equal((await rerun(store)).status, 'published');
    assert.deepEqual(await checkConsistent(store), [seed.key, victim.key].sort());
  } finally {
    await store.close?.();
  }
});
