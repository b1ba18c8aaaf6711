import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FsStore, FS_INTERNAL_DIR } from './fs.js';
import { openStore } from './index.js';
import { readAll, rejectsWithCode, runStoreContract } from './contract.case.test.js';
import type { ObjectStore } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.resolve(here, '../../test/fixtures/fs-store-worker.ts');

async function tmpDir(tag = 'fsstore'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), `ps-${tag}-`));
}

runStoreContract({
  name: 'fs',
  open: async () => FsStore.open(await tmpDir()),
  cleanup: async (s) => fsp.rm((s as FsStore).root, { recursive: true, force: true }),
});

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function spawnWorker(mode: string, args: Record<string, unknown>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

async function waitForFile(file: string, why: string, exited?: Promise<{ stderr: string }>): Promise<void> {
  let dead: string | undefined;
  void exited?.then((r) => (dead = r.stderr));
  while (!existsSync(file)) {
    if (dead !== undefined && !existsSync(file)) assert.fail(`worker exited before ${why}: ${dead}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fsp.writeFile(`${file}.part`, text);
  await fsp.rename(`${file}.part`, file);
}

describe('fs: multi-process races', { timeout: 120_000 }, () => {
  const WORKERS = 8;
  const plans: { op: string; key: string; etag?: string; times?: number; base?: string }[] = [];
  for (let r = 0; r < 4; r++) {
    plans.push({ op: 'absent', key: `race/absent-${r}` });
    plans.push({ op: 'match', key: `race/match-${r}`, base: `base ${r}` });
  }
  plans.push({ op: 'increment', key: 'race/counter', times: 5, base: '0' });

  let root = '';
  let sync = '';
  let store: FsStore;
  const workers: ReturnType<typeof spawnWorker>[] = [];

  before(async () => {
    root = await tmpDir('race');
    sync = await tmpDir('sync');
    store = await FsStore.open(root);
    for (let id = 0; id < WORKERS; id++) workers.push(spawnWorker('race', { root, sync, id, rounds: plans.length }));
    for (let id = 0; id < WORKERS; id++) await waitForFile(path.join(sync, `ready-${id}`), 'ready', workers[id]!.exited);
  });
  after(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await fsp.rm(root, { recursive: true, force: true });
    await fsp.rm(sync, { recursive: true, force: true });
  });

  async function runRound(r: number): Promise<{ ok: boolean; etag?: string; code?: string; message?: string; retries?: number }[]> {
    const plan = { ...plans[r]! };
    if (plan.base !== undefined) plan.etag = (await store.put(plan.key, plan.base)).etag;
    await writeAtomic(path.join(sync, `go-${r}`), JSON.stringify(plan));
    const results = [];
    for (let id = 0; id < WORKERS; id++) {
      const f = path.join(sync, `result-${r}-${id}`);
      await waitForFile(f, `result of round ${r}`, workers[id]!.exited);
      results.push(JSON.parse(await fsp.readFile(f, 'utf8')) as { ok: boolean; etag?: string; code?: string; message?: string });
    }
    return results;
  }

  for (let r = 0; r < plans.length; r++) {
    const plan = plans[r]!;
    const title =
      plan.op === 'increment'
        ? `${WORKERS} processes × ${plan.times} read-modify-write increments with putIfMatch lose no update`
        : `round ${r}: ${WORKERS} processes ${plan.op === 'absent' ? 'putIfAbsent one key' : 'putIfMatch from the same etag'} → exactly one winner`;
    it(title, async () => {
      const results = await runRound(r);
      if (plan.op === 'increment') {
        for (const res of results) assert.ok(res.ok, res.message);
        const final = (await readAll((await store.get(plan.key)).body)).toString();
        assert.equal(Number(final), WORKERS * plan.times!);
        return;
      }
      const winners = results.flatMap((res, id) => (res.ok ? [id] : []));
      assert.equal(winners.length, 1, `winners: ${JSON.stringify(results)}`);
      for (const res of results) if (!res.ok) assert.equal(res.code, 'STORAGE_PRECONDITION_FAILED', res.message);
      const got = await store.get(plan.key);
      assert.equal((await readAll(got.body)).toString(), `worker ${winners[0]}`);
      assert.equal(got.info.etag, results[winners[0]!]!.etag);
      assert.equal(got.info.etag, sha256(`worker ${winners[0]}`));
    });
  }

  it('no temp files or locks are left behind', async () => {
    for (const w of workers) await w.exited;
    const tmp = await fsp.readdir(path.join(root, FS_INTERNAL_DIR, 'tmp'));
    assert.deepEqual(tmp.filter((n) => !n.endsWith('.meta')), []);
    const locks = await fsp.readdir(path.join(root, FS_INTERNAL_DIR, 'locks'));
    assert.deepEqual(locks, []);
  });
});

describe('fs: crashes', { timeout: 60_000 }, () => {
  let root = '';
  before(async () => {
    root = await tmpDir('crash');
  });
  after(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('a writer SIGKILLed mid-write leaves no object under the key, and the temp file is swept at open', async () => {
    const signal = path.join(root, '..', `${path.basename(root)}-sig1`);
    const w = spawnWorker('slow-put', { root, key: 'big/object.zip', signal });
    await waitForFile(signal, 'writing 1 MiB', w.exited);
    w.child.kill('SIGKILL');
    const res = await w.exited;
    assert.equal(res.signal, 'SIGKILL', `worker was not killed: ${res.stderr}`);
    assert.ok(!existsSync(`${signal}.done`));
    const store = await FsStore.open(root);
    assert.equal(await store.head('big/object.zip'), undefined);
    await rejectsWithCode(store.get('big/object.zip'), 'STORAGE_NOT_FOUND');
    assert.deepEqual((await store.list('')).objects, []);
    assert.ok(!existsSync(path.join(root, 'big', 'object.zip')));
    // the dead writer's temp file was removed by open()
    const tmp = await fsp.readdir(path.join(root, FS_INTERNAL_DIR, 'tmp'));
    assert.deepEqual(tmp, []);
    await fsp.rm(signal, { force: true });
  });

  it('overwriting: a writer SIGKILLed mid-write leaves the old object intact', async () => {
    const store = await FsStore.open(root);
    const old = await store.put('big/existing.zip', 'the old bytes');
    const signal = path.join(root, '..', `${path.basename(root)}-sig2`);
    const w = spawnWorker('slow-put', { root, key: 'big/existing.zip', signal });
    await waitForFile(signal, 'writing 1 MiB', w.exited);
    // the new bytes are going to a temp file while the object is still the old one
    const tmpDir = path.join(root, FS_INTERNAL_DIR, 'tmp');
    assert.ok((await fsp.readdir(tmpDir)).some((n) => n.endsWith('.tmp')), 'a temp file is being written');
    assert.equal((await store.head('big/existing.zip'))?.etag, old.etag);
    w.child.kill('SIGKILL');
    await w.exited;
    const after = await FsStore.open(root);
    const h = await after.head('big/existing.zip');
    assert.equal(h?.etag, old.etag);
    assert.equal((await readAll((await after.get('big/existing.zip')).body)).toString(), 'the old bytes');
    assert.deepEqual(await fsp.readdir(tmpDir), []);
    await fsp.rm(signal, { force: true });
  });

  it('a lock held by a SIGKILLed process does not block later writers', async () => {
    const store = await FsStore.open(root);
    const a = await store.put('locked/key', 'v1');
    const signal = path.join(root, '..', `${path.basename(root)}-sig3`);
    const w = spawnWorker('hold-lock', { root, key: 'locked/key', signal });
    await waitForFile(signal, 'taking the lock', w.exited);
    const lockDir = path.join(root, FS_INTERNAL_DIR, 'locks');
    assert.equal((await fsp.readdir(lockDir)).filter((n) => n.endsWith('.lock')).length, 1, 'the worker holds a lock file');
    w.child.kill('SIGKILL');
    await w.exited;
    const b = await store.putIfMatch('locked/key', a.etag, 'v2');
    await store.put('locked/key', 'v3');
    await store.delete('locked/key');
    assert.notEqual(b.etag, a.etag);
    assert.equal(await store.head('locked/key'), undefined);
    assert.deepEqual(await fsp.readdir(lockDir), []);
    await fsp.rm(signal, { force: true });
  });

  it('a lock older than staleLockMs is taken over even if its pid is alive; a fresh live one is respected', async () => {
    const store = await FsStore.open(root, { staleLockMs: 300 });
    await store.put('aged/key', 'v1');
    const lockDir = path.join(root, FS_INTERNAL_DIR, 'locks');
    const lp = path.join(lockDir, `${sha256('aged/key')}.lock`);
    const nonce = 'ab'.repeat(16);
    // holder: our parent process (alive), on this host, taken 10 s ago
    await fsp.writeFile(lp, JSON.stringify({ pid: process.ppid, host: os.hostname(), nonce, time: Date.now() - 10_000 }));
    await store.put('aged/key', 'v2');
    assert.equal((await readAll((await store.get('aged/key')).body)).toString(), 'v2');
    assert.ok(!existsSync(lp));
    // an unreadable (empty) lock file is judged by its mtime
    await fsp.writeFile(lp, '');
    const past = new Date(Date.now() - 10_000);
    await fsp.utimes(lp, past, past);
    await store.delete('aged/key');
    assert.equal(await store.head('aged/key'), undefined);
    // a fresh lock held by a live process makes writers wait until it is released
    await store.put('aged/key', 'v3');
    const live = await FsStore.open(root, { staleLockMs: 60_000 });
    await fsp.writeFile(lp, JSON.stringify({ pid: process.ppid, host: os.hostname(), nonce, time: Date.now() }));
    let done = false;
    const pending = live.put('aged/key', 'v4').then(() => (done = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(done, false, 'writer waits for a live lock');
    await fsp.unlink(lp);
    await pending;
    assert.equal((await readAll((await live.get('aged/key')).body)).toString(), 'v4');
  });
});

describe('fs: etag sidecars', () => {
  let root = '';
  let store: FsStore;
  before(async () => {
    root = await tmpDir('meta');
    store = await FsStore.open(root);
  });
  after(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('etag is the sha256 of the content', async () => {
    const info = await store.put('a/b.txt', 'hello');
    assert.equal(info.etag, sha256('hello'));
    assert.equal((await store.head('a/b.txt'))?.etag, sha256('hello'));
  });

  it('a file changed behind the store gets a fresh etag (sidecar not trusted), and CAS follows the real bytes', async () => {
    const a = await store.put('edit/me', 'AAAA');
    await new Promise((r) => setTimeout(r, 5));
    await fsp.writeFile(path.join(root, 'edit', 'me'), 'BBBB'); // same size, in place
    const fresh = await FsStore.open(root); // no in-process cache
    const h = await fresh.head('edit/me');
    assert.equal(h?.etag, sha256('BBBB'));
    await rejectsWithCode(fresh.putIfMatch('edit/me', a.etag, 'CCCC'), 'STORAGE_PRECONDITION_FAILED');
    await fresh.putIfMatch('edit/me', sha256('BBBB'), 'CCCC');
    // the first store's cache is identity-checked too
    assert.equal((await store.head('edit/me'))?.etag, sha256('CCCC'));
  });

  it('missing or corrupt sidecars are recomputed', async () => {
    await store.put('side/car', 'content');
    const metaDir = path.join(root, FS_INTERNAL_DIR, 'meta');
    const h = sha256('side/car');
    const mp = path.join(metaDir, h.slice(0, 2), `${h}.json`);
    assert.ok(existsSync(mp));
    await fsp.writeFile(mp, '{not json');
    assert.equal((await (await FsStore.open(root)).head('side/car'))?.etag, sha256('content'));
    await fsp.rm(mp);
    const fresh = await FsStore.open(root);
    assert.equal((await fresh.get('side/car')).info.etag, sha256('content'));
    assert.ok(existsSync(mp), 'sidecar rewritten');
    await fsp.writeFile(mp, JSON.stringify({ key: 'side/car', id: 'wrong', etag: 'bogus' }));
    assert.equal((await (await FsStore.open(root)).list('side/')).objects[0]?.etag, sha256('content'));
  });

  it('files placed by hand are listed with their content hash', async () => {
    await fsp.mkdir(path.join(root, 'hand'), { recursive: true });
    await fsp.writeFile(path.join(root, 'hand', 'made.txt'), 'by hand');
    const l = await store.list('hand/');
    assert.deepEqual(l.objects.map((o) => [o.key, o.etag, o.size]), [['hand/made.txt', sha256('by hand'), 7]]);
  });
});

describe('fs: layout', () => {
  let root = '';
  let store: FsStore;
  before(async () => {
    root = await tmpDir('layout');
    store = await FsStore.open(root);
  });
  after(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('keys are files under the root', async () => {
    await store.put('v2/packages/x-1.0.0.json', '{}');
    assert.equal(await fsp.readFile(path.join(root, 'v2', 'packages', 'x-1.0.0.json'), 'utf8'), '{}');
  });

  it(`the internal '${FS_INTERNAL_DIR}' folder is never listed and cannot be addressed`, async () => {
    const all = await store.list('');
    assert.ok(all.objects.every((o) => !o.key.startsWith(FS_INTERNAL_DIR)));
    const top = await store.list('', { delimiter: '/' });
    assert.ok(!top.prefixes.includes(`${FS_INTERNAL_DIR}/`));
    assert.deepEqual(top.prefixes, ['v2/']);
    for (const k of [`${FS_INTERNAL_DIR}/tmp/x`, `${FS_INTERNAL_DIR}/meta`]) {
      await rejectsWithCode(store.put(k, 'x'), 'STORAGE_KEY_INVALID');
      await rejectsWithCode(store.head(k), 'STORAGE_KEY_INVALID');
    }
    assert.deepEqual(await store.list(`${FS_INTERNAL_DIR}/`), { objects: [], prefixes: [] });
  });

  it('delete prunes emptied folders but never the root', async () => {
    await store.put('deep/er/still/file', 'x');
    await store.delete('deep/er/still/file');
    assert.ok(!existsSync(path.join(root, 'deep')));
    await store.delete('v2/packages/x-1.0.0.json');
    assert.ok(existsSync(root));
    assert.deepEqual((await fsp.readdir(root)).sort(), [FS_INTERNAL_DIR]);
  });

  it('a key clashing with a folder, or needing a folder where an object is, is STORAGE_KEY_INVALID', async () => {
    await store.put('clash/child', 'x');
    await rejectsWithCode(store.put('clash', 'y'), 'STORAGE_KEY_INVALID');
    await rejectsWithCode(store.putIfAbsent('clash', 'y'), 'STORAGE_KEY_INVALID');
    await store.put('obj', 'x');
    await rejectsWithCode(store.put('obj/child', 'y'), 'STORAGE_KEY_INVALID');
    await rejectsWithCode(store.putIfAbsent('obj/child', 'y'), 'STORAGE_KEY_INVALID');
    assert.equal(await store.head('obj/child'), undefined);
    await rejectsWithCode(store.get('obj/child'), 'STORAGE_NOT_FOUND');
    await store.delete('obj/child');
    const tmp = await fsp.readdir(path.join(root, FS_INTERNAL_DIR, 'tmp'));
    assert.deepEqual(tmp, [], 'failed writes leave no temp files');
  });

  it('a symlink at a key is not an object (no escaping the root through links)', async () => {
    const outside = await tmpDir('outside');
    await fsp.writeFile(path.join(outside, 'secret'), 'secret');
    await fsp.mkdir(path.join(root, 'links'), { recursive: true });
    await fsp.symlink(path.join(outside, 'secret'), path.join(root, 'links', 'secret'));
    assert.equal(await store.head('links/secret'), undefined);
    await rejectsWithCode(store.get('links/secret'), 'STORAGE_NOT_FOUND');
    assert.deepEqual((await store.list('links/')).objects, []);
    await fsp.rm(path.join(root, 'links'), { recursive: true, force: true });
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it('a segment too long for the filesystem is STORAGE_KEY_INVALID', async () => {
    await rejectsWithCode(store.put(`long/${'x'.repeat(300)}`, 'y'), 'STORAGE_KEY_INVALID');
  });

  it('an aborted write leaves nothing', async () => {
    const ac = new AbortController();
    const { Readable } = await import('node:stream');
    const body = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        ac.abort();
      },
    });
    await assert.rejects(store.put('aborted/key', body, { signal: ac.signal }));
    assert.equal(await store.head('aborted/key'), undefined);
    assert.deepEqual(await fsp.readdir(path.join(root, FS_INTERNAL_DIR, 'tmp')), []);
  });
});

describe('fs: openStore', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await fsp.rm(d, { recursive: true, force: true });
  });

  async function roundTrip(s: ObjectStore, dir: string): Promise<void> {
    assert.ok(s instanceof FsStore);
    assert.equal(s.description, `fs:${dir}`);
    await s.put('k', 'v');
    assert.equal(await fsp.readFile(path.join(dir, 'k'), 'utf8'), 'v');
  }

  it('accepts a plain path, creating the folder', async () => {
    const base = await tmpDir('open');
    dirs.push(base);
    const dir = path.join(base, 'nested', 'data');
    await roundTrip(await openStore(dir), dir);
  });

  it('accepts a file:// URL', async () => {
    const dir = await tmpDir('open-url');
    dirs.push(dir);
    await roundTrip(await openStore(pathToFileURL(dir).href), dir);
  });

  it('accepts a relative path (resolved against the working directory)', async () => {
    const base = await tmpDir('open-rel');
    dirs.push(base);
    const rel = path.relative(process.cwd(), path.join(base, 'rel'));
    await roundTrip(await openStore(rel), path.join(base, 'rel'));
  });

  it('refuses unknown schemes', async () => {
    await rejectsWithCode(openStore('ftp://host/x'), 'STORAGE_URL_INVALID');
  });
});
