/**
 * The pull-through proxy (`serve --proxy-to`), offline: the upstream is our own registry on loopback. Merge
 * rules of /search and /categories, package pages from the upstream, upstream artifacts served by us (200,
 * Range, ETag, 304) and cached only after their signature verifies, never in the store; with the upstream
 * stopped, /search, a seen package page and a seen zip still answer 200, marked stale; a damaged cache entry
 * left by a crash is dropped, not served.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import { KEYS } from '../src/index/format.js';
import { publishPackage } from '../src/publish/index.js';
import { runIndexer } from '../src/index/indexer.js';
import { UPSTREAM_HEADER } from '../src/registry/proxy/index.js';
import { CORPUS, allKeys, corpusMissing } from './helpers/publish.js';
import { get, makeKey, serveStore, startUpstream, type RunningRegistry, type TestKey } from './helpers/upstream.js';

let work = '';
let key: TestKey;
let up: RunningRegistry;
let local: RunningRegistry;
let localDir = '';
let cacheDir = '';

const proxyOpts = () => ({ upstream: up.url, cacheDir, keyring: key.keyring, http: { timeoutMs: 3000, retries: 1, backoffMs: 20 } });

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-proxy-'));
  key = await makeKey(work);
  up = await startUpstream(['udp/1.3.0', 'udp/1.4.0', 'mattermost/1.4.2', 'keycloak/1.5.1'], key);
  // the local store: udp 1.2.0 (older than the upstream's), snort 1.1.0 (only here), and its own keycloak 1.5.1
  // (retitled, so that which copy wins is visible)
  localDir = path.join(work, 'local');
  const store = await openStore(localDir);
  const kc = path.join(work, 'keycloak-local');
  await cp(path.join(CORPUS, 'keycloak/1.5.1'), kc, { recursive: true });
  const mf = path.join(kc, 'manifest.yml');
  await writeFile(mf, (await readFile(mf, 'utf8')).replace(/^title: .*$/m, 'title: Local Keycloak'));
  for (const dir of [path.join(CORPUS, 'udp/1.2.0'), path.join(CORPUS, 'snort/1.1.0'), kc]) {
    await publishPackage(store, { dir }, { legacy: true, signingKey: { armored: key.privateArmored }, keyring: key.keyring, index: false });
  }
  await runIndexer(store);
  await store.close?.();
  cacheDir = path.join(work, 'proxy-cache');
  local = await serveStore(localDir, { proxy: proxyOpts() });
});
after(async () => {
  await local?.close();
  await up?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

type Item = { name: string; version: string; title?: string };
const json = async <T>(url: string): Promise<T> => {
  const r = await get(url);
  assert.equal(r.status, 200, `${url}: ${r.status} ${r.body.toString()}`);
  return JSON.parse(r.body.toString()) as T;
};
const ids = (items: Item[]) => items.map((i) => `${i.name}-${i.version}`);

test('/search merges local and upstream: local name+version wins, newest per name unless all=true, sorted', { skip: corpusMissing }, async () => {
  const r = await get(`${local.url}/search`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get(UPSTREAM_HEADER), 'fresh');
  assert.equal(r.headers.get('content-type'), 'application/json');
  const items = JSON.parse(r.body.toString()) as Item[];
  assert.deepEqual(ids(items), ['keycloak-1.5.1', 'mattermost-1.4.2', 'snort-1.1.0', 'udp-1.4.0']);
  assert.equal(items[0]!.title, 'Local Keycloak', 'the local copy of a name+version wins');
  // the upstream's item is passed through as the upstream wrote it
  const upItems = await json<Item[]>(`${up.url}/search`);
  assert.deepEqual(items[1], upItems.find((i) => i.name === 'mattermost'));

  const all = await json<Item[]>(`${local.url}/search?all=true`);
  assert.deepEqual(ids(all), ['keycloak-1.5.1', 'mattermost-1.4.2', 'snort-1.1.0', 'udp-1.2.0', 'udp-1.3.0', 'udp-1.4.0']);
  assert.equal(all[0]!.title, 'Local Keycloak');
  assert.deepEqual(ids(await json<Item[]>(`${local.url}/search?package=udp`)), ['udp-1.4.0']);
  // a bad parameter is the local 400, the upstream is not asked
  const bad = await get(`${local.url}/search?prerelease=maybe`);
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get(UPSTREAM_HEADER), null);
});

test('/categories sums counts per id (local title kept)', { skip: corpusMissing }, async () => {
  const mine = await get(`${local.url}/categories`);
  assert.equal(mine.status, 200);
  const merged = JSON.parse(mine.body.toString()) as { id: string; title: string; count: number }[];
  // the two halves, each alone
  const upCats = await json<{ id: string; title: string; count: number }[]>(`${up.url}/categories`);
  const alone = await serveStore(localDir);
  let localCats: { id: string; title: string; count: number }[];
  try {
    localCats = await json(`${alone.url}/categories`);
  } finally {
    await alone.close();
  }
  const want = new Map<string, { id: string; title: string; count: number }>();
  for (const c of localCats) want.set(c.id, { ...c });
  for (const c of upCats) {
    const m = want.get(c.id);
    if (m) m.count += c.count;
    else want.set(c.id, { ...c });
  }
  assert.deepEqual(merged, [...want.keys()].sort().map((k) => want.get(k)));
  assert.ok(localCats.some((c) => upCats.some((u) => u.id === c.id)), 'the fixture has a category on both sides');
});

test('package pages: local first, else the upstream\'s', { skip: corpusMissing }, async () => {
  assert.deepEqual(await json(`${local.url}/package/mattermost/1.4.2/`), await json(`${up.url}/package/mattermost/1.4.2/`));
  assert.equal((await json<Item>(`${local.url}/package/keycloak/1.5.1/`)).title, 'Local Keycloak');
  const missing = await get(`${local.url}/package/mattermost/9.9.9/`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.toString(), 'package revision not found\n');
});

test('an upstream artifact through the proxy: 200, Range, ETag, 304; cached after verifying, never in the store', { skip: corpusMissing }, async () => {
  const upZip = await get(`${up.url}/epr/mattermost/mattermost-1.4.2.zip`);
  const upSig = await get(`${up.url}/epr/mattermost/mattermost-1.4.2.zip.sig`);
  const r = await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers.get('content-type'), 'application/zip');
  assert.equal(r.headers.get('content-length'), String(upZip.body.length));
  assert.deepEqual(r.body, upZip.body);
  const etag = r.headers.get('etag')!;
  assert.match(etag, /^"[0-9a-f]{64}"$/);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  const part = await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`, { range: 'bytes=10-19' });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 10-19/${upZip.body.length}`);
  assert.deepEqual(part.body, upZip.body.subarray(10, 20));
  assert.equal((await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`, { 'if-none-match': etag })).status, 304);
  assert.equal((await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`, { range: 'bytes=999999999-' })).status, 416);
  // the path Elastic's proxy redirects to is accepted too, and the signature is the upstream's bytes
  assert.deepEqual((await get(`${local.url}/epr/package/mattermost-1.4.2.zip`)).body, upZip.body);
  assert.equal((await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip.sig`)).body.toString(), upSig.body.toString());
  // static files of an upstream version
  const mf = await get(`${local.url}/package/mattermost/1.4.2/manifest.yml`);
  assert.equal(mf.status, 200);
  assert.deepEqual(mf.body, (await get(`${up.url}/package/mattermost/1.4.2/manifest.yml`)).body);
  assert.equal((await get(`${local.url}/package/mattermost/1.4.2/no/such/file.md`)).status, 404);
  // cached in its own folder; the store holds nothing of the upstream's
  assert.deepEqual((await readdir(path.join(cacheDir, 'artifacts'))).sort(), ['mattermost-1.4.2']);
  assert.deepEqual((await allKeys(local.store)).filter((k) => k.includes('mattermost')), []);
  // an unknown version is the upstream's 404
  const nf = await get(`${local.url}/epr/mattermost/mattermost-9.9.9.zip`);
  assert.equal(nf.status, 404);
  assert.equal(nf.body.toString(), 'artifact not found\n');
});

test('a tampered upstream zip is refused and not cached', { skip: corpusMissing }, async () => {
  const bytes = Buffer.from((await get(`${up.url}/epr/udp/udp-1.3.0.zip`)).body);
  bytes[bytes.length >> 1]! ^= 0xff;
  await up.store.put(KEYS.zip('udp', '1.3.0'), bytes, { contentType: 'application/zip' });
  const r = await get(`${local.url}/epr/udp/udp-1.3.0.zip`);
  assert.equal(r.status, 502);
  assert.equal(r.body.toString(), 'upstream artifact refused: SIGNATURE_INVALID\n');
  assert.ok(!(await readdir(path.join(cacheDir, 'artifacts'))).includes('udp-1.3.0'));
  assert.deepEqual(await readdir(path.join(cacheDir, 'tmp')), [], 'no temp file left');
});

test('upstream stopped: /search, a seen package page and a seen zip still answer 200, marked stale', { skip: corpusMissing, timeout: 60_000 }, async () => {
  const before = await get(`${local.url}/search?all=true`);
  const seenPage = await get(`${local.url}/package/mattermost/1.4.2/`);
  const seenZip = await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`);
  const seenCats = await get(`${local.url}/categories`);
  await up.close();

  const s = await get(`${local.url}/search?all=true`);
  assert.equal(s.status, 200);
  assert.deepEqual(s.body, before.body);
  assert.equal(s.headers.get(UPSTREAM_HEADER), 'stale');
  assert.equal(s.headers.get('warning'), '110 - "Response is Stale"');
  const c = await get(`${local.url}/categories`);
  assert.equal(c.status, 200);
  assert.deepEqual(c.body, seenCats.body);
  assert.equal(c.headers.get(UPSTREAM_HEADER), 'stale');
  const p = await get(`${local.url}/package/mattermost/1.4.2/`);
  assert.equal(p.status, 200);
  assert.deepEqual(p.body, seenPage.body);
  assert.equal(p.headers.get('warning'), '110 - "Response is Stale"');
  const z = await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`);
  assert.equal(z.status, 200);
  assert.deepEqual(z.body, seenZip.body);
  assert.equal(z.headers.get(UPSTREAM_HEADER), 'cached');
  // never seen: local packages only, marked; no 500
  const q = await get(`${local.url}/search?package=snort`);
  assert.equal(q.status, 200);
  assert.deepEqual(ids(JSON.parse(q.body.toString()) as Item[]), ['snort-1.1.0']);
  assert.equal(q.headers.get(UPSTREAM_HEADER), 'unavailable');
  assert.match(q.headers.get('warning') ?? '', /^199 - "upstream registry unavailable, local packages only: UPSTREAM_UNAVAILABLE"$/);
  const never = await get(`${local.url}/epr/udp/udp-1.4.0.zip`);
  assert.equal(never.status, 502);
  assert.equal(never.body.toString(), 'upstream registry unavailable: UPSTREAM_UNAVAILABLE\n');
  // local packages are unaffected
  assert.equal((await get(`${local.url}/epr/snort/snort-1.1.0.zip`)).status, 200);
});

test('after a crash: temp leftovers are removed and a damaged cached artifact is dropped, never served', { skip: corpusMissing }, async () => {
  await local.close();
  await mkdir(path.join(cacheDir, 'tmp', 'x-left-over'), { recursive: true });
  await writeFile(path.join(cacheDir, 'tmp', 'x-left-over', 'package.zip'), 'partial');
  await truncate(path.join(cacheDir, 'artifacts', 'mattermost-1.4.2', 'package.zip'), 100);
  local = await serveStore(localDir, { proxy: proxyOpts() });
  assert.deepEqual(await readdir(path.join(cacheDir, 'tmp')), []);
  const z = await get(`${local.url}/epr/mattermost/mattermost-1.4.2.zip`);
  assert.equal(z.status, 502, 'the upstream is down and the damaged copy is not served');
  assert.ok(!(await readdir(path.join(cacheDir, 'artifacts'))).includes('mattermost-1.4.2'));
  // answers kept before the crash still serve
  assert.equal((await get(`${local.url}/search?all=true`)).status, 200);
});

test('a slow upstream: the configured timeout ends the wait, and the local part answers (marked)', { skip: corpusMissing }, async () => {
  const silent = http.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const reg = await serveStore(localDir, { proxy: { upstream: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, cacheDir: path.join(work, 'slow-cache'), keyring: key.keyring, http: { timeoutMs: 300, retries: 1, backoffMs: 10 } } });
  try {
    const t0 = Date.now();
    const r = await get(`${reg.url}/search`);
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.deepEqual(ids(JSON.parse(r.body.toString()) as Item[]), ['keycloak-1.5.1', 'snort-1.1.0', 'udp-1.2.0']);
    assert.match(r.headers.get('warning') ?? '', /^199 - ".*: UPSTREAM_TIMEOUT"$/);
    assert.equal((await get(`${reg.url}/package/mattermost/1.4.2/`)).status, 504);
  } finally {
    await reg.close();
    silent.closeAllConnections();
    silent.close();
  }
});
