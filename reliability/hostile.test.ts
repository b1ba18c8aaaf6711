/**
 * Hostile input (README.md, invariant "Untrusted input changes nothing"): untrusted input gets a clear error and changes nothing.
 *
 * Inputs: fast-check generated zips (arbitrary entry names with `..`, NUL, backslashes, absolute paths,
 * symlink/odd modes, size lies, encryption flags, deflate bombs), generated and mutated manifests in an
 * otherwise valid package, and byte-mutated real zips (EPR testdata zips and v1 corpus folders built into
 * zips). Each goes to
 *   - validate (in-process `openZip` + `validatePackage`): a PsError with a catalog code, or a report; never a crash;
 *   - publish (in-process `publishPackage` into a temp FsStore): either published, or a PsError with a catalog
 *     code (never INTERNAL) and the store stays EMPTY — no object at all;
 * and the HTTP API of a real `serve` process gets random paths and query strings (`..`, `%2e%2e`, double
 * encodings, NUL, very long paths), huge headers, hostile uploads and slow bodies to the publish endpoint:
 * no crash, no 5xx (except EPR's documented 500 for a missing local `.sig`), no write, every publish refusal
 * with a JSON catalog code.
 *
 * Size: RELIABILITY_FUZZ_RUNS scales every property (default 1 = the CI size printed at the end).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, readdir, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { ERROR_CATALOG, isPsError } from '../src/errors.js';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { openZip } from '../src/package/zip.js';
import { buildZip } from '../src/package/build.js';
import { validatePackage } from '../src/spec/index.js';
import { rawZip, type RawEntry } from '../test/helpers/publish.js';
import { CORPUS, EPR_ZIPS, SAMPLE, SEED, corpusMissing, envInt, rawFiles, recordFigures, startServe, type ServeProcess } from './helpers.js';

const SCALE = envInt('RELIABILITY_FUZZ_RUNS', 1);
const runs = (n: number) => Math.max(1, n * SCALE);
const TOKEN = 'hostile-token';

type PublishFn = typeof import('../src/publish/index.js').publishPackage;
let publishPackage: PublishFn;
let work = '';
const counts: Record<string, number> = {};
const outcomes: Record<string, number> = {};
const bump = (k: string, m: Record<string, number> = counts) => (m[k] = (m[k] ?? 0) + 1);

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-rel-hostile-'));
  ({ publishPackage } = await import('../src/publish/index.js'));
});
after(async () => {
  if (work && !process.env.RELIABILITY_KEEP) await rm(work, { recursive: true, force: true });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  await recordFigures('hostile', { seed: SEED, scale: SCALE, totalInputs: total, inputs: counts, outcomes });
});

type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;
const isCatalogCode = (c: unknown) => typeof c === 'string' && c in ERROR_CATALOG;

// ---------------------------------------------------------------------------------------------------------
// validate + publish of one zip

let storeDir = '';
let store: ObjectStore | undefined;
let seq = 0;

async function freshStore(): Promise<ObjectStore> {
  await store?.close?.();
  storeDir = path.join(work, `store-${seq++}`);
  store = await openStore(storeDir);
  return store;
}

/** Feed one zip to validate and publish; asserts the invariants, returns a short outcome label. */
async function feedZip(bytes: Buffer, kind: string): Promise<string> {
  bump(kind);
  const file = path.join(work, 'input.zip');
  await writeFile(file, bytes);

  // validate
  let vlabel: string;
  try {
    const src = await openZip(file);
    try {
      const r = await validatePackage(src);
      for (const e of r.errors) assert.ok(typeof e.code === 'string' && e.code.length > 0 && typeof e.message === 'string', `validation issue without a code: ${JSON.stringify(e)}`);
      vlabel = r.valid ? 'valid' : 'invalid';
    } finally {
      await src.close();
    }
  } catch (e) {
    assert.ok(isPsError(e), `validate crashed on a ${kind} input: ${(e as Error)?.stack ?? String(e)}`);
    assert.notEqual(e.code, 'INTERNAL', `validate: INTERNAL on a ${kind} input: ${e.message}`);
    vlabel = e.code;
  }
  bump(`validate:${vlabel}`, outcomes);

  // publish
  const s = store ?? (await freshStore());
  try {
    const r = await publishPackage(s, { zip: file }, { skipVerify: true });
    bump('publish:accepted', outcomes);
    assert.ok(r.status === 'published' || r.status === 'already-published');
    await freshStore(); // accepted: start again from an empty store
    return 'accepted';
  } catch (e) {
    assert.ok(isPsError(e), `publish crashed on a ${kind} input: ${(e as Error)?.stack ?? String(e)}`);
    assert.ok(isCatalogCode(e.code) && e.code !== 'INTERNAL', `publish: no clear code for a ${kind} input: ${e.code} ${e.message}`);
    bump(`publish:${e.code}`, outcomes);
    const left = await rawFiles(storeDir);
    assert.deepEqual(left, [], `publish refused a ${kind} input (${e.code}) but wrote ${left.join(', ')}`);
    assert.deepEqual((await s.list('')).objects.map((o) => o.key), [], `store not empty after a refused ${kind} input`);
    return e.code;
  }
}

