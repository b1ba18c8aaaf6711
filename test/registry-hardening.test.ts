/**
 * Issue 12, registry half: an unreadable current index (#7), bad bytes in paths (#9), timeouts (#10),
 * HTTP publishing without trusted keys (#12), HTTP error messages (#15), files streamed from the zip (#5).
 * Real fs store, real publish pipeline, real registry (fastify inject, or a listening socket where the
 * socket matters).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { openStore } from '../src/storage/index.js';
import { publishPackage, publishZipFile } from '../src/publish/index.js';
import { createRegistry, type Registry } from '../src/registry/server.js';
import { KEYS, nextCursor } from '../src/index/format.js';
import { FsStore } from '../src/storage/fs.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = path.join(REPO, 'samples');

async function tmp(t: { after: (fn: () => Promise<void>) => void }, prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function registry(t: { after: (fn: () => Promise<void>) => void }, store: Awaited<ReturnType<typeof openStore>>, extra: Partial<Parameters<typeof createRegistry>[0]> = {}): Promise<Registry> {
  const reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false, ...extra });
  t.after(() => reg.close());
  await reg.refresh();
  return reg;
}

/** A store with two revisions: 1 holds hello_logs, 2 holds hello_logs and login_audit. */
async function twoRevisions(dir: string) {
  const store = await openStore(dir);
  await publishPackage(store, { dir: path.join(SAMPLES, 'hello_logs') }, { skipVerify: true });
  const c1 = JSON.parse(await readText(store, KEYS.cursor)) as { current: string };
  await publishPackage(store, { dir: path.join(SAMPLES, 'login_audit') }, { skipVerify: true });
  const c2 = JSON.parse(await readText(store, KEYS.cursor)) as { current: string };
  assert.ok(c2.current > c1.current);
  return { store, older: c1.current, current: c2.current };
}

