/**
 * Production scale (issue 16): 10,775 versions (Elastic's production index) and 50,000, synthesized from the
 * v1 corpus documents (bench/scale-data.ts). Measures, each against its target:
 *  - start → first /search and RSS after load of `serve` (the built CLI), our layout and Elastic's formatting;
 *  - `index` after one publish, as a whole CLI process (journal mode), and its output;
 *  - publish → visible in /search of a registry of the same store (local disk, default 250 ms cursor poll);
 *  - server CPU per request (user+sys from /proc/<pid>/stat over the requests wrk made) vs nginx serving the
 *    same bytes in the same run, on /search, /categories and /package/{n}/{v}/;
 *  - compressed sizes (gzip, brotli) of the JSON answers;
 *  - /search throughput with `serve --workers 1` and `--workers 2`.
 *
 *   npm run build && node --import tsx bench/production-scale.ts [--sizes 10775,50000] [--out report.md]
 * (also `npm run bench -- --only production`).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { ROOT, freePort, startNginx, assertSameBody, startRegistry, rssMB, fmt, median, sh, machine } from './lib.js';
import { corpusDocuments, synthStore } from './scale-data.js';
import { openStore } from '../src/storage/index.js';
import { KEYS } from '../src/index/format.js';
import { writeJournalMarker } from '../src/index/journal.js';

const CLI = path.join(ROOT, 'dist/cli/main.js');
const TICK = Number(sh('getconf', ['CLK_TCK']).trim()) || 100;

function cpuMs(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICK; // utime + stime
}
function withChildren(pid: number): number[] {
  const out = [pid];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** wrk for `seconds`; returns the requests made and the CPU the server processes used meanwhile. */
function measureCpu(url: string, pids: number[], conns: number, seconds: number): { requests: number; cpuMs: number; rps: number } {
  const before = pids.reduce((a, p) => a + cpuMs(p), 0);
  const out = sh('wrk', ['-t', '2', '-c', String(conns), '-d', `${seconds}s`, url]);
  const after = pids.reduce((a, p) => a + cpuMs(p), 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  if (/Non-2xx/.test(out)) throw new Error(`${url}: non-2xx answers\n${out}`);
  return { requests, cpuMs: after - before, rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN) };
}