// ---------------------------------------------------------------------------------------------------------
// generators

const R = 'evil-1.0.0/';
const MANIFEST = 'format_version: 3.3.0\nname: evil\ntitle: Evil\nversion: 1.0.0\ndescription: x\ntype: integration\nowner:\n  github: elastic/x\n  type: community\n';

const segment = fc.oneof(
  fc.constantFrom('..', '.', '', 'docs', 'img', 'manifest.yml', 'data_stream', 'kibana', '%2e%2e', '..\\..', 'C:', '\u0000', 'a\u0000b', '\u202e', 'CON', 'ü', ' ', '~'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const entryName = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => R + s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => '/' + s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => R + s.join('\\')),
  fc.constantFrom(`${R}manifest.yml`, `${R}docs/README.md`, `${R}img/x.png`, `${R}`, `${R}../x`, `other-2.0.0/manifest.yml`, `${R}changelog.yml`),
);
const entryData = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((u) => Buffer.from(u)),
  fc.constant(Buffer.from(MANIFEST)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.integer({ min: 1, max: 8 }).map((mb) => Buffer.alloc(mb * 1024 * 1024)), // compresses ~1000:1 when deflated
);
const rawEntry: fc.Arbitrary<RawEntry> = fc.record(
  {
    name: entryName,
    data: entryData,
    deflate: fc.boolean(),
    declaredSize: fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }),
    mode: fc.option(fc.constantFrom(0o120777, 0o100644, 0o40755, 0o010644, 0o140755, 0o060644, 0), { nil: undefined }),
    encrypted: fc.boolean(),
  },
  { requiredKeys: ['name'] },
);
const hostileZip = fc
  .tuple(fc.boolean(), fc.array(rawEntry, { maxLength: 8 }))
  .map(([withBase, extra]) => rawZip([...(withBase ? [{ name: R }, { name: `${R}manifest.yml`, data: Buffer.from(MANIFEST) }, { name: `${R}docs/README.md`, data: Buffer.from('# Evil\n') }] : []), ...extra]));

/** The sample package's files, in memory. */
async function sampleFiles(): Promise<{ rel: string; data: Buffer }[]> {
  const out: { rel: string; data: Buffer }[] = [];
  async function walk(d: string, rel: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else out.push({ rel: r, data: await readFile(path.join(d, e.name)) });
    }
  }
  await walk(SAMPLE, '');
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

const MANIFEST_KEYS = ['format_version', 'name', 'title', 'version', 'description', 'type', 'categories', 'conditions', 'icons', 'screenshots', 'policy_templates', 'owner', 'source', 'agent', 'elasticsearch', 'vars', 'release', 'license'];
const yamlHazard = fc.constantFrom(
  // billion laughs
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
  '['.repeat(5000) + ']'.repeat(5000),
  'name: a\nname: b\nversion: 1.0.0\n',
  'name: !!js/function "function(){}"\n',
  '--- !<tag:yaml.org,2002:python/object/apply:os.system> ["rm -rf /"]\n',
  'name: evil\nversion: 1.0.0\n<<: *undefined_alias\n',
  '\uFEFFname: evil\nversion: 1.0.0\n',
  'name: "\\u0000"\nversion: 1.0.0\n',
  `name: evil\nversion: 1.0.0\ndescription: ${'x'.repeat(2_000_000)}\n`,
);

const manifestMutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.oneof(fc.constantFrom(...MANIFEST_KEYS), fc.string({ maxLength: 10 })), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...MANIFEST_KEYS) }),
  fc.record({ op: fc.constant('replace' as const), text: fc.oneof(fc.string({ maxLength: 300 }), yamlHazard) }),
  fc.record({ op: fc.constant('other' as const), file: fc.constantFrom('data_stream/events/manifest.yml', 'data_stream/events/fields/fields.yml', 'changelog.yml', 'docs/README.md'), text: fc.oneof(fc.string({ maxLength: 300 }), yamlHazard) }),
);

function mutatedPackageZip(files: { rel: string; data: Buffer }[], muts: ArbValue<typeof manifestMutation>[]): Buffer {
  const m = YAML.parse(files.find((f) => f.rel === 'manifest.yml')!.data.toString('utf8')) as Record<string, unknown>;
  let manifestText: string | undefined;
  const others = new Map<string, string>();
  for (const mu of muts) {
    if (mu.op === 'set') m[mu.key] = mu.value;
    else if (mu.op === 'delete') delete m[mu.key];
    else if (mu.op === 'replace') manifestText = mu.text;
    else others.set(mu.file, mu.text);
  }
  const text = manifestText ?? YAML.stringify(m);
  const safe = (v: unknown, d: string) => (typeof v === 'string' && /^[\w.+-]{1,64}$/.test(v) ? v : d);
  const root = `${safe(m.name, 'hello_logs')}-${safe(m.version, '1.2.0')}/`;
  const entries: RawEntry[] = [{ name: root }];
  for (const f of files) {
    const data = f.rel === 'manifest.yml' ? Buffer.from(text) : others.has(f.rel) ? Buffer.from(others.get(f.rel)!) : f.data;
    entries.push({ name: root + f.rel, data, deflate: true });
  }
  return rawZip(entries);
}

const byteMutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ op: fc.constant('zero' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 512 }) }),
  fc.record({ op: fc.constant('tail' as const), back: fc.integer({ min: 1, max: 200 }), bits: fc.integer({ min: 1, max: 255 }) }), // the central directory / EOCD
);

function mutate(buf: Buffer, muts: ArbValue<typeof byteMutation>[]): Buffer {
  let b = Buffer.from(buf);
  for (const m of muts) {
    if (b.length === 0) break;
    const at = 'at' in m ? m.at % b.length : 0;
    if (m.op === 'flip') for (let i = 0; i < m.n; i++) b[(at + i * 7919) % b.length]! ^= m.bits;
    else if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.op === 'zero') b.fill(0, at, Math.min(b.length, at + m.len));
    else if (m.op === 'tail') b[Math.max(0, b.length - m.back)]! ^= m.bits;
  }
  return b;
}