async function readText(store: { get: (k: string) => Promise<{ body: NodeJS.ReadableStream }> }, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await store.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function names(body: string): string[] {
  return (JSON.parse(body) as { name: string }[]).map((p) => p.name).sort();
}

test('#7 a truncated current index: the newest readable revision is served, healthy', async (t) => {
  const { store, older, current } = await twoRevisions(await tmp(t, 'h12-trunc-'));
  const full = await readText(store, KEYS.indexAll(current));
  await store.put(KEYS.indexAll(current), full.slice(0, Math.floor(full.length / 2)));
  const reg = await registry(t, store);
  assert.equal(reg.watcher.current.cursor, older);
  assert.equal(reg.watcher.health.state, 'ok');
  assert.equal(reg.watcher.health.fallback?.named, current);
  const r = await reg.app.inject('/search');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(names(r.body), ['hello_logs']);
  assert.equal((await reg.app.inject('/health')).statusCode, 200);
});

test('#7 garbage cursor.json, or one naming a missing folder: the newest readable revision', async (t) => {
  const { store, current } = await twoRevisions(await tmp(t, 'h12-cursor-'));
  await store.put(KEYS.cursor, '{"current": tru');
  let reg = await registry(t, store);
  assert.equal(reg.watcher.current.cursor, current, 'every folder is a candidate when cursor.json is unreadable');
  assert.deepEqual(names((await reg.app.inject('/search')).body), ['hello_logs', 'login_audit']);
  await store.put(KEYS.cursor, JSON.stringify({ current: '99999999999999999999' }));
  reg = await registry(t, store);
  assert.equal(reg.watcher.current.cursor, current);
  assert.equal(reg.watcher.health.fallback?.named, '99999999999999999999');
  assert.equal((await reg.app.inject('/health')).statusCode, 200);
});

test('#7 no readable revision: /health and data endpoints answer a non-cacheable 503 until one loads', async (t) => {
  const { store, older, current } = await twoRevisions(await tmp(t, 'h12-none-'));
  const good = await readText(store, KEYS.indexAll(current));
  for (const c of [older, current]) await store.put(KEYS.indexAll(c), '{"packages": [');
  const reg = await registry(t, store, { pollIntervalMs: 0 });
  assert.equal(reg.watcher.health.state, 'unavailable');
  for (const url of ['/health', '/search', '/categories', '/package/hello_logs/1.2.0/', '/epr/hello_logs/hello_logs-1.2.0.zip', '/package/hello_logs/1.2.0/docs/README.md']) {
    for (const method of ['GET', 'HEAD'] as const) {
      const r = await reg.app.inject({ method, url });
      assert.equal(r.statusCode, 503, `${method} ${url}`);
      assert.deepEqual(r.headers['cache-control'], ['max-age=0', 'private, no-store'], url);
      assert.ok(r.headers['retry-after'], url);
    }
  }
  // a new readable revision appears (as a repair or the next publish writes it): loads, healthy again
  const next = nextCursor(current);
  await store.put(KEYS.indexAll(next), good);
  await store.put(KEYS.cursor, JSON.stringify({ current: next }));
  await reg.refresh();
  assert.equal(reg.watcher.current.cursor, next);
  assert.equal(reg.watcher.health.state, 'ok');
  assert.equal((await reg.app.inject('/health')).statusCode, 200);
  assert.equal((await reg.app.inject('/search')).statusCode, 200);
});

test('#7 an empty store (no cursor yet) is a normal, healthy, empty registry', async (t) => {
  const store = await openStore(await tmp(t, 'h12-empty-'));
  const reg = await registry(t, store);
  assert.equal(reg.watcher.health.state, 'ok');
  assert.equal((await reg.app.inject('/health')).statusCode, 200);
  const r = await reg.app.inject('/search');
  assert.equal(r.statusCode, 200);
  assert.equal(r.body, '[]\n');
});

test('#9 bad bytes in paths never give a 5xx (fixed cases + generated paths)', async (t) => {
  const dir = await tmp(t, 'h12-bytes-');
  const store = await openStore(dir);
  await publishPackage(store, { dir: path.join(SAMPLES, 'hello_logs') }, { skipVerify: true });
  const reg = await registry(t, store);
  const segs = ['a'.repeat(256), 'é'.repeat(128), '%01', '%7f', '%5c', 'a%5cb', '%00', '%1f', '%ff', '%c0%ae', `${'b'.repeat(300)}.zip`, 'x'.repeat(5000), '%e2%80%ae', '.%2e', '%2f%2f'];
  const templates = [
    '/artifacts/static/hello_logs-1.2.0/{s}',
    '/artifacts/static/hello_logs-1.2.0/docs/{s}',
    '/artifacts/static/hello_logs-{s}/docs/README.md',
    '/artifacts/packages/hello_logs-{s}.zip',
    '/artifacts/packages/hello_logs-1.2.0{s}.zip.sig',
    '/package/hello_logs/1.2.0/{s}',
    '/package/hello_logs/1.2.0/data_stream/{s}/manifest.yml',
    '/package/hello_logs/{s}/',
    '/package/hello_logs/{s}/docs/README.md',
    '/epr/hello_logs/hello_logs-{s}.zip',
    '/epr/{s}/hello_logs-1.2.0.zip',
    '/{s}',
    '/search?package={s}',
  ];
  const seen = new Map<number, number>();
  const check = async (url: string, method: 'GET' | 'HEAD', headers: Record<string, string> = {}) => {
    const r = await reg.app.inject({ method, url, headers });
    seen.set(r.statusCode, (seen.get(r.statusCode) ?? 0) + 1);
    assert.ok(r.statusCode < 500, `${method} ${url} → ${r.statusCode} ${r.body.slice(0, 120)}`);
  };
  for (const tpl of templates) {
    for (const s of segs) {
      for (const method of ['GET', 'HEAD'] as const) await check(tpl.replace('{s}', s), method);
      await check(tpl.replace('{s}', s), 'GET', { range: 'bytes=0-10' });
    }
  }
  // generated: random percent-encoded bytes in every position of the storage routes
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...templates), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 300 }), fc.boolean(), async (tpl, bytes, raw) => {
      const s = raw ? bytes.map((b) => (b > 0x20 && b < 0x7f && b !== 0x25 && b !== 0x3f && b !== 0x23 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('') : bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
      await check(tpl.replace('{s}', s), 'GET');
    }),
    { numRuns: 400 },
  );
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
});

