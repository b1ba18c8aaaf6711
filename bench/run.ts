/**
 * `npm run bench`: measures the registry against nginx serving the same bytes, artifact download speed,
 * catalog scale, publishing throughput and index cost. Appends a dated section to BENCHMARKS.md.
 *
 *   npm run bench                         # everything (about 15-20 minutes on 2 cores)
 *   npm run bench -- --only api,download  # sections: publish, api, load, download, scale, index, s3, production
 *   BENCH_SECONDS=5 BENCH_RUNS=3           # per-measurement duration and repetitions (medians reported)
 */
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, existsSync, rmSync, createWriteStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { ROOT, sh, freePort, startNginx, assertSameBody, startRegistry, wrk, medianResult, median, rssMB, machine, fmt, waitHttp, type WrkResult } from './lib.js';
import { openStore } from '../src/storage/index.js';
import { KEYS, formatCursor } from '../src/index/format.js';
import { benchProduction } from './production-scale.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? new Set(process.argv[onlyArg + 1]!.split(',')) : undefined;
const want = (s: string) => !ONLY || ONLY.has(s);
const CORPUS = path.resolve(ROOT, '../shared/testdata/v1-corpus/packages');
const CLI = path.join(ROOT, 'dist/cli/main.js');

const work = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-'));
const report: string[] = [];
const log = (s: string) => {
  console.log(s);
  report.push(s);
};

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`package-storage ${args.join(' ')} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return { ms, out: r.stdout };
}

function table(head: string[], rows: (string | number)[][]): void {
  log(`| ${head.join(' | ')} |`);
  log(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) log(`| ${r.join(' | ')} |`);
  log('');
}

function repeat(url: string, conns: number): WrkResult {
  const rs: WrkResult[] = [];
  for (let i = 0; i < RUNS; i++) rs.push(wrk(url, conns, SECONDS));
  return medianResult(rs);
}

/** A store with the whole v1 corpus migrated (signed with a fresh key). Returns its dir and the migrate time. */
function corpusStore(): { dir: string; migrateMs: number; versions: number; keyDir: string } {
  const dir = path.join(work, 'corpus-store');
  const keyDir = path.join(work, 'keys');
  cli(['keys', 'generate', '--name', 'Bench', '--email', 'bench@example.com', '--out-dir', keyDir]);
  const { ms, out } = cli(['migrate', CORPUS, '--storage', dir, '--key', path.join(keyDir, 'private.asc'), '--trusted-keys', path.join(keyDir, 'public.asc')]);
  const versions = readdirSync(CORPUS).reduce((n, p) => n + readdirSync(path.join(CORPUS, p)).length, 0);
  log(`Migrated the v1 corpus (${versions} versions) in ${fmt(ms / 1000, 1)} s. Summary: ${out.trim().split('\n').slice(-3).join(' / ')}`);
  return { dir, migrateMs: ms, versions, keyDir };
}

async function benchApi(store: string): Promise<void> {
  log('## API: registry vs nginx serving the same bytes\n');
  const port = await freePort();
  const reg = await startRegistry(store, port);
  const base = `http://127.0.0.1:${port}`;
  const search = await (await fetch(`${base}/search`)).json() as { name: string; version: string }[];
  const some = search[Math.floor(search.length / 2)]!;
  const paths = { '/search': '/search', '/categories': '/categories', [`/package/{n}/{v}/`]: `/package/${some.name}/${some.version}/` };
  // nginx root: the very same response bytes
  const root = path.join(work, 'nginx-root');
  for (const p of Object.values(paths)) {
    const body = Buffer.from(await (await fetch(base + p)).arrayBuffer());
    const file = p.endsWith('/') ? path.join(root, p, 'index.json') : path.join(root, p);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
  const nport = await freePort();
  const ngx = await startNginx(root, nport, path.join(work, 'nginx'));
  const rows: (string | number)[][] = [];
  try {
    for (const p of Object.values(paths)) await assertSameBody(`http://127.0.0.1:${nport}${p}`, Buffer.from(await (await fetch(base + p)).arrayBuffer()));
    for (const [label, p] of Object.entries(paths)) {
      for (const c of [1, 16, 64]) {
        const n = repeat(`http://127.0.0.1:${nport}${p}`, c);
        const r = repeat(base + p, c);
        rows.push([label, c, fmt(r.rps, 0), fmt(n.rps, 0), `**${fmt(r.rps / n.rps, 2)}×**`, fmt(r.p50ms, 2), fmt(r.p99ms, 2), fmt(n.p50ms, 2), fmt(n.p99ms, 2), `${r.errors} / ${n.errors}`]);
      }
    }
  } finally {
    ngx.stop();
    await reg.stop();
  }
  table(['endpoint', 'conns', 'registry req/s', 'nginx req/s', 'ratio', 'reg p50 ms', 'reg p99 ms', 'nginx p50 ms', 'nginx p99 ms', 'errors (reg / nginx)'], rows);
  log(`Catalog: ${search.length} packages (latest versions) from the migrated v1 corpus. wrk, ${SECONDS} s per run, median of ${RUNS} runs. Target: ≥ 0.5× nginx on /search.\n`);
}

