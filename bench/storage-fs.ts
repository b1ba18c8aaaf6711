/**
 * Micro-benchmark of the local-disk object store (FsStore): per-operation latency, listing, and large streamed
 * objects (throughput and resident memory, to show bodies are streamed, not buffered).
 *
 *   node --import tsx bench/storage-fs.ts [--keys 10000] [--large-mb 256] [--dir /path/on/target/disk]
 *
 * Prints a markdown table; copy it into BENCHMARKS.md with the date and machine.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { arg, constantStream, fillListingKeys, rssPeak, timeOps } from './lib.js';
import { pipeline } from 'node:stream/promises';
import { FsStore } from '../src/storage/fs.js';

const KEYS = Number(arg('keys', '10000'));
const LARGE_MB = Number(arg('large-mb', '256'));
const base = await fsp.mkdtemp(path.join(arg('dir', os.tmpdir()), 'ps-bench-fs-'));
const store = await FsStore.open(base);
const rows: [string, string][] = [];

const small = 'x'.repeat(512);
rows.push(await timeOps('put 512 B', 500, 1, (i) => store.put(`seq/k${i}`, small)));
rows.push(await timeOps('put 512 B', 1000, 16, (i) => store.put(`par/d${i % 20}/k${i}`, small)));
rows.push(await timeOps('putIfAbsent 512 B', 500, 1, (i) => store.putIfAbsent(`pia/k${i}`, small)));
const etags: string[] = [];
for (let i = 0; i < 300; i++) etags.push((await store.put(`cas/k${i}`, `v${i}`)).etag);
rows.push(await timeOps('putIfMatch 512 B', 300, 1, (i) => store.putIfMatch(`cas/k${i}`, etags[i]!, small)));
rows.push(await timeOps('head (sidecar cached in process)', 2000, 1, (i) => store.head(`par/d${i % 20}/k${i % 1000}`)));
const cold = await FsStore.open(base);
rows.push(await timeOps('head (fresh process view: sidecar read)', 1000, 1, (i) => cold.head(`par/d${i % 20}/k${i}`)));
rows.push(await timeOps('get 512 B (open + read whole body)', 2000, 8, async (i) => {
  const g = await store.get(`par/d${i % 20}/k${i % 1000}`);
  for await (const _ of g.body);
}));

// listing
const fillS = await fillListingKeys(store, KEYS);
rows.push([`write ${KEYS} keys for listing`, `${fillS.toFixed(1)} s`]);
const fresh = await FsStore.open(base);
let t = performance.now();
const all = await fresh.list('list/');
rows.push([`list ${all.objects.length} keys, no delimiter (fresh store: sidecar reads)`, `${(performance.now() - t).toFixed(0)} ms`]);
t = performance.now();
await fresh.list('list/');
rows.push([`list ${all.objects.length} keys, no delimiter (cached etags)`, `${(performance.now() - t).toFixed(0)} ms`]);
t = performance.now();
const top = await fresh.list('list/', { delimiter: '/' });
rows.push([`list with '/' delimiter → ${top.prefixes.length} prefixes`, `${(performance.now() - t).toFixed(0)} ms`]);

// large object: throughput and memory
const rss = rssPeak();
t = performance.now();
await store.put('large/blob', constantStream(LARGE_MB * 1024 * 1024));
const putS = (performance.now() - t) / 1000;
t = performance.now();
const g = await store.get('large/blob');
await pipeline(g.body, new Writable({ write: (_c, _e, cb) => cb() }));
const getS = (performance.now() - t) / 1000;
const fresh2 = await FsStore.open(base);
await fsp.rm(path.join(base, '.fsstore', 'meta'), { recursive: true, force: true });
t = performance.now();
await fresh2.head('large/blob');
const hashS = (performance.now() - t) / 1000;
const growthMiB = rss.stop();
rows.push([`put ${LARGE_MB} MiB stream (sha256 + fsync)`, `${(LARGE_MB / putS).toFixed(0)} MiB/s`]);
rows.push([`get ${LARGE_MB} MiB stream`, `${(LARGE_MB / getS).toFixed(0)} MiB/s`]);
rows.push([`head with lost sidecar (rehash ${LARGE_MB} MiB)`, `${hashS.toFixed(2)} s`]);
rows.push([`peak RSS growth during large put/get`, `${growthMiB.toFixed(0)} MiB`]);

await fsp.rm(base, { recursive: true, force: true });
console.log(`\n### FsStore (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version})\n`);
console.log('| operation | result |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