async function realZips(): Promise<{ label: string; bytes: Buffer }[]> {
  const out: { label: string; bytes: Buffer }[] = [];
  if (existsSync(EPR_ZIPS)) for (const f of (await readdir(EPR_ZIPS)).filter((f) => f.endsWith('.zip')).sort()) out.push({ label: f, bytes: await readFile(path.join(EPR_ZIPS, f)) });
  if (!corpusMissing) {
    const dir = path.join(work, 'corpus-zips');
    await mkdir(dir, { recursive: true });
    let n = 0;
    for (const name of (await readdir(CORPUS)).sort()) {
      const versions = (await readdir(path.join(CORPUS, name))).sort();
      try {
        const z = await buildZip(path.join(CORPUS, name, versions[versions.length - 1]!), `${dir}/`);
        if (z.size > 2 * 1024 * 1024) continue; // keep each run fast
        out.push({ label: path.basename(z.file), bytes: await readFile(z.file) });
      } catch {
        continue;
      }
      if (++n === 6) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// validate + publish properties

test('generated hostile zips: validate and publish refuse with a catalog code and write nothing', { timeout: 15 * 60_000 }, async () => {
  await freshStore();
  await fc.assert(fc.asyncProperty(hostileZip, async (zip) => void (await feedZip(zip, 'generated-zip'))), { numRuns: runs(600), seed: SEED, endOnFailure: true });
});

test('generated and mutated manifests in a valid package', { timeout: 15 * 60_000 }, async () => {
  const files = await sampleFiles();
  await freshStore();
  // the unmutated package must publish (otherwise the property below tests nothing)
  assert.equal(await feedZip(mutatedPackageZip(files, []), 'manifest'), 'accepted', 'the sample package itself must publish');
  await fc.assert(fc.asyncProperty(fc.array(manifestMutation, { minLength: 1, maxLength: 4 }), async (muts) => void (await feedZip(mutatedPackageZip(files, muts), 'manifest'))), {
    numRuns: runs(300),
    seed: SEED,
    endOnFailure: true,
  });
});

test('byte-mutated real zips (EPR testdata, v1 corpus)', { timeout: 15 * 60_000 }, async (t) => {
  const zips = await realZips();
  if (zips.length === 0) return t.skip(`no real zips: ${EPR_ZIPS} and the corpus are absent`);
  await freshStore();
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: zips.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (i, muts) => void (await feedZip(mutate(zips[i]!.bytes, muts), 'mutated-real-zip'))),
    { numRuns: runs(400), seed: SEED, endOnFailure: true },
  );
});

// ---------------------------------------------------------------------------------------------------------
// HTTP

interface RawResponse {
  status: number;
  headers: string;
  body: Buffer;
}

/** Send raw bytes on a fresh connection; resolve with the parsed response (or status 0 if none came). */
function rawRequest(url: string, req: Buffer | string, opts: { slow?: { chunks: Buffer[]; everyMs: number }; timeoutMs?: number } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearInterval(timer);
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const head = sep >= 0 ? all.subarray(0, sep).toString('latin1') : all.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : 0, headers: head, body: sep >= 0 ? all.subarray(sep + 4) : Buffer.alloc(0) });
    };
    sock.setTimeout(opts.timeoutMs ?? 30_000, () => sock.destroy());
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('close', finish);
    sock.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    sock.on('connect', () => {
      sock.write(req);
      if (opts.slow) {
        const rest = [...opts.slow.chunks];
        timer = setInterval(() => {
          const c = rest.shift();
          if (c === undefined || sock.destroyed) return clearInterval(timer);
          sock.write(c);
        }, opts.slow.everyMs);
      }
    });
  });
}

