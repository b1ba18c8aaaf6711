/**
 * The publish journal (src/index/journal.ts) loses nothing under races and SIGKILLs, on local disk and on a
 * real Ceph RGW (S3 part skipped, with how to start Ceph, when none answers; fails if
 * PACKAGE_STORAGE_TEST_S3_ENDPOINT is set and nothing answers):
 *  - 8 publisher processes at once (each indexing from the journal) and 2 journal-indexer processes racing
 *    them: every acknowledged publish is in the current revision, the delta chain agrees, and once everyone is
 *    done one more `index` leaves the journal empty;
 *  - a publisher SIGKILLed at each step from its document on (`document`: before its marker; `journal`: after
 *    it; inside its indexer run; `journal-consume`: after the cursor moved, before the markers are deleted):
 *    a plain `index` (journal mode) makes it visible, except after `document`, where only the marker is
 *    missing: `index --full` (or a rerun of the publish) makes it visible.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { s3TestTarget, S3_SKIP_MESSAGE } from '../src/storage/s3-testing.js';
import { entryKey } from '../src/index/format.js';
import { listRevisionFolders, readCurrentIndex } from '../src/index/indexer.js';
import { listJournal } from '../src/index/journal.js';
import { publishPackage } from '../src/publish/index.js';
import { buildZip } from '../src/package/build.js';
import { corpusMissing, corpusPicks, replayDeltas, runCli, runNode } from './helpers/publish.js';

const N = 8;
const CRASH_STEPS = ['document', 'journal', 'index-all', 'index-delta', 'cursor', 'journal-consume'] as const;
const s3 = await s3TestTarget();

let work = '';
const zips: { file: string; key: string }[] = [];

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-journal-race-'));
  for (const p of corpusPicks(N + 1)) {
    const z = await buildZip(p.dir, path.join(work, 'zips'));
    zips.push({ file: z.file, key: `${z.name}-${z.version}` });
  }
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Backend {
  label: string;
  /** A fresh empty store: its --storage value, and an opener. */
  fresh(label: string): Promise<{ storage: string; open: () => Promise<ObjectStore> }>;
  env: NodeJS.ProcessEnv;
}

const fsBackend: Backend = {
  label: 'local disk',
  env: {},
  fresh: async (label) => {
    const dir = path.join(work, `fs-${label}`);
    return { storage: dir, open: () => openStore(dir) };
  },
};
const s3Backend: Backend | undefined = s3 && {
  label: 'Ceph RGW',
  env: s3.env,
  fresh: async (label) => {
    const prefix = s3.freshPrefix(`journal-${label}`);
    return { storage: s3.url(prefix), open: () => s3.open(prefix) };
  },
};

const indexedKeys = async (s: ObjectStore) => (await readCurrentIndex(s)).packages.map((e) => entryKey(e.package_manifest)).sort();

async function checkConsistent(s: ObjectStore, want: string[]): Promise<void> {
  const cur = await readCurrentIndex(s);
  const keys = cur.packages.map((e) => entryKey(e.package_manifest)).sort();
  assert.deepEqual(keys, [...want].sort(), 'every acknowledged publish is in the current revision');
  assert.deepEqual(await replayDeltas(s, undefined, cur.cursor!), keys, 'the delta chain agrees with the full index');
  assert.ok((await listRevisionFolders(s)).every((f) => f <= cur.cursor!), 'no folder above the cursor once everyone is done');
}