test('#10 a slow body is cut off at the request timeout, and an early answer closes the connection', async (t) => {
  const store = await openStore(await tmp(t, 'h12-slow-'));
  const reg = await createRegistry({
    store,
    pollIntervalMs: 0,
    ui: false,
    requestLogs: false,
    publishTokens: ['tok'],
    publish: (zip, sig) => publishZipFile(store, zip, sig, { skipVerify: true }),
    limits: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, idleTimeoutMs: 5000 },
    uploadDir: await tmp(t, 'h12-slow-up-'),
  });
  t.after(() => reg.close());
  await reg.refresh();
  await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (reg.app.server.address() as net.AddressInfo).port;
  /** Open a socket, send `head`, trickle a byte every 200 ms; resolves with how long the server kept it open. */
  const trickle = (head: string) =>
    new Promise<{ ms: number; answer: string }>((resolve) => {
      const t0 = performance.now();
      const s = net.connect(port, '127.0.0.1', () => s.write(head));
      let answer = '';
      const timer = setInterval(() => s.writable && s.write('x'), 200);
      s.on('data', (d) => (answer += d.toString()));
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(timer);
        resolve({ ms: performance.now() - t0, answer });
      });
      setTimeout(() => s.destroy(), 20_000).unref();
    });
  const body = 'POST /api/v1/packages HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nContent-Length: 100000000\r\n';
  // authorized upload trickling: the request timeout ends it
  const a = await trickle(`${body}Authorization: Bearer tok\r\n\r\n`);
  assert.ok(a.ms < 8000, `slow authorized body held ${Math.round(a.ms)} ms`);
  // unauthorized: answered at once, then the connection is closed instead of draining the body
  const b = await trickle(`${body}\r\n`);
  assert.match(b.answer, /^HTTP\/1.1 401/);
  assert.ok(b.ms < 1200, `connection kept ${Math.round(b.ms)} ms after the 401`);
  // slow headers: the headers timeout ends it
  const c = await trickle('GET /search HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  assert.ok(c.ms < 8000, `slow headers held ${Math.round(c.ms)} ms`);
  t.diagnostic(`closed after: authorized slow body ${Math.round(a.ms)} ms, after 401 ${Math.round(b.ms)} ms, slow headers ${Math.round(c.ms)} ms`);
});

test('#10 the connection cap refuses connections beyond it', async (t) => {
  const store = await openStore(await tmp(t, 'h12-cap-'));
  const reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false, limits: { maxConnections: 3 } });
  t.after(() => reg.close());
  await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (reg.app.server.address() as net.AddressInfo).port;
  const socks: net.Socket[] = [];
  t.after(() => socks.forEach((s) => s.destroy()));
  const open = () =>
    new Promise<net.Socket>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.on('error', () => undefined);
      socks.push(s);
    });
  for (let i = 0; i < 3; i++) await open();
  await new Promise((r) => setTimeout(r, 100));
  const extra = await open();
  const closed = await new Promise<boolean>((resolve) => {
    extra.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 3000);
  });
  assert.ok(closed, 'the 4th connection was not refused');
});

test('#15 HTTP errors carry no CLI hints, no server temp paths, said once', async (t) => {
  const dir = await tmp(t, 'h12-msg-');
  const store = await openStore(path.join(dir, 'store'));
  const { keyringFromArmored, generateKeyPair } = await import('../src/signing/index.js');
  const kp = await generateKeyPair({ name: 'T', email: 't@example.com' });
  const keyring = await keyringFromArmored([kp.publicKey]);
  const uploadDir = path.join(dir, 'uploads');
  const reg = await registry(t, store, { publishTokens: ['tok'], publish: (zip, sig) => publishZipFile(store, zip, sig, { keyring }), uploadDir });
  const { buildZip } = await import('../src/package/build.js');
  const built = await buildZip(path.join(SAMPLES, 'hello_logs'), path.join(dir, 'out'));
  const { readFile } = await import('node:fs/promises');
  const zip = await readFile(built.file);
  const bad = [
    await reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: zip, headers: { 'content-type': 'application/zip', authorization: 'Bearer tok' } }),
    await reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: Buffer.from('PK\u0003\u0004 not a zip'), headers: { 'content-type': 'application/zip', authorization: 'Bearer tok' } }),
    await reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: zip, headers: { 'content-type': 'application/zip' } }),
  ];
  const off = await registry(t, store);
  bad.push(await off.app.inject({ method: 'POST', url: '/api/v1/packages', payload: 'x', headers: { 'content-type': 'application/zip' } }));
  const codes = bad.map((r) => (JSON.parse(r.body) as { code: string }).code);
  assert.deepEqual(codes, ['SIGNATURE_MISSING', 'ZIP_INVALID', 'UNAUTHORIZED', 'PUBLISH_DISABLED']);
  for (const r of bad) {
    const { message } = JSON.parse(r.body) as { message: string };
    assert.doesNotMatch(message, /--[a-z]/, `CLI flag in ${message}`);
    assert.ok(!message.includes(uploadDir) && !message.includes(os.tmpdir()), `temp path in ${message}`);
    assert.doesNotMatch(message, /upload\.zip/, message);
    const parts = message.split(/[:;(]\s*/).map((s) => s.trim()).filter((s) => s.length > 10);
    assert.equal(new Set(parts).size, parts.length, `repeated in ${message}`);
  }
  assert.match((JSON.parse(bad[0]!.body) as { message: string }).message, /signature/);
  assert.equal(bad[2]!.headers['www-authenticate'], 'Bearer');
  for (let i = 0; i < 50 && (await readdir(uploadDir)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await readdir(uploadDir), [], 'upload folders removed after each request');
});