function get(target: string, headers: Record<string, string> = {}): Buffer {
  const h = Object.entries({ Host: 'localhost', Connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.from(`GET ${target} HTTP/1.1\r\n${h}\r\n`, 'latin1');
}

function post(target: string, body: Buffer, headers: Record<string, string>): Buffer {
  const h = Object.entries({ Host: 'localhost', Connection: 'close', 'Content-Length': String(body.length), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\n${h}\r\n`, 'latin1'), body]);
}

let server: ServeProcess | undefined;
let httpStore = '';
const SEEDED = ['hello_logs', 'web_pulse'];

async function httpServer(): Promise<ServeProcess> {
  if (server) return server;
  httpStore = path.join(work, 'http-store');
  const s = await openStore(httpStore);
  for (const n of SEEDED) await publishPackage(s, { dir: path.join(SAMPLE, '..', n) }, { skipVerify: true });
  await s.close?.();
  server = await startServe(httpStore, ['--publish-token', TOKEN, '--allow-unsigned']);
  return server;
}
after(async () => {
  await server?.stop();
});

/** No 5xx, except EPR's documented 500 for a `.sig` of a local package published without one. */
function checkStatus(r: RawResponse, what: string): void {
  bump(`http:${r.status === 0 ? 'closed' : `${Math.floor(r.status / 100)}xx`}`, outcomes);
  if (r.status >= 500) {
    const documented = r.status === 500 && /\.zip\.sig(\?|$| )/.test(what);
    assert.ok(documented, `${r.status} for ${JSON.stringify(what.slice(0, 300))}: ${r.body.toString('utf8').slice(0, 300)}`);
  }
  assert.ok(!r.body.includes('root:x:0:0'), `${what}: leaked /etc/passwd`);
}

const pathSeg = fc.oneof(
  fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '%252e%252e', '..%2f', '%2f', '%5c', '..\\', '%00', '%', '%zz', '%c0%ae%c0%ae', '~', '', '%20', 'etc', 'passwd', 'package', 'epr', 'search', 'categories', 'artifacts', 'static', 'packages', 'hello_logs', '1.2.0', 'hello_logs-1.2.0.zip', 'hello_logs-1.2.0.zip.sig', 'web_pulse', 'docs', 'README.md', 'manifest.yml', 'img', 'icon.svg', 'v2', 'metadata', 'cursor.json', 'api', 'v1', 'app', 'health', 'metrics', 'favicon.ico', 'index.json'),
  fc.string({ maxLength: 8 }).map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/),
);
const queryParam = fc.tuple(
  fc.constantFrom('kibana.version', 'agent.version', 'prerelease', 'experimental', 'all', 'package', 'type', 'category', 'capabilities', 'spec.min', 'spec.max', 'discovery', 'include_policy_templates', 'internal', 'x', '', '%00', 'a[b]', '__proto__', 'constructor'),
  fc.oneof(fc.constantFrom('', 'true', 'false', '1', 'TRUE', 'x', '8.12.0', '9', 'v8', '^8', '>=1 <2', '2.10', '2.10.1', '3', 'fields:a,b', 'datasets:x', 'nope', 'fields:', ':', 'logs', 'integration', '%00', '%ff', '%', '%%', '💥'), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.string({ maxLength: 10 })),
);
const target = fc
  .tuple(fc.array(pathSeg, { minLength: 0, maxLength: 7 }), fc.boolean(), fc.array(queryParam, { maxLength: 5 }))
  .map(([segs, slash, q]) => {
    const p = '/' + segs.join('/') + (slash ? '/' : '');
    const qs = q.map(([k, v]) => `${k}=${v}`).join('&');
    // the request line cannot hold raw spaces/CR/LF (they would end it): percent-encode those
    return (qs ? `${p}?${qs}` : p).replace(/[\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  });

test('HTTP: random paths and query strings (traversal, encodings, NUL): no 5xx, no write', { timeout: 15 * 60_000 }, async () => {
  const srv = await httpServer();
  const before = await rawFiles(httpStore);
  const fixed = ['/package/hello_logs/1.2.0/../../../../etc/passwd', '/package/hello_logs/1.2.0/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/package/hello_logs/1.2.0/..%2f..%2f..%2fetc%2fpasswd', '/package/hello_logs/1.2.0/%252e%252e%252fetc%252fpasswd', '/artifacts/static/hello_logs-1.2.0/../../../etc/passwd', '/epr/hello_logs/..%2f..%2fhello_logs-1.2.0.zip', '/package/hello_logs/1.2.0/docs/README.md%00.png', '/search?package=hello_logs%00', '/%00', '//etc/passwd', '/..', '/search?' + 'a=1&'.repeat(5000)];
  for (const f of fixed) {
    bump('http-path');
    checkStatus(await rawRequest(srv.url, get(f)), f);
  }
  await fc.assert(
    fc.asyncProperty(target, async (t) => {
      bump('http-path');
      checkStatus(await rawRequest(srv.url, get(t)), t);
    }),
    { numRuns: runs(2000), seed: SEED, endOnFailure: true },
  );
  // raw NUL and control bytes in the request line, very long paths, huge and many headers: the HTTP parser's
  // 4xx (400/414/431) or a closed connection, never a 5xx
  const raw: [string, Buffer][] = [
    ['NUL in the path', Buffer.from('GET /search\u0000/../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')],
    ['CR in the path', Buffer.from('GET /sea\rrch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')],
    ['64 KiB path', get('/package/' + 'a'.repeat(64 * 1024) + '/1.0.0/')],
    ['1 MiB path', get('/' + 'x/'.repeat(512 * 1024))],
    ['100 KiB header', get('/search', { 'X-Big': 'y'.repeat(100 * 1024) })],
    ['2000 headers', Buffer.from(`GET /search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}\r\n`, 'latin1')],
    ['garbage request', Buffer.from('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 not http at all\r\n\r\n', 'latin1')],
    ['HTTP/0.9', Buffer.from('GET /search\r\n\r\n', 'latin1')],
    ['bad method', Buffer.from('FOO /search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')],
    ['absolute URI', Buffer.from('GET http://evil.example/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')],
    ['bad Range', get('/epr/hello_logs/hello_logs-1.2.0.zip', { Range: 'bytes=999999999-1,-,x-y,0-0,' + '1-2,'.repeat(2000) })],
    ['bad If-Modified-Since', get('/package/hello_logs/1.2.0/manifest.yml', { 'If-Modified-Since': '\u00ff'.repeat(300) })],
  ];
  for (const [label, bytes] of raw) {
    bump('http-raw');
    const r = await rawRequest(srv.url, bytes);
    checkStatus(r, label);
  }
  // still alive and serving
  const ok = await rawRequest(srv.url, get('/search'));
  assert.equal(ok.status, 200, 'the registry still serves /search');
  assert.deepEqual(await rawFiles(httpStore), before, 'hostile GETs wrote to the store');
});

test('HTTP publish endpoint: hostile uploads and slow bodies are refused with a JSON catalog code, no write', { timeout: 15 * 60_000 }, async () => {
  const srv = await httpServer();
  const before = await rawFiles(httpStore);
  const expectRefused = (r: RawResponse, what: string, statuses?: number[]) => {
    checkStatus(r, what);
    assert.ok(r.status >= 400 && r.status < 500, `${what}: expected a 4xx, got ${r.status}`);
    if (statuses) assert.ok(statuses.includes(r.status), `${what}: status ${r.status}, expected ${statuses.join('/')}`);
    // refused by the HTTP parser itself (node's bare 4xx, or fastify's clientError JSON), before any handler ran
    if (r.status === 431 || r.status === 414 || (r.status === 400 && (!/application\/json/i.test(r.headers) || /"message":"Client Error"/.test(r.body.toString('utf8'))))) {
      bump('publish-http:parser-refusal', outcomes);
      return;
    }
    let body: { code?: unknown };
    try {
      body = JSON.parse(r.body.toString('utf8')) as { code?: unknown };
    } catch {
      assert.fail(`${what}: ${r.status} without a JSON body: ${r.body.toString('utf8').slice(0, 200)}`);
    }
    assert.ok(isCatalogCode(body.code), `${what}: no catalog code in ${r.body.toString('utf8').slice(0, 200)}`);
    bump(`publish-http:${String(body.code)}`, outcomes);
  };
  const zip = { 'Content-Type': 'application/zip' };
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const P = '/api/v1/packages';
  const fixed: [string, Buffer, number[]][] = [
    ['no token', post(P, Buffer.from('x'), zip), [401]],
    ['wrong token', post(P, Buffer.from('x'), { ...zip, Authorization: 'Bearer nope' }), [403]],
    ['basic auth', post(P, Buffer.from('x'), { ...zip, Authorization: 'Basic ' + Buffer.from(`a:${TOKEN}`).toString('base64') }), [401, 403]],
    ['token prefix', post(P, Buffer.from('x'), { ...zip, Authorization: `Bearer ${TOKEN.slice(0, -1)}` }), [403]],
    ['token + suffix', post(P, Buffer.from('x'), { ...zip, Authorization: `Bearer ${TOKEN}x` }), [403]],
    ['no content type', post(P, Buffer.from('x'), auth), [400, 415, 422]],
    ['text body', post(P, Buffer.from('hello'), { ...auth, 'Content-Type': 'text/plain' }), [400, 415]],
    ['not a zip', post(P, Buffer.from('PK\u0003\u0004 garbage'), { ...auth, ...zip }), [422]],
    ['empty zip body', post(P, Buffer.alloc(0), { ...auth, ...zip }), [400, 422]],
    ['broken multipart', post(P, Buffer.from('--b\r\nContent-Disposition: form-data; name="package"\r\n\r\nxx'), { ...auth, 'Content-Type': 'multipart/form-data; boundary=b' }), [400, 422]],
    ['multipart without a package part', post(P, Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nxx\r\n--b--\r\n'), { ...auth, 'Content-Type': 'multipart/form-data; boundary=b' }), [400]],
    ['bad signature header', post(P, rawZip([{ name: R }, { name: `${R}manifest.yml`, data: Buffer.from(MANIFEST) }]), { ...auth, ...zip, 'X-Package-Signature': '!!!not base64' }), [400, 422]],
    ['path traversal zip', post(P, rawZip([{ name: R }, { name: `${R}manifest.yml`, data: Buffer.from(MANIFEST) }, { name: `${R}../../x`, data: Buffer.from('x') }]), { ...auth, ...zip }), [422]],
    ['Content-Length lies (short)', Buffer.concat([Buffer.from(`POST ${P} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/zip\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 5\r\n\r\n`), Buffer.from('PK\u0003\u0004 much longer body than announced')]), [400, 422]],
  ];
  for (const [label, bytes, statuses] of fixed) {
    bump('http-publish');
    expectRefused(await rawRequest(srv.url, bytes), label, statuses);
  }
  // generated hostile zips over HTTP, raw and multipart
  await fc.assert(
    fc.asyncProperty(hostileZip, fc.boolean(), async (z, multipart) => {
      bump('http-publish');
      let req: Buffer;
      if (multipart) {
        const b = 'XyZboundary';
        const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="package"; filename="p.zip"\r\nContent-Type: application/zip\r\n\r\n`), z, Buffer.from(`\r\n--${b}--\r\n`)]);
        req = post(P, body, { ...auth, 'Content-Type': `multipart/form-data; boundary=${b}` });
      } else req = post(P, z, { ...auth, ...zip });
      const r = await rawRequest(srv.url, req);
      if (r.status === 201 || r.status === 200) assert.fail(`a hostile zip was published over HTTP: ${r.body.toString('utf8')}`);
      expectRefused(r, 'generated hostile zip upload');
    }),
    { numRuns: runs(300), seed: SEED, endOnFailure: true },
  );

  // slow bodies: 20 uploads dribbling 16 bytes every 200 ms while the registry keeps serving; then they give up
  const slow = Array.from({ length: 20 }, (_, i) =>
    rawRequest(srv.url, Buffer.from(`POST ${P} HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nAuthorization: Bearer ${i % 2 ? TOKEN : 'nope'}\r\nContent-Length: 10000000\r\n\r\n`), {
      slow: { chunks: Array.from({ length: 15 }, () => Buffer.from('PK\u0003\u0004'.padEnd(16, 'z'))), everyMs: 200 },
      timeoutMs: 5_000,
    }),
  );
  for (let i = 0; i < 10; i++) {
    const r = await rawRequest(srv.url, get('/search'));
    assert.equal(r.status, 200, 'the registry serves /search while slow uploads are in flight');
  }
  for (const r of await Promise.all(slow)) {
    bump('http-slow-body');
    checkStatus(r, 'slow body');
  }
  // a slow body that completes: a clean refusal
  bump('http-slow-body');
  const body = Buffer.from('not a zip, sent slowly....');
  const slowDone = await rawRequest(srv.url, Buffer.from(`POST ${P} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/zip\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n`), {
    slow: { chunks: Array.from({ length: body.length / 2 }, (_, i) => body.subarray(i * 2, i * 2 + 2)), everyMs: 50 },
  });
  expectRefused(slowDone, 'completed slow body', [422]);

  assert.equal((await rawRequest(srv.url, get('/search'))).status, 200, 'the registry still serves /search');
  assert.equal(srv.child.exitCode, null, 'the registry process is alive');
  assert.deepEqual(await rawFiles(httpStore), before, 'hostile uploads wrote to the store');
});
