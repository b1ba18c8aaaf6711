/**
 * Hostile files planted in a local store (issue 12, items 3 and 4): a symlinked folder at any component of an
 * object path is never followed, for reads and writes, and a FIFO (or any non-regular file) is "not found"
 * without ever blocking. Checked through the ObjectStore and over HTTP against a real listening registry.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile, symlink, readFile, rename, readdir, lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsStore } from '../src/storage/fs.js';
import { KEYS } from '../src/index/format.js';
import { isPsError } from '../src/errors.js';
import { publishPackage } from '../src/publish/index.js';
import { createRegistry, type Registry } from '../src/registry/server.js';
import { REPO } from './helpers/publish.js';

let work = '';
let outside = '';
let root = '';
let store: FsStore;
let reg: Registry;
let base = '';
const SECRET = 'top secret outside the store\n';

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-hostile-fs-'));
  outside = path.join(work, 'outside');
  root = path.join(work, 'store');
  await mkdir(path.join(outside, 'docs'), { recursive: true });
  await writeFile(path.join(outside, 'secret.txt'), SECRET);
  await writeFile(path.join(outside, 'docs', 'secret.md'), SECRET);
  store = await FsStore.open(root);
  for (const p of ['hello_logs', 'login_audit']) await publishPackage(store, { dir: path.join(REPO, 'samples', p) }, { skipVerify: true });
  reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false });
  await reg.refresh();
  base = await reg.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await reg?.close();
  await store?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function fetchText(url: string, ms = 5000): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: r.status, body: await r.text() };
}

test('a symlinked folder at any component is not followed by get, head, list or delete', async () => {
  // artifacts/static/x-1.0.0 -> <outside>, and a deeper one: artifacts/static/y-1.0.0/docs -> <outside>/docs
  await mkdir(path.join(root, 'artifacts/static/y-1.0.0'), { recursive: true });
  await symlink(outside, path.join(root, 'artifacts/static/x-1.0.0'));
  await symlink(path.join(outside, 'docs'), path.join(root, 'artifacts/static/y-1.0.0/docs'));
  for (const key of ['artifacts/static/x-1.0.0/secret.txt', 'artifacts/static/x-1.0.0/docs/secret.md', 'artifacts/static/y-1.0.0/docs/secret.md']) {
    await assert.rejects(store.get(key), (e) => isPsError(e, 'STORAGE_NOT_FOUND'), key);
    assert.equal(await store.head(key), undefined, key);
    await store.delete(key); // "missing": must not unlink outside the store
  }
  assert.deepEqual((await store.list('artifacts/static/x-1.0.0/')).objects, []);
  assert.deepEqual((await store.list('artifacts/static/y-1.0.0/docs/')).objects, []);
  assert.equal((await store.list('artifacts/static/')).objects.filter((o) => /secret/.test(o.key)).length, 0);
  assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), SECRET, 'delete went through the link');
  assert.equal(await readFile(path.join(outside, 'docs', 'secret.md'), 'utf8'), SECRET, 'delete went through the link');
});

test('writes never go through a symlinked folder (put, putIfAbsent, putIfMatch, publish)', async () => {
  await symlink(outside, path.join(root, 'artifacts/static/w-1.0.0')).catch(() => {});
  for (const op of ['put', 'putIfAbsent'] as const) {
    await assert.rejects(store[op]('artifacts/static/w-1.0.0/new/planted.txt', 'x'), (e) => isPsError(e, 'STORAGE_KEY_INVALID'), op);
    await assert.rejects(store[op]('artifacts/static/w-1.0.0/secret.txt', 'overwritten'), (e) => isPsError(e, 'STORAGE_KEY_INVALID') || isPsError(e, 'STORAGE_PRECONDITION_FAILED'), op);
  }
  await assert.rejects(store.putIfMatch('artifacts/static/w-1.0.0/secret.txt', 'whatever', 'overwritten'), (e) => isPsError(e, 'STORAGE_PRECONDITION_FAILED'));
  assert.deepEqual((await readdir(outside)).sort(), ['docs', 'secret.txt']);
  assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), SECRET);

  // a publish whose static folder is a planted link: refused, and nothing lands outside
  const pub = await mkdtemp(path.join(work, 'pub-'));
  const r2 = path.join(pub, 'store');
  const s2 = await FsStore.open(r2);
  try {
    await mkdir(path.join(r2, 'artifacts/static'), { recursive: true });
    await symlink(outside, path.join(r2, 'artifacts/static/web_pulse-0.3.0'));
    const manifest = await readFile(path.join(REPO, 'samples/web_pulse/manifest.yml'), 'utf8');
    assert.match(manifest, /^version: 0\.3\.0$/m, 'the sample version this test plants a link for');
    await assert.rejects(publishPackage(s2, { dir: path.join(REPO, 'samples/web_pulse') }, { skipVerify: true }), (e) => isPsError(e, 'STORAGE_KEY_INVALID'));
    assert.deepEqual((await readdir(outside)).sort(), ['docs', 'secret.txt'], 'publish wrote through the link');
    assert.equal(await s2.head(KEYS.document('web_pulse', '0.3.0')), undefined);
  } finally {
    await s2.close();
  }
});

test('HTTP: /artifacts/static/... and /package/{n}/{v}/... do not serve through a planted link', async () => {
  // the raw bucket path
  let r = await fetchText(`${base}/artifacts/static/x-1.0.0/secret.txt`);
  assert.equal(r.status, 404);
  assert.ok(!r.body.includes('top secret'));
  // a published version's static folder replaced by a link to a folder outside
  const docs = path.join(root, 'artifacts/static/hello_logs-1.2.0/docs');
  assert.ok((await lstat(docs)).isDirectory(), 'hello_logs-1.2.0 has static docs');
  await rename(docs, `${docs}.moved`);
  await symlink(path.join(outside, 'docs'), docs);
  try {
    for (const url of ['/package/hello_logs/1.2.0/docs/secret.md', '/artifacts/static/hello_logs-1.2.0/docs/secret.md']) {
      r = await fetchText(base + url);
      assert.equal(r.status, 404, url);
      assert.ok(!r.body.includes('top secret'), url);
    }
    // the file that is also in the zip is served from the zip, not from the link's target
    r = await fetchText(`${base}/package/hello_logs/1.2.0/docs/README.md`);
    assert.ok(!r.body.includes('top secret'));
  } finally {
    await rm(docs);
    await rename(`${docs}.moved`, docs);
  }
  // and the ordinary files are still served
  r = await fetchText(`${base}/package/hello_logs/1.2.0/docs/README.md`);
  assert.equal(r.status, 200);
});

test('a FIFO where a zip is expected is "not found", never blocks, and other downloads still work', { timeout: 60_000 }, async () => {
  const stored = (await store.list('artifacts/packages/')).objects.map((o) => o.key);
  const victim = stored.find((k) => k.startsWith('artifacts/packages/login_audit-') && k.endsWith('.zip'));
  assert.ok(victim, `login_audit was published (${stored.join(', ')})`);
  const fifo = path.join(root, victim);
  await rename(fifo, `${fifo}.real`);
  execFileSync('mkfifo', [fifo]);
  try {
    const [n, v] = path.basename(victim, '.zip').split(/-(?=\d)/) as [string, string];
    // ObjectStore: immediately "not found"
    const t0 = Date.now();
    await assert.rejects(store.get(victim), (e) => isPsError(e, 'STORAGE_NOT_FOUND'));
    assert.equal(await store.head(victim), undefined);
    assert.ok(Date.now() - t0 < 2000);
    // HTTP: many concurrent requests for it (more than libuv's 4 threads), then the other zips still download
    const hits = await Promise.all(Array.from({ length: 12 }, () => fetchText(`${base}/epr/${n}/${n}-${v}.zip`, 5000)));
    for (const h of hits) assert.equal(h.status, 404);
    const other = await fetch(`${base}/epr/hello_logs/hello_logs-1.2.0.zip`, { signal: AbortSignal.timeout(5000) });
    assert.equal(other.status, 200);
    assert.ok((await other.arrayBuffer()).byteLength > 100);
    const raw = await fetchText(`${base}/artifacts/packages/${path.basename(victim)}`, 5000);
    assert.equal(raw.status, 404);
  } finally {
    await rm(fifo);
    await rename(`${fifo}.real`, fifo);
  }
});

test('planted internal files: a FIFO or symlink as a lock file does not block a write; a symlinked internal folder refuses to open', { timeout: 60_000 }, async () => {
  const { createHash } = await import('node:crypto');
  const lockOf = (key: string) => path.join(root, '.fsstore/locks', `${createHash('sha256').update(key).digest('hex')}.lock`);
  execFileSync('mkfifo', [lockOf('planted/fifo-lock')]);
  await symlink(path.join(outside, 'secret.txt'), lockOf('planted/link-lock'));
  for (const key of ['planted/fifo-lock', 'planted/link-lock']) {
    const t0 = Date.now();
    await store.put(key, 'written');
    assert.ok(Date.now() - t0 < 10_000, `${key}: put waited ${Date.now() - t0} ms on a planted lock`);
    assert.equal((await store.head(key))?.size, 7);
  }
  assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), SECRET);
  // a store whose .fsstore/tmp is a symlink to a folder outside: refused at open (temp files would land there)
  const r3 = path.join(work, 'store3');
  await mkdir(path.join(r3, '.fsstore'), { recursive: true });
  await symlink(outside, path.join(r3, '.fsstore/tmp'));
  await assert.rejects(FsStore.open(r3), (e) => isPsError(e, 'STORAGE_UNAVAILABLE'));
});
