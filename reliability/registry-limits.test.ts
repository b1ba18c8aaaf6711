/**
 * Issue 12, registry half, against a real `serve` process: memory bounds of the zip fallback (#5) and of a
 * multipart publish (#6) as peak RSS (VmHWM), an unreadable current index (#7), hostile path bytes over a real
 * socket (#9), slow bodies and slow headers against the server timeouts (#10), and a killed server's upload
 * leftovers swept at the next start (#11). Figures are printed (`# reliability registry-limits: ...`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { envInt, prng, recordFigures, SAMPLE, SEED, sleep, startServe, type ServeProcess } from './helpers.js';
import { openStore } from '../src/storage/index.js';
import { publishPackage } from '../src/publish/index.js';
import { buildZip } from '../src/package/build.js';
import { KEYS } from '../src/index/format.js';

const RSS_LIMIT = 600 * 1024 * 1024;
const ZIP_CONCURRENCY = envInt('RELIABILITY_ZIP_CONNECTIONS', 64);
const ZIP_ROUNDS = envInt('RELIABILITY_ZIP_ROUNDS', 2);
const ENTRY_BYTES = 16_000_000; // just under the 16 MiB the old fallback buffered
const UPLOAD_MB = envInt('RELIABILITY_UPLOAD_MB', 200);
const SLOW_CONNECTIONS = envInt('RELIABILITY_SLOW_CONNECTIONS', 32);
const PATH_RUNS = envInt('RELIABILITY_PATH_RUNS', 1000);
const TOKEN = 'reliability-limits-token';

const figures: Record<string, unknown> = { seed: SEED };

async function peakRss(pid: number): Promise<number> {
  const s = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)\s+kB/.exec(s)![1]) * 1024;
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

async function tmpdir(t: { after: (fn: () => Promise<void>) => void }, prefix: string): Promise<string> {
  const d = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => (process.env.RELIABILITY_KEEP ? Promise.resolve() : fsp.rm(d, { recursive: true, force: true })));
  return d;
}

function serveIn(t: { after: (fn: () => Promise<void>) => void }, s: ServeProcess): ServeProcess {
  t.after(() => s.stop());
  return s;
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  sha: string;
  bytes: number;
}

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: () => NodeJS.ReadableStream } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const h = createHash('sha256');
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        h.update(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, sha: h.digest('hex'), bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body) opts.body().pipe(req);
    else req.end();
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('#5 zip fallback: concurrent requests for a 16 MB file only inside the zip stay under 600 MB', { timeout: 600_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-zipfb-');
  const pkg = path.join(dir, 'pkg');
  await fsp.cp(SAMPLE, pkg, { recursive: true });
  // a JSON sample event of 16 MB: valid for the spec, not extracted at publish (so served from the zip)
  const payload = randomBytes(Math.ceil((ENTRY_BYTES - 20) * 0.75)).toString('base64').slice(0, ENTRY_BYTES - 16);
  const content = Buffer.from(`{"message":"${payload}"}\n`);
  const rel = 'data_stream/events/sample_event.json';
  await fsp.writeFile(path.join(pkg, rel), content);
  const storeDir = path.join(dir, 'store');
  const store = await openStore(storeDir);
  await publishPackage(store, { dir: pkg }, { skipVerify: true });
  assert.equal(await store.head(KEYS.staticFile('hello_logs', '1.2.0', rel)), undefined, 'served from the zip');
  const srv = serveIn(t, await startServe(storeDir));
  const url = `${srv.url}/package/hello_logs/1.2.0/${rel}`;
  const before = await peakRss(srv.child.pid!);
  const rnd = prng(SEED);
  const statuses: Record<string, number> = {};
  let verified = 0;
  const t0 = performance.now();
  for (let round = 0; round < ZIP_ROUNDS; round++) {
    const reqs = Array.from({ length: ZIP_CONCURRENCY }, async (_, i) => {
      const kind = i % 8 === 0 ? 'HEAD' : i % 8 === 1 ? 'RANGE' : 'GET';
      let start = 0;
      let end = content.length - 1;
      if (kind === 'RANGE') {
        start = Math.floor(rnd() * content.length);
        end = Math.min(content.length - 1, start + Math.floor(rnd() * 4_000_000));
      }
      const r = await request(url, { method: kind === 'HEAD' ? 'HEAD' : 'GET', headers: kind === 'RANGE' ? { range: `bytes=${start}-${end}` } : {} });
      statuses[`${kind} ${r.status}`] = (statuses[`${kind} ${r.status}`] ?? 0) + 1;
      if (r.status === 503) {
        assert.ok(r.headers['retry-after'], '503 without Retry-After');
        return;
      }
      if (kind === 'HEAD') {
        assert.equal(r.status, 200);
        assert.equal(r.headers['content-length'], String(content.length));
      } else if (kind === 'RANGE') {
        assert.equal(r.status, 206);
        assert.equal(r.sha, sha(content.subarray(start, end + 1)));
      } else {
        assert.equal(r.status, 200);
        assert.equal(r.sha, sha(content), 'whole file');
      }
      verified++;
    });
    await Promise.all(reqs);
  }
  const peak = await peakRss(srv.child.pid!);
  Object.assign(figures, {
    zipFallback: { entryBytes: content.length, connections: ZIP_CONCURRENCY, rounds: ZIP_ROUNDS, requests: ZIP_CONCURRENCY * ZIP_ROUNDS, verified, statuses, seconds: Math.round((performance.now() - t0) / 100) / 10, peakRssBeforeMB: mb(before), peakRssMB: mb(peak) },
  });
  t.diagnostic(JSON.stringify(figures.zipFallback));
  assert.ok(verified >= ZIP_CONCURRENCY, `only ${verified} requests served`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${mb(peak)} MB`);
  assert.equal((await request(`${srv.url}/health`)).status, 200);
});

test('#6 a 200 MB multipart publish is streamed to disk: peak RSS under 600 MB; concurrent uploads bounded', { timeout: 900_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-upload-');
  const pkg = path.join(dir, 'pkg');
  await fsp.cp(SAMPLE, pkg, { recursive: true });
  // images are not parsed by validation; random bytes do not compress, so the zip is about UPLOAD_MB
  const half = Math.floor((UPLOAD_MB * 1024 * 1024) / 2);
  for (const n of ['a', 'b']) {
    const fh = await fsp.open(path.join(pkg, `img/blob-${n}.bin`), 'w');
    for (let w = 0; w < half; w += 8 * 1024 * 1024) await fh.write(randomBytes(Math.min(8 * 1024 * 1024, half - w)));
    await fh.close();
  }
  const built = await buildZip(pkg, path.join(dir, 'out'));
  const zipSize = (await fsp.stat(built.file)).size;
  const storeDir = path.join(dir, 'store');
  await openStore(storeDir);
  const srv = serveIn(t, await startServe(storeDir, ['--publish-token', TOKEN, '--allow-unsigned', '--upload-dir', path.join(dir, 'uploads')]));
  const before = await peakRss(srv.child.pid!);
  const boundary = `----reliability${randomBytes(8).toString('hex')}`;
  const pre = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="package"; filename="p.zip"\r\nContent-Type: application/zip\r\n\r\n`);
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  const multipart = () => {
    const out = new PassThrough();
    out.write(pre);
    const f = createReadStream(built.file);
    f.pipe(out, { end: false });
    f.on('end', () => out.end(post));
    return out;
  };
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(pre.length + zipSize + post.length), authorization: `Bearer ${TOKEN}` };
  const t0 = performance.now();
  const one = await request(`${srv.url}/api/v1/packages`, { method: 'POST', headers, body: multipart });
  const oneSeconds = (performance.now() - t0) / 1000;
  assert.equal(one.status, 201, `publish answered ${one.status}`);
  const peakOne = await peakRss(srv.child.pid!);
  // four at once: at most the configured number (2) are received at a time, the rest wait their turn (or, past
  // the wait, are told to retry)
  const four = await Promise.all(Array.from({ length: 4 }, () => request(`${srv.url}/api/v1/packages`, { method: 'POST', headers, body: multipart }).catch((e: Error) => ({ status: -1, headers: {}, sha: e.message, bytes: 0 }) as Got)));
  const peakFour = await peakRss(srv.child.pid!);
  const statuses = four.map((r) => r.status);
  for (const r of four) {
    if (r.status === 503) assert.ok(r.headers['retry-after']);
    else if (r.status !== -1) assert.equal(r.status, 200, 'same bytes: already published');
  }
  assert.ok(statuses.includes(200), `no concurrent upload was received: ${statuses}`);
  const dl = await request(`${srv.url}/epr/hello_logs/hello_logs-1.2.0.zip`);
  assert.equal(dl.sha, sha(await fsp.readFile(built.file)), 'the published zip is the uploaded one');
  Object.assign(figures, { multipart: { zipMB: mb(zipSize), seconds: Math.round(oneSeconds * 10) / 10, peakRssBeforeMB: mb(before), peakRssOneMB: mb(peakOne), fourAtOnce: statuses, peakRssAfterFourMB: mb(peakFour) } });
  t.diagnostic(JSON.stringify(figures.multipart));
  assert.ok(peakOne < RSS_LIMIT, `peak RSS ${mb(peakOne)} MB for one ${mb(zipSize)} MB upload`);
  assert.ok(peakFour < RSS_LIMIT, `peak RSS ${mb(peakFour)} MB with four at once`);
});

test('#7 serve with an unreadable current index: older revision served and healthy; none readable: 503', { timeout: 300_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-index-');
  const store = await openStore(dir);
  await publishPackage(store, { dir: SAMPLE }, { skipVerify: true });
  const older = JSON.parse(await text(store, KEYS.cursor)) as { current: string };
  const pkg2 = path.join(await tmpdir(t, 'rel-index-pkg-'), 'p');
  await fsp.cp(SAMPLE, pkg2, { recursive: true });
  await fsp.writeFile(path.join(pkg2, 'manifest.yml'), (await fsp.readFile(path.join(pkg2, 'manifest.yml'), 'utf8')).replace(/^version: .*$/m, 'version: 1.3.0'));
  await fsp.writeFile(path.join(pkg2, 'changelog.yml'), `- version: "1.3.0"\n  changes:\n    - description: next\n      type: enhancement\n      link: https://example.com/x/1\n` + (await fsp.readFile(path.join(SAMPLE, 'changelog.yml'), 'utf8')));
  await publishPackage(store, { dir: pkg2 }, { skipVerify: true });
  const current = JSON.parse(await text(store, KEYS.cursor)) as { current: string };
  const full = await text(store, KEYS.indexAll(current.current));
  const results: Record<string, unknown> = {};
  const check = async (label: string, mutate: () => Promise<void>, expect: { health: number; versions?: string[] }) => {
    await mutate();
    const srv = await startServe(dir);
    try {
      const h = await request(`${srv.url}/health`);
      const s = await fetch(`${srv.url}/search?all=true`);
      const body = await s.text();
      results[label] = { health: h.status, search: s.status, cacheControl: s.headers.get('cache-control') };
      assert.equal(h.status, expect.health, label);
      if (expect.versions) {
        assert.equal(s.status, 200, label);
        assert.deepEqual((JSON.parse(body) as { version: string }[]).map((p) => p.version), expect.versions, label);
        if (label !== 'intact') assert.match(srv.output(), /NOT readable/, `${label}: the fallback is logged`);
      } else {
        assert.equal(s.status, 503, label);
        assert.match(String(s.headers.get('cache-control')), /no-store/, label);
      }
    } finally {
      await srv.stop();
    }
  };
  await check('intact', async () => undefined, { health: 200, versions: ['1.2.0', '1.3.0'] });
  await check('truncated current index', async () => void (await store.put(KEYS.indexAll(current.current), full.slice(0, full.length - 40))), { health: 200, versions: ['1.2.0'] });
  await check('garbage cursor.json', async () => {
    await store.put(KEYS.indexAll(current.current), full);
    await store.put(KEYS.cursor, '\u0000garbage');
  }, { health: 200, versions: ['1.2.0', '1.3.0'] });
  await check('cursor names a missing folder', async () => void (await store.put(KEYS.cursor, JSON.stringify({ current: '99999999999999999999' }))), { health: 200, versions: ['1.2.0', '1.3.0'] });
  await check('no readable revision', async () => {
    await store.put(KEYS.indexAll(current.current), '{"packages":[{');
    await store.put(KEYS.indexAll(older.current), '');
  }, { health: 503 });
  figures.unreadableIndex = results;
  t.diagnostic(JSON.stringify(results));
});

async function text(store: Awaited<ReturnType<typeof openStore>>, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await store.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

test('#9 hostile bytes in storage paths over a real socket: never a 5xx', { timeout: 300_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-bytes-');
  const store = await openStore(dir);
  await publishPackage(store, { dir: SAMPLE }, { skipVerify: true });
  const srv = serveIn(t, await startServe(dir));
  const u = new URL(srv.url);
  const rnd = prng(SEED + 9);
  const templates = ['/artifacts/static/hello_logs-1.2.0/{s}', '/artifacts/static/{s}/docs/README.md', '/artifacts/packages/hello_logs-{s}.zip', '/artifacts/packages/{s}.zip.sig', '/package/hello_logs/1.2.0/{s}', '/package/hello_logs/1.2.0/img/{s}', '/epr/hello_logs/hello_logs-{s}.zip', '/package/{s}/1.2.0/'];
  const fixed = ['a'.repeat(256), '%01', '%7f', '%5c', 'a%5c..%5cb', '%00', '%ff%fe', 'x'.repeat(4000)];
  const statuses: Record<number, number> = {};
  const get = (p: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: p, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });
  const paths: string[] = [];
  for (const tpl of templates) for (const s of fixed) paths.push(tpl.replace('{s}', s));
  while (paths.length < PATH_RUNS) {
    const tpl = templates[Math.floor(rnd() * templates.length)]!;
    const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 400 : 40));
    let s = '';
    for (let i = 0; i < n; i++) {
      const b = Math.floor(rnd() * 256);
      s += b > 0x20 && b < 0x7f && !'%?#'.includes(String.fromCharCode(b)) && rnd() < 0.5 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`;
    }
    paths.push(tpl.replace('{s}', s));
  }
  for (const p of paths) {
    const st = await get(p);
    statuses[st] = (statuses[st] ?? 0) + 1;
    assert.ok(st < 500, `${p.slice(0, 200)} → ${st}`);
  }
  figures.hostilePaths = { requests: paths.length, statuses };
  t.diagnostic(JSON.stringify(figures.hostilePaths));
});

test('#10 slow bodies and slow headers are cut off by the server timeouts; the registry keeps serving', { timeout: 300_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-slow-');
  await openStore(dir);
  const REQUEST_MS = 3000;
  const HEADERS_MS = 2000;
  const srv = serveIn(t, await startServe(dir, ['--publish-token', TOKEN, '--allow-unsigned', '--upload-dir', await tmpdir(t, 'rel-slow-up-')], { PACKAGE_STORAGE_REQUEST_TIMEOUT_MS: String(REQUEST_MS), PACKAGE_STORAGE_HEADERS_TIMEOUT_MS: String(HEADERS_MS) }));
  const u = new URL(srv.url);
  const held = (head: string) =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const s = net.connect(Number(u.port), u.hostname, () => s.write(head));
      const timer = setInterval(() => s.writable && s.write('x'), 300);
      s.on('data', () => undefined);
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(timer);
        resolve(performance.now() - t0);
      });
      setTimeout(() => s.destroy(), 60_000).unref();
    });
  const upload = 'POST /api/v1/packages HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nContent-Length: 500000000\r\n';
  const kinds = ['authorized slow body', 'unauthorized slow body', 'slow headers'] as const;
  const runs = Array.from({ length: SLOW_CONNECTIONS }, (_, i) => {
    const kind = kinds[i % 3]!;
    const head = kind === 'authorized slow body' ? `${upload}Authorization: Bearer ${TOKEN}\r\n\r\n` : kind === 'unauthorized slow body' ? `${upload}\r\n` : 'GET /search HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    return held(head).then((ms) => ({ kind, ms }));
  });
  await sleep(500);
  const during = await request(`${srv.url}/search`);
  assert.equal(during.status, 200, 'served during the slow connections');
  const done = await Promise.all(runs);
  const byKind: Record<string, { n: number; maxMs: number }> = {};
  for (const d of done) {
    const k = (byKind[d.kind] ??= { n: 0, maxMs: 0 });
    k.n++;
    k.maxMs = Math.max(k.maxMs, Math.round(d.ms));
  }
  figures.slowConnections = { connections: SLOW_CONNECTIONS, requestTimeoutMs: REQUEST_MS, headersTimeoutMs: HEADERS_MS, byKind };
  t.diagnostic(JSON.stringify(figures.slowConnections));
  for (const d of done) assert.ok(d.ms < 10_000, `${d.kind} held ${Math.round(d.ms)} ms`);
});

test('#11 a killed server leaves its upload folder; the next start sweeps it', { timeout: 300_000 }, async (t) => {
  const dir = await tmpdir(t, 'rel-sweep-');
  const storeDir = path.join(dir, 'store');
  const uploads = path.join(dir, 'uploads');
  await openStore(storeDir);
  const args = ['--publish-token', TOKEN, '--allow-unsigned', '--upload-dir', uploads];
  const first = await startServe(storeDir, args);
  const u = new URL(first.url);
  const s = net.connect(Number(u.port), u.hostname, () => {
    s.write(`POST /api/v1/packages HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nContent-Length: 100000000\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    s.write(Buffer.alloc(1024 * 1024, 1));
  });
  s.on('error', () => undefined);
  let left: string[] = [];
  for (let i = 0; i < 100 && left.length === 0; i++) {
    await sleep(100);
    left = await fsp.readdir(uploads).catch(() => []);
  }
  assert.equal(left.length, 1, 'the upload has its folder');
  await first.kill();
  s.destroy();
  assert.deepEqual(await fsp.readdir(uploads), left, 'SIGKILL leaves the folder behind');
  const second = serveIn(t, await startServe(storeDir, args));
  assert.deepEqual(await fsp.readdir(uploads), [], 'swept at start');
  assert.equal((await request(`${second.url}/health`)).status, 200);
  figures.uploadSweep = { leftByKill: left.length, sweptAtStart: left.length };
});

test('registry-limits figures', () => recordFigures('registry-limits', figures));