function cli(args: string[]): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`package-storage ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, out: r.stdout.trim() };
}

export async function benchProduction(log: (s: string) => void, work: string, sizes = [10775, 50000]): Promise<void> {
  const table = (head: string[], rows: (string | number)[][]) => {
    log(`| ${head.join(' | ')} |`);
    log(`|${head.map(() => '---').join('|')}|`);
    for (const r of rows) log(`| ${r.join(' | ')} |`);
    log('');
  };
  const docs = await corpusDocuments(path.join(work, 'corpus-docs.jsonl'));
  const avg = docs.reduce((a, d) => a + JSON.stringify(d).length, 0) / docs.length;
  log(`## Production scale\n\nVersions synthesized from the ${docs.length} v1 corpus documents (derived as publish derives them, signed; ${fmt(avg / 1024, 1)} KB each on average), renumbered. Machine load average at the start: ${os.loadavg().map((x) => fmt(x, 1)).join(' / ')}.\n`);

  // ---- start-up, RSS, index after one publish ----
  const startRows: (string | number)[][] = [];
  const indexRows: (string | number)[][] = [];
  const stores: Record<number, string> = {};
  for (const n of sizes) {
    for (const layout of n === sizes[0] ? (['ours', 'elastic'] as const) : (['ours'] as const)) {
      const dir = path.join(work, `prod-${n}-${layout}`);
      const bytes = await synthStore(dir, n, docs, layout);
      if (layout === 'ours') stores[n] = dir;
      const starts: number[] = [];
      const rss: number[] = [];
      for (let k = 0; k < 2; k++) {
        const reg = await startRegistry(dir, await freePort());
        starts.push(reg.startMs);
        rss.push(rssMB(reg.proc.pid!));
        await reg.stop();
      }
      startRows.push([n, layout === 'ours' ? 'ours (one entry per line)' : "Elastic's compact", fmt(bytes / 1048576, 0), fmt(median(starts) / 1000, 2), fmt(median(rss), 0)]);
      if (layout !== 'ours') rmSync(dir, { recursive: true, force: true });
    }
    // index after one publish: a new document and its journal marker, then `index` as a whole CLI process
    const dir = stores[n]!;
    const store = await openStore(dir);
    const runs: number[] = [];
    let out = '';
    for (let k = 0; k < 3; k++) {
      const base = docs[k]!;
      const version = `999.0.${k}`;
      await store.put(KEYS.document(String(base.name), version), JSON.stringify({ ...base, version }));
      await writeJournalMarker(store, String(base.name), version);
      const r = cli(['index', '--storage', dir]);
      runs.push(r.ms);
      out = r.out;
    }
    await store.close?.();
    indexRows.push([n, fmt(median(runs), 0), runs.map((x) => fmt(x, 0)).join(', '), `\`${out}\``]);
  }
  table(['versions', 'index layout', 'index MB', 'start → first /search (s, median of 2)', 'RSS after load (MB)'], startRows);
  log('Targets: start < 1 s and RSS < 250 MB at 10,775; < 3 s and < 800 MB at 50,000. Start time includes Node start-up.\n');
  table(['versions', '`index` after one publish, whole CLI process (ms, median of 3)', 'runs (ms)', 'output of the last run'], indexRows);
  log('Target: < 0.5 s at 10,775, < 1 s at 50,000. Journal mode: lists `v2/journal/` only, reads the one new document and the previous revision\'s state, and streams the previous full index once into the new one (carried lines copied as bytes), then the delta.\n');

  // ---- publish → visible, compressed sizes, CPU per request, workers (10,775) ----
  const dir = stores[sizes[0]!]!;
  const port = await freePort();
  const reg = await startRegistry(dir, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const { publishPackage } = (await import('../src/publish/index.js')) as { publishPackage: (s: unknown, i: unknown, o: unknown) => Promise<unknown> };
    const { buildZip } = await import('../src/package/build.js');
    const store = await openStore(dir);
    const lat: number[] = [];
    const src = path.join(work, 'vis-src');
    for (let i = 0; i < 20; i++) {
      const name = `visible${i}`;
      const pdir = path.join(src, name);
      mkdirSync(path.join(pdir, 'docs'), { recursive: true });
      writeFileSync(path.join(pdir, 'manifest.yml'), `format_version: 1.0.0\nname: ${name}\ntitle: Visible ${i}\nversion: 1.0.0\ndescription: publish to visible\ntype: integration\nowner:\n  github: elastic/bench\nconditions:\n  kibana.version: ^8.0.0\n`);
      writeFileSync(path.join(pdir, 'changelog.yml'), `- version: 1.0.0\n  changes:\n    - description: bench\n      type: enhancement\n      link: https://github.com/elastic/integrations/pull/1\n`);
      writeFileSync(path.join(pdir, 'docs/README.md'), '# Visible\n');
      const z = await buildZip(pdir, path.join(work, 'vis-zips'));
      const t0 = Date.now();
      await publishPackage(store, { zip: z.file }, { skipVerify: true });
      for (;;) {
        const r = (await (await fetch(`${base}/search?package=${name}`)).json()) as unknown[];
        if (r.length > 0) break;
        await new Promise((res) => setTimeout(res, 5));
      }
      lat.push(Date.now() - t0);
    }
    await store.close?.();
    lat.sort((a, b) => a - b);
    table(['store', 'versions', 'publishes', 'p50 ms', 'p99 ms'], [['local disk', sizes[0]!, lat.length, fmt(median(lat), 0), fmt(lat[lat.length - 1]!, 0)]]);
    log('From the start of `publishPackage` (validate, write, journal marker, journal index run) to the package answering in `/search` of a separate registry process polling cursor.json every 250 ms (the default). Target: p99 < 300 ms.\n');

    // compressed sizes
    const some = ((await (await fetch(`${base}/search`)).json()) as { name: string; version: string }[])[5]!;
    const paths = { '/search': '/search', '/categories': '/categories', '/package/{n}/{v}/': `/package/${some.name}/${some.version}/`, '/search?all=true': '/search?all=true' };
    const sizeRows: (string | number)[][] = [];
    const bodies: Record<string, Buffer> = {};
    for (const [label, p] of Object.entries(paths)) {
      const plain = Buffer.from(await (await fetch(base + p, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
      bodies[label] = plain;
      const res = await new Promise<{ enc: string | undefined; len: number }>((resolve, reject) => {
        import('node:http').then(
          ({ get }) =>
            get(base + p, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
              let n = 0;
              r.on('data', (c: Buffer) => (n += c.length));
              r.on('end', () => resolve({ enc: r.headers['content-encoding'], len: n }));
            }).on('error', reject),
          reject,
        );
      });
      const br = brotliCompressSync(plain, { params: { [zc.BROTLI_PARAM_QUALITY]: 5 } }).length;
      sizeRows.push([label, plain.length, `${res.len} (${res.enc})`, fmt((100 * res.len) / plain.length, 1) + ' %', br, gzipSync(plain, { level: 9 }).length]);
    }
    table(['answer', 'bytes', 'gzip as served', 'ratio', 'brotli (q5, as served for br)', 'gzip -9 (reference)'], sizeRows);

    // CPU per request vs nginx, same bytes (wrk sends no Accept-Encoding: both serve the plain bytes)
    const root = path.join(work, 'prod-nginx-root');
    for (const [label, p] of Object.entries(paths)) {
      if (label.includes('all=true')) continue;
      const file = p.endsWith('/') ? path.join(root, p, 'index.json') : path.join(root, p);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bodies[label]!);
    }
    const nport = await freePort();
    const ngxDir = path.join(work, 'prod-nginx');
    const ngx = await startNginx(root, nport, ngxDir);
    const cpuRows: (string | number)[][] = [];
    try {
      const npids = withChildren(Number(readFileSync(path.join(ngxDir, 'nginx.pid'), 'utf8').trim()));
      for (const [label, p] of Object.entries(paths)) {
        if (label.includes('all=true')) continue;
        await assertSameBody(`http://127.0.0.1:${nport}${p}`, bodies[label]!);
        sh('wrk', ['-t', '1', '-c', '4', '-d', '1s', base + p]); // warm-up
        const rs: number[] = [];
        const ns: number[] = [];
        let last = { r: { requests: 0, rps: 0 }, n: { requests: 0, rps: 0 } };
        for (let k = 0; k < 3; k++) {
          const r = measureCpu(base + p, [reg.proc.pid!], 16, 4);
          const n = measureCpu(`http://127.0.0.1:${nport}${p}`, npids, 16, 4);
          rs.push((r.cpuMs * 1000) / r.requests);
          ns.push((n.cpuMs * 1000) / n.requests);
          last = { r, n };
        }
        cpuRows.push([label, bodies[label]!.length, fmt(median(rs), 1), fmt(median(ns), 1), `**${fmt(median(rs) / median(ns), 2)}×**`, `${last.r.requests} / ${last.n.requests}`, `${fmt(last.r.rps, 0)} / ${fmt(last.n.rps, 0)}`]);
      }
    } finally {
      ngx.stop();
    }
    table(['answer', 'bytes', 'registry CPU µs/request', 'nginx CPU µs/request', 'ratio', 'requests (last run, reg / nginx)', 'req/s (last run)'], cpuRows);
    log('CPU = user + sys of the server process(es) from /proc/<pid>/stat over the requests wrk (2 threads, 16 connections, 4 s) made; median of 3 runs, alternating registry and nginx. Targets: ≤ 1.0× on /search, ≤ 1.5× on /categories.\n');
  } finally {
    await reg.stop();
  }

  // workers
  const wRows: (string | number)[][] = [];
  for (const w of [1, 2]) {
    const p = await freePort();
    const r = await startRegistry(dir, p, ['--workers', String(w)]);
    sh('wrk', ['-t', '1', '-c', '4', '-d', '1s', `http://127.0.0.1:${p}/search`]);
    const rps: number[] = [];
    for (let k = 0; k < 3; k++) rps.push(Number(/Requests\/sec:\s+([\d.]+)/.exec(sh('wrk', ['-t', '2', '-c', '64', '-d', '4s', `http://127.0.0.1:${p}/search`]))?.[1]));
    await r.stop();
    wRows.push([w, fmt(median(rps), 0), rps.map((x) => fmt(x, 0)).join(', ')]);
  }
  table(['workers', '/search req/s (64 conns, median of 3)', 'runs'], wRows);
  log('`serve --workers N` on the 10,775-version store; wrk runs on the same 2 cores, so 2 workers compete with the load generator (and with the other engineers on this machine).\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizesArg = process.argv.indexOf('--sizes');
  const sizes = sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : [10775, 50000];
  const outArg = process.argv.indexOf('--out');
  const out = outArg > 0 ? process.argv[outArg + 1]! : undefined;
  const work = mkdtempSync(path.join(os.tmpdir(), 'ps-prod-'));
  const lines: string[] = [`Machine: ${machine()}. Command: \`node --import tsx bench/production-scale.ts --sizes ${sizes.join(',')}\`.\n`];
  const log = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  try {
    await benchProduction(log, work, sizes);
  } finally {
    if (out) appendFileSync(out, lines.join('\n') + '\n');
    rmSync(work, { recursive: true, force: true });
  }
}
