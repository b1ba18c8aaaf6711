/**
 * Publishing throughput and publish-to-visible latency (fs store).
 *  1. migrate the v1 corpus (build + sign + legacy validate + publish, index once at the end): versions/s;
 *  2. then publish M more packages one at a time, each call returning only once the current index revision
 *     holds it (publish-to-visible), into that ~470-version catalog: p50 / p99 latency;
 *  3. the same with 8 concurrent publishers (latency under contention for the cursor).
 *
 *   node --import tsx bench/publish.ts [--concurrency 4] [--count 40]
 */
import { mkdtemp, rm, cp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import { migrateV1 } from '../src/publish/migrate.js';
import { publishPackage } from '../src/publish/index.js';
import { mapLimit, readCurrentIndex } from '../src/index/indexer.js';
import { generateKeyPair, loadKeyring } from '../src/signing/index.js';
import { CORPUS } from '../test/helpers/publish.js';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const concurrency = arg('--concurrency', 4);
const count = arg('--count', 40);
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.ceil((a.length * p) / 100) - 1)]!;

const work = await mkdtemp(path.join(os.tmpdir(), 'ps-bench-publish-'));
try {
  const kp = await generateKeyPair({ name: 'Bench', email: 'bench@example.com' });
  await writeFile(path.join(work, 'public.asc'), kp.publicKey);
  const keyring = await loadKeyring(path.join(work, 'public.asc'));
  const store = await openStore(path.join(work, 'store'));

  const m = await migrateV1(store, CORPUS, { signingKey: { armored: kp.privateKey }, concurrency });
  console.log(`migrate: ${m.total} versions (${m.published.length} published, ${m.refused.length} refused) in ${(m.ms / 1000).toFixed(1)} s = ${(m.total / (m.ms / 1000)).toFixed(1)} versions/s (concurrency ${concurrency}, ${os.cpus().length} cores)`);

  // fresh packages: copies of a small corpus package under new names
  const template = path.join(CORPUS, 'akamai', '2.1.2');
  const manifest = await readFile(path.join(template, 'manifest.yml'), 'utf8');
  const makePkg = async (name: string): Promise<string> => {
    const dir = path.join(work, 'pkgs', name);
    await cp(template, dir, { recursive: true });
    await writeFile(path.join(dir, 'manifest.yml'), manifest.replace(/^name: .*$/m, `name: ${name}`));
    return dir;
  };
  const seq: number[] = [];
  for (let i = 0; i < count; i++) {
    const dir = await makePkg(`benchseq${i}`);
    const r = await publishPackage(store, { dir }, { legacy: true, keyring, signingKey: { armored: kp.privateKey } });
    seq.push(r.ms);
  }
  const par: number[] = [];
  const dirs = await Promise.all(Array.from({ length: count }, (_, i) => makePkg(`benchpar${i}`)));
  await mapLimit(dirs, 8, async (dir) => {
    const r = await publishPackage(store, { dir }, { legacy: true, keyring, signingKey: { armored: kp.privateKey } });
    par.push(r.ms);
  });
  const total = (await readCurrentIndex(store)).packages.length;
  console.log(`publish-to-visible (build+sign+validate+verify+write+index, catalog ~${total}): sequential p50 ${pct(seq, 50)} ms, p99 ${pct(seq, 99)} ms (n=${seq.length}); 8 concurrent p50 ${pct(par, 50)} ms, p99 ${pct(par, 99)} ms (n=${par.length})`);
  await store.close?.();
} finally {
  await rm(work, { recursive: true, force: true });
}