async function writeZip(file: string, rootName: string, bytes: number): Promise<void> {
  // a stored (uncompressed-looking, random) zip via the project's own builder: a package folder with a big image
  const dir = path.join(path.dirname(file), rootName);
  const [name, version] = [rootName.slice(0, rootName.indexOf('-')), rootName.slice(rootName.indexOf('-') + 1)];
  mkdirSync(path.join(dir, 'img'), { recursive: true });
  mkdirSync(path.join(dir, 'docs'), { recursive: true });
  writeFileSync(path.join(dir, 'manifest.yml'), `format_version: 1.0.0\nname: ${name}\ntitle: Big ${name}\nversion: ${version}\ndescription: Large package for benchmarks\ntype: integration\nowner:\n  github: elastic/bench\nconditions:\n  kibana.version: ^8.0.0\n`);
  writeFileSync(path.join(dir, 'changelog.yml'), `- version: ${version}\n  changes:\n    - description: bench\n      type: enhancement\n      link: https://github.com/elastic/integrations/pull/1\n`);
  writeFileSync(path.join(dir, 'docs/README.md'), '# Big\n');
  const chunk = 8 * 1024 * 1024;
  const ws = createWriteStream(path.join(dir, 'img/blob.png'));
  for (let left = bytes; left > 0; left -= chunk) {
    if (!ws.write(randomBytes(Math.min(chunk, left)))) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((r) => ws.end(() => r()));
  cli(['build', dir, '--out', file]);
}

async function benchDownload(): Promise<void> {
  log('## Artifact download: registry vs nginx, same file\n');
  const dir = path.join(work, 'dl-store');
  const rows: (string | number)[][] = [];
  const files: [string, number][] = [['big17-1.0.0', 17 * 1024 * 1024], ['big1g-1.0.0', 1024 * 1024 * 1024]];
  const nroot = path.join(work, 'dl-nginx');
  mkdirSync(nroot, { recursive: true });
  for (const [rootName, size] of files) {
    const zip = path.join(work, `${rootName}.zip`);
    await writeZip(zip, rootName, size);
    const limits = { PACKAGE_STORAGE_MAX_ZIP_BYTES: String(2 * 1024 ** 3), PACKAGE_STORAGE_MAX_ZIP_ENTRY_BYTES: String(2 * 1024 ** 3) };
    // the 1 GB one also exceeds the package spec's own 250 MB total-size rule: publish it in legacy mode
    cli(['publish', zip, '--storage', dir, '--skip-verify', ...(size > 250 * 1024 * 1024 ? ['--legacy'] : [])], limits);
    spawnSync('cp', [zip, path.join(nroot, `${rootName}.zip`)]);
  }
  const port = await freePort();
  const reg = await startRegistry(dir, port);
  const nport = await freePort();
  const ngx = await startNginx(nroot, nport, path.join(work, 'nginx-dl'));
  try {
    for (const [rootName] of files) {
      const name = rootName.slice(0, rootName.indexOf('-'));
      for (const u of [`http://127.0.0.1:${port}/epr/${name}/${rootName}.zip`, `http://127.0.0.1:${nport}/${rootName}.zip`]) {
        const h = await fetch(u, { method: 'HEAD' });
        if (h.status !== 200 || h.headers.get('content-length') !== String(statSync(path.join(nroot, `${rootName}.zip`)).size)) throw new Error(`${u} answered ${h.status}, length ${h.headers.get('content-length')}`);
      }
      for (const c of [1, 4]) {
        const r = repeat(`http://127.0.0.1:${port}/epr/${name}/${rootName}.zip`, c);
        const n = repeat(`http://127.0.0.1:${nport}/${rootName}.zip`, c);
        rows.push([`${rootName}.zip`, c, fmt(r.mbps, 0), fmt(n.mbps, 0), `**${fmt(r.mbps / n.mbps, 2)}×**`, `${r.errors} / ${n.errors}`]);
      }
    }
  } finally {
    ngx.stop();
    await reg.stop();
  }
  table(['file', 'conns', 'registry MB/s', 'nginx MB/s', 'ratio', 'errors (reg / nginx)'], rows);
  log('Target: ≥ 0.8× nginx. Registry streams from the fs store (`/epr/{n}/{n}-{v}.zip`); nginx uses sendfile.\n');
}

/** Synthesize a store holding `n` package versions (documents renumbered from the corpus) with one index revision. */
async function synthStore(n: number, docs: Record<string, unknown>[], withDocs: boolean): Promise<string> {
  const dir = path.join(work, `scale-${n}-${withDocs ? 'docs' : 'idx'}`);
  const store = await openStore(dir);
  const packages: { package_manifest: Record<string, unknown> }[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const base = docs[i % docs.length]!;
    const name = String(base.name);
    const round = Math.floor(i / docs.length);
    const version = `${100 + round}.${i % 1000}.${i}`;
    const s = JSON.stringify(base).split(`/${name}/${String(base.version)}`).join(`/${name}/${version}`).split(`${name}-${String(base.version)}`).join(`${name}-${version}`);
    const doc = { ...JSON.parse(s), version } as Record<string, unknown>;
    packages.push({ package_manifest: doc });
    if (withDocs) {
      pending.push(store.put(KEYS.document(name, version), JSON.stringify(doc)));
      if (pending.length >= 32) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  const cursor = formatCursor(1);
  await store.put(KEYS.indexAll(cursor), JSON.stringify({ packages }));
  await store.put(KEYS.cursor, JSON.stringify({ current: cursor }));
  await store.close?.();
  return dir;
}

async function corpusDocs(storeDir: string): Promise<Record<string, unknown>[]> {
  const store = await openStore(storeDir);
  const cur = JSON.parse(await streamToString((await store.get(KEYS.cursor)).body)) as { current: string };
  const all = JSON.parse(await streamToString((await store.get(KEYS.indexAll(cur.current))).body)) as { packages: { package_manifest: Record<string, unknown> }[] };
  return all.packages.map((p) => p.package_manifest);
}

async function streamToString(r: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function benchScale(docs: Record<string, unknown>[]): Promise<void> {
  log('## Catalog scale\n');
  const rows: (string | number)[][] = [];
  for (const n of [1000, 10000, 50000]) {
    const dir = await synthStore(n, docs, false);
    const port = await freePort();
    const reg = await startRegistry(dir, port);
    await waitHttp(`http://127.0.0.1:${port}/search`);
    const rss = rssMB(reg.proc.pid!);
    const r = repeat(`http://127.0.0.1:${port}/search`, 16);
    const rAll = repeat(`http://127.0.0.1:${port}/search?all=true&prerelease=true`, 16);
    const rss2 = rssMB(reg.proc.pid!);
    await reg.stop();
    rows.push([n, fmt(reg.startMs / 1000, 2), fmt(rss, 0), fmt(rss2, 0), fmt(r.rps, 0), fmt(r.p50ms, 2), fmt(r.p99ms, 2), fmt(rAll.rps, 0), fmt(rAll.p99ms, 2)]);
  }
  table(['versions', 'start → first /search (s)', 'RSS after load (MB)', 'RSS after load test (MB)', '/search req/s (16 conns)', 'p50 ms', 'p99 ms', '/search?all=true req/s', 'p99 ms'], rows);
  log('Versions synthesized from the migrated corpus documents by renumbering. Start time includes Node start-up and reading the full index. Target at 10k: < 300 MB RSS, < 3 s start.\n');
}

async function benchIndexCost(docs: Record<string, unknown>[]): Promise<void> {
  log('## Index cost after one new publish\n');
  const { runIndexer } = (await import('../src/index/indexer.js')) as { runIndexer: (s: unknown) => Promise<unknown> };
  const rows: (string | number)[][] = [];
  for (const n of [1000, 10000, 50000]) {
    const dir = await synthStore(n, docs, true);
    const store = await openStore(dir);
    const tFull0 = Date.now();
    await runIndexer(store); // adopts the synthesized revision (documents equal index)
    const fullMs = Date.now() - tFull0;
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const base = docs[k]!;
      const version = `999.0.${k}`;
      await store.put(KEYS.document(String(base.name), version), JSON.stringify({ ...base, version }));
      const t0 = Date.now();
      await runIndexer(store);
      times.push(Date.now() - t0);
    }
    await store.close?.();
    rows.push([n, fmt(fullMs, 0), fmt(median(times), 0)]);
  }
  table(['versions in catalog', 'first run (ms)', 'run after 1 new publish (ms, median of 3)'], rows);
  log('Each run lists `v2/packages/`, reads only new documents, and writes a new revision (full index + delta) and the cursor.\n');
}

async function benchPublish(): Promise<{ store: string }> {
  log('## Publishing the v1 corpus\n');
  // baseline: only zipping the same folders with the project's builder
  const zips = path.join(work, 'zips');
  mkdirSync(zips, { recursive: true });
  const { buildZip } = (await import('../src/package/build.js')) as { buildZip: (d: string, o?: string) => Promise<unknown> };
  const t0 = Date.now();
  let count = 0;
  for (const p of readdirSync(CORPUS)) for (const v of readdirSync(path.join(CORPUS, p))) {
    await buildZip(path.join(CORPUS, p, v), zips);
    count++;
  }
  const zipMs = Date.now() - t0;
  const c = corpusStore();
  table(['what', 'versions', 'seconds', 'versions/s'], [
    ['zip only (buildZip, in-process)', count, fmt(zipMs / 1000, 1), fmt(count / (zipMs / 1000), 1)],
    ['migrate (build + sign + validate + verify + publish + index)', c.versions, fmt(c.migrateMs / 1000, 1), fmt(c.versions / (c.migrateMs / 1000), 1)],
  ]);
  return { store: c.dir };
}

async function benchVisible(label: string, storage: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { publishPackage } = (await import('../src/publish/index.js')) as { publishPackage: (s: unknown, i: unknown, o: unknown) => Promise<unknown> };
  const port = await freePort();
  const reg = await startRegistry(storage, port, [], env);
  const store = await openStore(storage, { s3Endpoint: env.AWS_ENDPOINT_URL_S3 });
  const lat: number[] = [];
  const tmp = path.join(work, `vis-${label}`);
  try {
    for (let i = 0; i < 20; i++) {
      const rootName = `visible${i}-1.0.${Date.now() % 100000}`;
      const zip = path.join(tmp, `${rootName}.zip`);
      mkdirSync(tmp, { recursive: true });
      await writeZip(zip, rootName, 1024);
      const t0 = Date.now();
      await publishPackage(store, { zip }, { skipVerify: true });
      const name = rootName.slice(0, rootName.indexOf('-'));
      for (;;) {
        const r = (await (await fetch(`http://127.0.0.1:${port}/search?package=${name}`)).json()) as unknown[];
        if (r.length > 0) break;
        await new Promise((res) => setTimeout(res, 5));
      }
      lat.push(Date.now() - t0);
    }
  } finally {
    await reg.stop();
    await store.close?.();
  }
  lat.sort((a, b) => a - b);
  log(`| ${label} | ${lat.length} | ${fmt(median(lat), 0)} | ${fmt(lat[Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)]!, 0)} |`);
}

/** 60 s at 64 connections on /search: errors and memory growth (issue 6). */
async function benchLoad(store: string): Promise<void> {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
  log(`## Load: ${seconds} s at 64 connections on /search\n`);
  const port = await freePort();
  const reg = await startRegistry(store, port);
  const url = `http://127.0.0.1:${port}/search`;
  wrk(url, 64, 5); // warm-up
  const before = rssMB(reg.proc.pid!);
  const r = wrk(url, 64, seconds);
  const after = rssMB(reg.proc.pid!);
  await reg.stop();
  table(['requests/s', 'p50 ms', 'p99 ms', 'errors (socket + non-2xx)', 'RSS before (MB)', 'RSS after (MB)'], [[fmt(r.rps, 0), fmt(r.p50ms, 2), fmt(r.p99ms, 2), r.errors, fmt(before, 0), fmt(after, 0)]]);
  log(`Registry over the migrated v1 corpus (${'`'}/search${'`'}: the latest version of each of its 70 packages), wrk with 2 threads, after a 5 s warm-up.\n`);
}

/** Publishing throughput and /search latency on Ceph RGW next to local disk (same subset, same machine). */
async function benchS3(): Promise<void> {
  const endpoint = process.env.PACKAGE_STORAGE_TEST_S3_ENDPOINT;
  log('## Local disk vs Ceph RGW (S3)\n');
  if (!endpoint) {
    log('Skipped: set PACKAGE_STORAGE_TEST_S3_ENDPOINT (e.g. after `scripts/ceph-s3.sh start .tmp/ceph 7480`).\n');
    return;
  }
  const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'AKTEST', AWS_SECRET_ACCESS_KEY: 'SKTEST', AWS_REGION: 'us-east-1' };
  // a subset of the corpus: the first 10 package names, every version
  const subset = path.join(work, 's3-subset');
  mkdirSync(subset, { recursive: true });
  let versions = 0;
  for (const p of readdirSync(CORPUS).sort().slice(0, 10)) {
    spawnSync('ln', ['-s', path.join(CORPUS, p), path.join(subset, p)]);
    versions += readdirSync(path.join(CORPUS, p)).length;
  }
  const rows: (string | number)[][] = [];
  for (const [label, storage] of [['local disk', path.join(work, 's3cmp-fs')], ['Ceph RGW', `s3://package-storage-test/bench-${Date.now()}`]] as const) {
    const { ms } = cli(['migrate', subset, '--storage', storage, '--concurrency', '4'], env);
    const port = await freePort();
    const reg = await startRegistry(storage, port, [], env);
    const r = repeat(`http://127.0.0.1:${port}/search`, 16);
    const z = repeat(`http://127.0.0.1:${port}/epr/${readdirSync(subset).sort()[0]}/${readdirSync(subset).sort()[0]}-${readdirSync(path.join(subset, readdirSync(subset).sort()[0]!)).sort()[0]}.zip`, 4);
    await reg.stop();
    rows.push([label, versions, fmt(versions / (ms / 1000), 1), fmt(reg.startMs / 1000, 2), fmt(r.rps, 0), fmt(r.p50ms, 2), fmt(r.p99ms, 2), fmt(z.rps, 0), fmt(z.p99ms, 1)]);
  }
  table(['store', 'versions', 'migrate versions/s (concurrency 4)', 'registry start → first /search (s)', '/search req/s (16 conns)', 'p50 ms', 'p99 ms', 'zip download req/s (4 conns)', 'p99 ms'], rows);
  log('The catalog is in memory, so /search does not touch the store; zip downloads stream from it (S3: proxied GETs).\n');
}

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) throw new Error(`the v1 corpus is needed at ${CORPUS}`);
  sh(path.join(ROOT, 'scripts/install-bench-deps.sh'), []);
  sh('npm', ['run', 'build'], { cwd: ROOT });
  log(`# Run of ${new Date().toISOString()}\n`);
  log(`Machine: ${machine()}. Command: \`npm run bench${ONLY ? ` -- --only ${[...ONLY].join(',')}` : ''}\` (BENCH_SECONDS=${SECONDS}, BENCH_RUNS=${RUNS}).\n`);
  // a failing section is reported and the others still run
  const section = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      log(`**Section ${name} failed:** ${(e as Error).message.split('\n').slice(0, 6).join(' / ')}\n`);
    }
  };
  let store: string | undefined;
  if (want('publish') || want('api') || want('scale') || want('index') || want('load')) store = (await benchPublish()).store;
  if (want('api')) await section('api', () => benchApi(store!));
  if (want('load')) await section('load', () => benchLoad(store!));
  if (want('download')) await section('download', () => benchDownload());
  if (want('scale') || want('index')) {
    const docs = await corpusDocs(store!);
    if (want('scale')) await section('scale', () => benchScale(docs));
    if (want('index')) await section('index', () => benchIndexCost(docs));
  }
  if (want('s3')) await section('s3', () => benchS3());
  if (want('publish')) {
    log('## Publish → visible in /search (registry polling cursor.json every 1 s)\n');
    log('| store | publishes | p50 ms | p99 ms |');
    log('|---|---|---|---|');
    await section('visible-fs', () => benchVisible('local disk', path.join(work, 'visible-fs')));
    const s3 = process.env.PACKAGE_STORAGE_TEST_S3_ENDPOINT;
    if (s3) {
      const env = { AWS_ENDPOINT_URL_S3: s3, AWS_ACCESS_KEY_ID: 'AKTEST', AWS_SECRET_ACCESS_KEY: 'SKTEST', AWS_REGION: 'us-east-1' };
      Object.assign(process.env, env);
      await section('visible-s3', () => benchVisible('Ceph RGW (S3)', `s3://package-storage-test/bench-${Date.now()}`, env));
    } else log('| Ceph RGW | skipped: set PACKAGE_STORAGE_TEST_S3_ENDPOINT | | |');
    log('');
  }
  if (want('production')) await section('production', () => benchProduction(log, work));
  appendFileSync(path.join(ROOT, 'BENCHMARKS.md'), `\n${report.join('\n')}\n`);
  console.log(`\nappended to BENCHMARKS.md; work dir ${work}`);
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
}

await main();