for (const backend of [fsBackend, s3Backend]) {
  const skip = corpusMissing || (backend ? false : S3_SKIP_MESSAGE);
  const label = backend?.label ?? 'Ceph RGW';

  test(`${label}: ${N} journal publishers and 2 racing journal indexers lose nothing`, { skip, timeout: 600_000 }, async () => {
    const b = backend!;
    const { storage, open } = await b.fresh('race');
    const stop = path.join(work, `stop-${b.label.replace(/\W/g, '')}`);
    const racers = [runNode(['test/fixtures/journal-index-loop.ts', storage, stop], b.env), runNode(['test/fixtures/journal-index-loop.ts', storage, stop], b.env)];
    const pubs = await Promise.all(zips.slice(0, N).map((z) => runCli(['publish', z.file, '--storage', storage, '--skip-verify', '--legacy'], b.env)));
    for (const [i, r] of pubs.entries()) {
      assert.equal(r.code, 0, `${zips[i]!.key}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^published ${zips[i]!.key.replace(/\./g, '\\.')} \\(cursor \\d{20}`, 'm'));
    }
    await writeFile(stop, '');
    const loops = await Promise.all(racers);
    for (const r of loops) assert.equal(r.code, 0, r.stdout + r.stderr);
    const stats = loops.map((r) => JSON.parse(r.stdout) as { runs: number; journal: number });
    assert.ok(stats.some((x) => x.journal > 0), `the racers built from the journal: ${JSON.stringify(stats)}`);
    const s = await open();
    try {
      await checkConsistent(s, zips.slice(0, N).map((z) => z.key));
      const last = await runCli(['index', '--storage', storage], b.env);
      assert.equal(last.code, 0, last.stderr);
      assert.deepEqual((await listJournal(s)).markers, [], 'every marker consumed');
      await checkConsistent(s, zips.slice(0, N).map((z) => z.key));
    } finally {
      await s.close?.();
    }
  });

  test(`${label}: SIGKILL at each journal step, then index (or index --full) makes the publish visible`, { skip, timeout: 600_000 }, async () => {
    const b = backend!;
    const [seed, victim] = [zips[N]!, zips[0]!];
    // one store per step, each holding one published package (so the victim's run is a journal run)
    const stores = await Promise.all(
      CRASH_STEPS.map(async (step) => {
        const st = await b.fresh(`crash-${step}`);
        const s = await st.open();
        try {
          await publishPackage(s, { zip: seed.file }, { skipVerify: true, legacy: true });
        } finally {
          await s.close?.();
        }
        return { step, ...st };
      }),
    );
    const crashed = await Promise.all(stores.map((st) => runCli(['publish', victim.file, '--storage', st.storage, '--skip-verify', '--legacy'], { ...b.env, PACKAGE_STORAGE_TEST_CRASH_AT: st.step })));
    for (const [i, st] of stores.entries()) {
      assert.equal(crashed[i]!.signal, 'SIGKILL', `${st.step}: expected a SIGKILL: ${crashed[i]!.stdout}${crashed[i]!.stderr}`);
      const s = await st.open();
      try {
        const visibleNow = st.step === 'cursor' || st.step === 'journal-consume';
        assert.deepEqual(await indexedKeys(s), visibleNow ? [seed.key, victim.key].sort() : [seed.key], `${st.step}: right after the kill`);
        const idx = await runCli(['index', '--storage', st.storage], b.env);
        assert.equal(idx.code, 0, idx.stderr);
        if (st.step === 'document') {
          assert.deepEqual(await indexedKeys(s), [seed.key], 'no marker: a journal run does not see the document');
          const full = await runCli(['index', '--full', '--storage', st.storage], b.env);
          assert.equal(full.code, 0, full.stderr);
          assert.match(full.stdout, /^indexed cursor \d{20}: 2 packages \(\+1 ~0 -0\)/m);
        }
        await checkConsistent(s, [seed.key, victim.key]);
        assert.deepEqual((await listJournal(s)).markers, [], `${st.step}: markers consumed`);
        // and a rerun of the publish is a clean no-op success
        const again = await runCli(['publish', victim.file, '--storage', st.storage, '--skip-verify', '--legacy'], b.env);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`already published ${victim.key.replace(/\./g, '\\.')}`));
        await checkConsistent(s, [seed.key, victim.key]);
      } finally {
        await s.close?.();
      }
    }
  });
}

