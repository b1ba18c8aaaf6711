/**
 * Micro-benchmark of the S3 object store (S3Store) against the test Ceph RGW: per-operation latency, listing,
 * and large streamed objects (throughput and resident memory: bodies are streamed, not buffered).
 *
 *   scripts/ceph-s3.sh start .tmp/ceph 7480
 *   PACKAGE_STORAGE_TEST_S3_ENDPOINT=http://127.0.0.1:7480 node --import tsx bench/storage-s3.ts [--keys 3000] [--large-mb 256]
 *
 * Prints a markdown table; copy it into BENCHMARKS.md with the date and machine. Everything is written under a
 * fresh prefix of the test bucket and deleted at the end.
 */
import os from 'node:os';
import { Writable } from 'node:stream';
import { arg, constantStream, fillListingKeys, rssPeak, timeOps } from './lib.js';
import { pipeline } from 'node:stream/promises';
import { s3TestTarget, S3_SKIP_MESSAGE } from '../src/storage/s3-testing.js';

const KEYS = Number(arg('keys', '3000'));
const LARGE_MB = Number(arg('large-mb', '256'));
const target = await s3TestTarget();
if (!target) {
  console.error(S3_SKIP_MESSAGE);
  process.exit(2);
}
const prefix = target.freshPrefix('bench');
const store = await target.open(prefix);
const rows: [string, string][] = [];

try {
  const small = 'x'.repeat(512);
  rows.push(await timeOps('put 512 B', 300, 1, (i) => store.put(`seq/k${i}`, small)));
  rows.push(await timeOps('put 512 B', 1000, 16, (i) => store.put(`par/d${i % 20}/k${i}`, small)));
  rows.push(await timeOps('putIfAbsent 512 B', 300, 1, (i) => store.putIfAbsent(`pia/k${i}`, small)));
  const etags: string[] = [];
  for (let i = 0; i < 200; i++) etags.push((await store.put(`cas/k${i}`, `v${i}`)).etag);
  rows.push(await timeOps('putIfMatch 512 B', 200, 1, (i) => store.putIfMatch(`cas/k${i}`, etags[i]!, small)));
  rows.push(await timeOps('head', 1000, 1, (i) => store.head(`par/d${i % 20}/k${i % 1000}`)));
  rows.push(await timeOps('head', 2000, 16, (i) => store.head(`par/d${i % 20}/k${i % 1000}`)));
  rows.push(await timeOps('get 512 B (whole body)', 2000, 8, async (i) => {
    const g = await store.get(`par/d${i % 20}/k${i % 1000}`);
    for await (const _ of g.body);
  }));

  // listing
  const fillS = await fillListingKeys(store, KEYS);
  rows.push([`write ${KEYS} keys for listing (16 concurrent)`, `${fillS.toFixed(1)} s`]);
  let t = performance.now();
  const all = await store.list('list/');
  rows.push([`list ${all.objects.length} keys, no delimiter (${Math.ceil(all.objects.length / 1000)} pages)`, `${(performance.now() - t).toFixed(0)} ms`]);
  t = performance.now();
  const top = await store.list('list/', { delimiter: '/' });
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
  t = performance.now();
  await store.putIfAbsent('large/once', constantStream(64 * 1024 * 1024));
  const spoolS = (performance.now() - t) / 1000;
  const growthMiB = rss.stop();
  rows.push([`put ${LARGE_MB} MiB stream (multipart, 8 MiB parts, 2 in flight)`, `${(LARGE_MB / putS).toFixed(0)} MiB/s`]);
  rows.push([`get ${LARGE_MB} MiB stream`, `${(LARGE_MB / getS).toFixed(0)} MiB/s`]);
  rows.push([`putIfAbsent 64 MiB stream (spooled to a temp file, one PutObject)`, `${(64 / spoolS).toFixed(0)} MiB/s`]);
  rows.push([`peak RSS growth during the large puts/get`, `${growthMiB.toFixed(0)} MiB`]);
} finally {
  await target.emptyPrefix(prefix);
  await store.close();
}
console.log(`\n### S3Store on Ceph RGW 16 memstore, loopback (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version})\n`);
console.log('| operation | result |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
