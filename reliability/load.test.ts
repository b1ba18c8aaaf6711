/**
 * Load: RELIABILITY_LOAD_SECONDS (default 60) at RELIABILITY_LOAD_CONNECTIONS (default 256) connections of
 * mixed traffic (search with various parameters, categories, package documents, zip downloads, static files)
 * with autocannon against a real `serve` process over a store seeded with RELIABILITY_LOAD_VERSIONS (default 60)
 * v1 corpus versions. Asserts: zero errors, zero timeouts, every response 2xx; the registry's RSS grows by
 * less than RELIABILITY_RSS_GROWTH_MB (default 100) between the end of a warm-up run and the end of the load.
 * Reports p50/p99 latency, requests/s and RSS (no timed assertions: machines are shared and noisy).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openStore } from '../src/storage/index.js';
import { runIndexer } from '../src/index/indexer.js';
import { publishPackage } from '../src/publish/index.js';
import { CORPUS, corpusMissing, envInt, recordFigures, sleep, startServe, type ServeProcess } from './helpers.js';

const SECONDS = envInt('RELIABILITY_LOAD_SECONDS', 60);
const CONNECTIONS = envInt('RELIABILITY_LOAD_CONNECTIONS', 256);
const VERSIONS = envInt('RELIABILITY_LOAD_VERSIONS', 60);
const MAX_GROWTH_MB = envInt('RELIABILITY_RSS_GROWTH_MB', 100);
const WARMUP_SECONDS = Math.min(10, Math.max(2, Math.round(SECONDS / 6)));

let work = '';
let srv: ServeProcess | undefined;
before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-rel-load-'));
});
after(async () => {
  await srv?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Doc {
  name: string;
  version: string;
  categories?: string[];
  icons?: { path?: string }[];
  assets?: string[];
}

type Result = autocannon.Result;

function run(url: string, requests: autocannon.Request[], seconds: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds, requests, timeout: 30 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

test(`load: ${SECONDS} s at ${CONNECTIONS} connections of mixed traffic, zero errors, bounded RSS`, { skip: corpusMissing, timeout: (SECONDS + 300) * 1000 }, async () => {
  // seed: the first VERSIONS corpus versions (every version of the first package names), legacy-validated
  const storage = path.join(work, 'store');
  const store = await openStore(storage);
  let published = 0;
  const refused: string[] = [];
  outer: for (const name of (await readdir(CORPUS)).sort()) {
    for (const version of (await readdir(path.join(CORPUS, name))).sort()) {
      if (published >= VERSIONS) break outer;
      try {
        await publishPackage(store, { dir: path.join(CORPUS, name, version) }, { legacy: true, skipVerify: true, index: false });
        published++;
      } catch (e) {
        refused.push(`${name}-${version}: ${(e as Error).message.slice(0, 120)}`);
      }
    }
  }
  assert.ok(published >= Math.min(VERSIONS, 10), `only ${published} corpus versions published: ${refused.join('\n')}`);
  await runIndexer(store);

  srv = await startServe(storage, [], { PACKAGE_STORAGE_LOG_LEVEL: 'error' });
  const all = (await (await fetch(`${srv.url}/search?all=true&prerelease=true`)).json()) as Doc[];
  assert.equal(all.length, published, 'every seeded version is served');

  // the request mix: searches with various params, categories, package documents, zips, static files
  const reqs: autocannon.Request[] = [];
  const add = (p: string) => reqs.push({ method: 'GET', path: p });
  const names = [...new Set(all.map((d) => d.name))];
  const cats = [...new Set(all.flatMap((d) => d.categories ?? []))];
  let zipBytes = 0;
  for (let i = 0; i < all.length; i++) {
    const d = all[i]!;
    add(['/search', '/search?all=true', `/search?package=${d.name}`, `/search?kibana.version=8.${i % 15}.0`, '/search?prerelease=true', `/search?category=${cats[i % Math.max(1, cats.length)] ?? 'security'}`, '/categories', '/categories?include_policy_templates=true&prerelease=true'][i % 8]!);
    add(`/package/${d.name}/${d.version}/`);
    const zipKey = path.join(storage, 'artifacts/packages', `${d.name}-${d.version}.zip`);
    const size = (await stat(zipKey)).size;
    if (size < 512 * 1024) {
      add(`/epr/${d.name}/${d.name}-${d.version}.zip`);
      zipBytes += size;
    }
    add(`/package/${d.name}/${d.version}/manifest.yml`);
    const icon = d.icons?.[0]?.path;
    if (icon) add(icon);
    const doc = d.assets?.find((a) => a.includes('/docs/'));
    if (doc) add(doc);
  }
  add('/health');
  add('/favicon.ico');
  add(`/search?package=${names[0]}&all=true`);
  // each request path must be a 200 before the load starts
  for (const r of reqs) {
    const res = await fetch(`${srv.url}${r.path}`);
    assert.equal(res.status, 200, `GET ${r.path}`);
    await res.arrayBuffer();
  }

  const warm = await run(srv.url, reqs, WARMUP_SECONDS);
  assert.equal(warm.errors + warm.timeouts + warm.non2xx, 0, `warm-up errors ${warm.errors}, timeouts ${warm.timeouts}, non2xx ${warm.non2xx}`);
  await sleep(1000);
  const rssWarm = await srv.rssBytes();
  let rssPeak = rssWarm;
  const sampler = setInterval(() => void srv!.rssBytes().then((r) => (rssPeak = Math.max(rssPeak, r)), () => undefined), 1000);
  let res: Result;
  try {
    res = await run(srv.url, reqs, SECONDS);
  } finally {
    clearInterval(sampler);
  }
  await sleep(1000);
  const rssAfter = await srv.rssBytes();
  const MB = 1024 * 1024;
  const figures = {
    seconds: SECONDS,
    connections: CONNECTIONS,
    versions: published,
    distinctRequests: reqs.length,
    zipsInMix: reqs.filter((r) => r.path!.endsWith('.zip')).length,
    requests: res.requests.total,
    rps: Math.round(res.requests.average),
    throughputMBps: Math.round((res.throughput.average / MB) * 10) / 10,
    p50ms: res.latency.p50,
    p90ms: res.latency.p90,
    p99ms: res.latency.p99,
    maxms: res.latency.max,
    errors: res.errors,
    timeouts: res.timeouts,
    non2xx: res.non2xx,
    rssWarmMB: Math.round(rssWarm / MB),
    rssPeakMB: Math.round(rssPeak / MB),
    rssAfterMB: Math.round(rssAfter / MB),
    cpus: os.cpus().length,
  };
  await recordFigures('load', figures);
  assert.equal(res.errors, 0, `errors: ${JSON.stringify(res.errors)}`);
  assert.equal(res.timeouts, 0, 'timeouts');
  assert.equal(res.non2xx, 0, 'non-2xx responses');
  assert.ok(res.requests.total > 0, 'requests were served');
  assert.ok(rssAfter - rssWarm < MAX_GROWTH_MB * MB, `RSS grew by ${Math.round((rssAfter - rssWarm) / MB)} MB after warm-up (limit ${MAX_GROWTH_MB} MB)`);
  assert.equal(srv.child.exitCode, null, 'the registry is still running');
  void zipBytes;
});
