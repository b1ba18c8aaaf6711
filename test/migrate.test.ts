/**
 * v1 → v2: migrate the whole v1 corpus (469 versions) in legacy mode, signed with a generated key, into a
 * temp store. The index holds every version that passed, each with its zip and a signature that verifies;
 * a rerun publishes nothing new.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import { KEYS, entryKey } from '../src/index/format.js';
import { readCurrentIndex } from '../src/index/indexer.js';
import { listV1Versions } from '../src/publish/migrate.js';
import { generateKeyPair, loadKeyring, verifyDetached } from '../src/signing/index.js';
import { CORPUS, allKeys, corpusMissing, readText, runCli } from './helpers/publish.js';

let work = '';
let pub = '';
let priv = '';

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-migrate-'));
  const kp = await generateKeyPair({ name: 'Migration', email: 'migration@example.com' });
  pub = path.join(work, 'public.asc');
  priv = path.join(work, 'private.asc');
  await writeFile(pub, kp.publicKey);
  await writeFile(priv, kp.privateKey);
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function summary(stdout: string): { total: number; published: number; already: number; refused: number } {
  const m = /^migrated (\d+) versions in [\d.]+ s \([\d.]+\/s\): (\d+) published, (\d+) already there, (\d+) refused$/m.exec(stdout);
  assert.ok(m, `no summary line in:\n${stdout}`);
  return { total: Number(m[1]), published: Number(m[2]), already: Number(m[3]), refused: Number(m[4]) };
}

test('migrate the v1 corpus, then a rerun publishes nothing new', { skip: corpusMissing, timeout: 600_000 }, async () => {
  const dir = path.join(work, 'store');
  const versions = await listV1Versions(CORPUS);
  assert.equal(versions.length, 469);

  const r1 = await runCli(['migrate', CORPUS, '--storage', dir, '--key', priv, '--concurrency', '2']);
  const s1 = summary(r1.stdout);
  assert.equal(s1.total, 469);
  assert.equal(s1.published + s1.refused, 469, r1.stdout);
  assert.equal(s1.already, 0);
  assert.equal(r1.code, s1.refused ? 1 : 0);
  // plain progress lines when not on a TTY (count, rate, ETA)
  assert.match(r1.stderr, /^migrate: \d+\/469 \([\d.]+%\) [\d.]+\/s ETA \d+s/m);
  const refusedLines = r1.stdout.split('\n').filter((l) => l.startsWith('refused '));
  assert.equal(refusedLines.length, s1.refused);
  for (const l of refusedLines) assert.match(l, /^refused [a-z0-9_]+-\d+\.\d+\.\d+\S*: [A-Z_]+ .+/);
  // legacy mode exists to let old packages in: most of the corpus must pass
  assert.ok(s1.published >= 400, `only ${s1.published} of 469 passed in legacy mode`);

  const store = await openStore(dir);
  try {
    const idx = await readCurrentIndex(store);
    const refusedIds = new Set(refusedLines.map((l) => l.split(' ')[1]!.replace(/:$/, '')));
    const expected = versions.map((v) => v.id).filter((id) => !refusedIds.has(id)).sort();
    assert.deepEqual(idx.packages.map((e) => entryKey(e.package_manifest)).sort(), expected, 'the index holds exactly the versions that passed');
    const keys = new Set(await allKeys(store));
    for (const id of expected) {
      const i = id.indexOf('-');
      const [n, v] = [id.slice(0, i), id.slice(i + 1)];
      assert.ok(keys.has(KEYS.zip(n, v)) && keys.has(KEYS.sig(n, v)) && keys.has(KEYS.staticFile(n, v, 'manifest.yml')), `${id}: artifacts missing`);
      assert.ok(keys.has(KEYS.staticFile(n, v, 'docs/README.md')), `${id}: README not extracted`);
    }
    for (const id of versions.map((v) => v.id).filter((id) => refusedIds.has(id))) {
      assert.ok(![...keys].some((k) => k.startsWith('v2/packages/') && k.includes(`/${id}.json`)), `refused ${id} has a document`);
    }
    // a sample of signatures verifies against the generated key
    const keyring = await loadKeyring(pub);
    for (const id of expected.filter((_, i) => i % 97 === 0)) {
      const i = id.indexOf('-');
      const [n, v] = [id.slice(0, i), id.slice(i + 1)];
      const sig = await readText(store, KEYS.sig(n, v));
      const res = await verifyDetached((await store.get(KEYS.zip(n, v))).body, sig, keyring);
      assert.ok(res.fingerprint);
    }
    const cursorBefore = idx.cursor;

    const r2 = await runCli(['migrate', CORPUS, '--storage', dir, '--key', priv]);
    const s2 = summary(r2.stdout);
    assert.equal(s2.published, 0, 'a rerun publishes nothing new');
    assert.equal(s2.already, s1.published);
    assert.equal(s2.refused, s1.refused);
    assert.equal((await readCurrentIndex(store)).cursor, cursorBefore, 'a rerun writes no new revision');
  } finally {
    await store.close?.();
  }
});