test('#15 publish --registry client: the server message is said once', async (t) => {
  const store = await openStore(await tmp(t, 'h12-client-'));
  const reg = await registry(t, store);
  const url = await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const { publishViaRegistry } = await import('../src/publish/client.js');
  const e = (await publishViaRegistry(url, 'tok', path.join(SAMPLES, 'hello_logs')).then(
    () => assert.fail('published'),
    (x: unknown) => x,
  )) as Error & { code: string };
  assert.equal(e.code, 'PUBLISH_DISABLED');
  const n = e.message.split('publishing over HTTP is disabled').length - 1;
  assert.equal(n, 1, e.message);
  assert.doesNotMatch(e.message, /--publish-token/, 'the server does not give CLI hints');
});

test('#5 a file only inside the zip is streamed with Range, HEAD and conditionals (not buffered)', async (t) => {
  const dir = await tmp(t, 'h12-zipfile-');
  const store = await FsStore.open(dir);
  await publishPackage(store, { dir: path.join(SAMPLES, 'hello_logs') }, { skipVerify: true });
  const reg = await registry(t, store);
  const file = 'data_stream/events/fields/fields.yml';
  assert.equal(await store.head(KEYS.staticFile('hello_logs', '1.2.0', file)), undefined, 'not extracted at publish');
  const whole = await reg.app.inject(`/package/hello_logs/1.2.0/${file}`);
  assert.equal(whole.statusCode, 200);
  const want = await readFile(path.join(SAMPLES, 'hello_logs', file));
  assert.ok(whole.rawPayload.equals(want));
  assert.equal(whole.headers['content-length'], String(want.length));
  const head = await reg.app.inject({ method: 'HEAD', url: `/package/hello_logs/1.2.0/${file}` });
  assert.equal(head.statusCode, 200);
  assert.equal(head.headers['content-length'], String(want.length));
  assert.equal(head.rawPayload.length, 0);
  const part = await reg.app.inject({ url: `/package/hello_logs/1.2.0/${file}`, headers: { range: 'bytes=5-20' } });
  assert.equal(part.statusCode, 206);
  assert.equal(part.headers['content-range'], `bytes 5-20/${want.length}`);
  assert.ok(part.rawPayload.equals(want.subarray(5, 21)));
  const tail = await reg.app.inject({ url: `/package/hello_logs/1.2.0/${file}`, headers: { range: 'bytes=-7' } });
  assert.ok(tail.rawPayload.equals(want.subarray(want.length - 7)));
  const nm = await reg.app.inject({ url: `/package/hello_logs/1.2.0/${file}`, headers: { 'if-none-match': String(whole.headers.etag) } });
  assert.equal(nm.statusCode, 304);
  const bad = await reg.app.inject({ url: `/package/hello_logs/1.2.0/${file}`, headers: { range: `bytes=${want.length + 5}-` } });
  assert.equal(bad.statusCode, 416);
});

test('#5 zip inflations are bounded: beyond the permits and the wait, 503 with Retry-After', async () => {
  const { Limiter } = await import('../src/registry/limit.js');
  const l = new Limiter(2, 1, 200);
  const a = await l.acquire();
  const b = await l.acquire();
  assert.ok(a && b);
  const waiting = l.acquire();
  assert.equal(await l.acquire(), undefined, 'queue full: busy at once');
  a!();
  const c = await waiting;
  assert.ok(c, 'the waiter got the released permit');
  assert.equal(await l.acquire(), undefined, 'waited 200 ms, then busy');
  b!();
  c!();
  c!();
  assert.equal(l.inUse, 0, 'a double release does not free two permits');
});


test('#12 serve refuses HTTP publishing without trusted keys unless --allow-unsigned; tokens still work', { timeout: 120_000 }, async (t) => {
  const { runCli, startServe } = await import('../reliability/helpers.js');
  const dir = await tmp(t, 'h12-unsigned-');
  const r = await runCli(['serve', '--storage', dir, '--host', '127.0.0.1', '--port', '0', '--publish-token', 'tok']);
  assert.notEqual(r.code, 0, 'serve started with unverified HTTP publishing');
  assert.match(r.stderr + r.stdout, /CONFIG_INVALID.*--allow-unsigned/s);
  const srv = await startServe(dir, ['--publish-token', 'tok', '--allow-unsigned']);
  t.after(() => srv.stop());
  const post = (auth?: string) => fetch(`${srv.url}/api/v1/packages`, { method: 'POST', body: 'x', headers: { 'content-type': 'application/zip', ...(auth ? { authorization: auth } : {}) } });
  assert.equal((await post('Bearer tok')).status, 422, 'the right token is accepted (the body is no zip)');
  for (const bad of ['Bearer to', 'Bearer tok2', 'Bearer TOK', `Bearer ${'t'.repeat(5000)}`]) assert.equal((await post(bad)).status, 403, bad.slice(0, 20));
});
