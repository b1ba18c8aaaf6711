/**
 * `index` after one publish, as a whole CLI process, on an N-version store (issue 16):
 *   node --import tsx bench/index-after-publish.ts [N=10775] [runs=5] [work dir]
 * Synthesizes the store once (bench/scale-data.ts), then per run writes one new document + its journal
 * marker and times `node dist/cli/main.js index --storage <store>`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.js';
import { corpusDocuments, synthStore } from './scale-data.js';
import { openStore } from '../src/storage/index.js';
import { KEYS } from '../src/index/format.js';
import { writeJournalMarker } from '../src/index/journal.js';

const n = Number(process.argv[2] ?? 10775);
const runs = Number(process.argv[3] ?? 5);
const work = process.argv[4] ?? mkdtempSync(path.join(os.tmpdir(), 'ps-index-bench-'));
const dir = path.join(work, `store-${n}`);
const docs = await corpusDocuments(path.join(work, 'corpus-docs.jsonl'));
if (!existsSync(path.join(dir, 'v2/metadata/cursor.json'))) await synthStore(dir, n, docs, 'ours');
const store = await openStore(dir);
const times: number[] = [];
for (let k = 0; k < runs; k++) {
  const base = docs[k % docs.length]!;
  const version = `999.${Date.now() % 100000}.${k}`;
  await store.put(KEYS.document(String(base.name), version), JSON.stringify({ ...base, version }));
  await writeJournalMarker(store, String(base.name), version);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...(process.env.PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROF_DIR] : []), path.join(ROOT, 'dist/cli/main.js'), 'index', '--storage', dir], { encoding: 'utf8', env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(r.stderr);
  times.push(ms);
  console.log(`${ms.toFixed(0)} ms  ${r.stdout.trim()}`);
}
await store.close?.();
const sorted = [...times].sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms over ${runs} runs at ${n} versions (store ${dir}); load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
