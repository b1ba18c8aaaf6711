// Publish times (issue 17 item 4): the last-modified time of each package document in a real fs store, read by
// one listing per catalog revision, whatever the requests (made-up names never reach the store).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { KEYS } from '../index/format.js';
import { PsError } from '../errors.js';
import { buildEntryInSpool, Catalog, type Entry } from '../registry/catalog.js';
import { Spool } from '../registry/spool.js';
import { openStore } from '../storage/index.js';
import type { ObjectStore } from '../storage/types.js';
import { PublishTimes, versionsOf } from './published.js';
import { registerUi } from './plugin.js';

let tmp: string;
let storeDir: string;
let store: ObjectStore;
let lists = 0;
let failing = false;
/** While set, listings wait for it (a slow store). */
let gate: Promise<void> | undefined;
/** The real store, counting (and optionally failing) its listings. */
let counted: ObjectStore;

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-06-01T10:00:00.000Z');
const docs: [string, string, number][] = [
  ['alpha', '1.0.0', T0 - 30 * DAY],
  ['alpha', '1.1.0', T0 - 3 * DAY],
  ['alpha', '2.0.0-beta.1', T0 - 1 * DAY],
  ['beta_pkg', '0.1.0', T0 - 10 * DAY],
  ['ghost', '1.0.0', T0], // a document the catalog does not hold (not indexed / leftover): ignored
];

function catalogOf(cursor: string, keys: [string, string][]): Catalog {
  const m = new Map<string, Entry>();
  const spool = Spool.create();
  for (const [name, version] of keys) {
    const e = buildEntryInSpool({ name, version, title: name, description: 'd', type: 'integration', format_version: '3.0.0' }, spool);
    m.set(e.key, e);
  }
  return new Catalog(cursor, m, undefined, spool);
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ui-published-'));
  storeDir = path.join(tmp, 'store');
  store = await openStore(storeDir);
  for (const [n, v, t] of docs) {
    await store.put(KEYS.document(n, v), JSON.stringify({ name: n, version: v }));
    await utimes(path.join(storeDir, KEYS.document(n, v)), new Date(t), new Date(t));
  }
  await store.put('v2/packages/not a document.json', '{}');
  counted = new Proxy(store, {
    get(t, k) {
      const v = Reflect.get(t, k, t) as unknown;
      if (k === 'list') {
        return (...a: Parameters<ObjectStore['list']>) => {
          lists++;
          if (failing) return Promise.reject(new PsError('STORAGE_UNAVAILABLE', 'down'));
          return (gate ?? Promise.resolve()).then(() => t.list(...a));
        };
      }
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
    },
  });
});

after(async () => {
  await store?.close?.();
  await rm(tmp, { recursive: true, force: true });
});

test('versionsOf finds a name by binary search in the sorted entries', () => {
  const cat = catalogOf('1', [['b', '1.0.0'], ['a', '1.0.0'], ['c', '1.0.0'], ['b', '2.0.0'], ['bb', '1.0.0']]);
  assert.deepEqual(versionsOf(cat.entries, 'b').map((e) => e.version), ['1.0.0', '2.0.0']);
  assert.deepEqual(versionsOf(cat.entries, 'bc'), []);
  assert.deepEqual(versionsOf(cat.entries, 'a').length, 1);
  assert.deepEqual(versionsOf([], 'a'), []);
});

test('publish time = the document last-modified time; updated = the newest of a package; others ignored', async () => {
  lists = 0;
  const cat = catalogOf('00000000000000000001', [['alpha', '1.0.0'], ['alpha', '1.1.0'], ['alpha', '2.0.0-beta.1'], ['beta_pkg', '0.1.0'], ['nodoc', '1.0.0']]);
  const pt = new PublishTimes(counted, () => cat);
  const a = await pt.published('alpha');
  assert.deepEqual(a?.versions, [
    { version: '1.0.0', published: new Date(T0 - 30 * DAY).toISOString() },
    { version: '1.1.0', published: new Date(T0 - 3 * DAY).toISOString() },
    { version: '2.0.0-beta.1', published: new Date(T0 - 1 * DAY).toISOString() },
  ]);
  assert.deepEqual((await pt.published('nodoc'))?.versions, [{ version: '1.0.0', published: null }]);
  const updated = JSON.parse((await pt.get()).updatedBody.toString()).updated;
  assert.deepEqual(updated, { alpha: new Date(T0 - 1 * DAY).toISOString(), beta_pkg: new Date(T0 - 10 * DAY).toISOString() });
  assert.equal(await pt.published('ghost'), undefined, 'a document the catalog does not hold is not served');
  assert.equal(lists, 1, 'one listing for all of it');
});

test('hostile load: 2000 concurrent requests, made-up names never list; one listing per revision, rate-limited', async () => {
  lists = 0;
  let now = T0;
  let cat = catalogOf('00000000000000000001', [['alpha', '1.0.0'], ['beta_pkg', '0.1.0']]);
  const pt = new PublishTimes(counted, () => cat, { minRelistMs: 5000, now: () => now });
  const unknown = await Promise.all(Array.from({ length: 1000 }, (_, i) => pt.published(`made_up_${i}`)));
  assert.ok(unknown.every((r) => r === undefined));
  assert.equal(lists, 0, 'unknown names never reach the store');
  const known = await Promise.all(Array.from({ length: 1000 }, () => pt.published('alpha')));
  assert.ok(known.every((r) => r?.versions[0]?.published === new Date(T0 - 30 * DAY).toISOString()));
  assert.equal(lists, 1, 'concurrent requests share one listing');
  // a new revision: relisted once, but not before minRelistMs has passed since the last listing
  cat = catalogOf('00000000000000000002', [['alpha', '1.0.0'], ['alpha', '1.1.0'], ['beta_pkg', '0.1.0']]);
  now += 1000;
  const early = await pt.published('alpha');
  assert.deepEqual(early?.versions.map((v) => v.version), ['1.0.0', '1.1.0'], 'the current catalog versions are listed');
  assert.equal(early?.versions[1]?.published, new Date(T0 - 3 * DAY).toISOString(), 'known from the earlier listing');
  assert.equal(lists, 1, 'no relist within minRelistMs');
  now += 5000;
  await Promise.all(Array.from({ length: 100 }, () => pt.published('alpha')));
  await Promise.all(Array.from({ length: 100 }, () => pt.get()));
  assert.equal(lists, 2, 'one relist for the new revision');
});

test('a slow store: after the first listing, a new revision is answered at once from the previous snapshot', { timeout: 5000 }, async () => {
  lists = 0;
  let now = T0;
  let cat = catalogOf('00000000000000000005', [['alpha', '1.0.0']]);
  const pt = new PublishTimes(counted, () => cat, { minRelistMs: 0, now: () => now });
  assert.equal((await pt.published('alpha'))?.versions[0]?.published, new Date(T0 - 30 * DAY).toISOString());
  let open!: () => void;
  gate = new Promise((r) => (open = r));
  try {
    cat = catalogOf('00000000000000000006', [['alpha', '1.0.0'], ['alpha', '1.1.0']]);
    now += 1;
    const r = await pt.published('alpha'); // would hang here if it waited for the listing
    assert.deepEqual(r?.versions, [
      { version: '1.0.0', published: new Date(T0 - 30 * DAY).toISOString() },
      { version: '1.1.0', published: new Date(T0 - 3 * DAY).toISOString() }, // the old listing saw the document
    ]);
    assert.equal(lists, 2, 'the relist runs in the background');
  } finally {
    open();
    gate = undefined;
  }
  for (let i = 0; i < 100 && (await pt.get()).cursor !== cat.cursor; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await pt.get()).cursor, cat.cursor, 'the new snapshot is in place once the listing completes');
  assert.equal(lists, 2);
});

test('a failing store: the error is reported, and not retried by every request', async () => {
  lists = 0;
  let now = T0;
  const cat = catalogOf('00000000000000000003', [['alpha', '1.0.0']]);
  const pt = new PublishTimes(counted, () => cat, { minRelistMs: 5000, now: () => now });
  failing = true;
  try {
    await assert.rejects(pt.get(), /down/);
    for (let i = 0; i < 50; i++) await assert.rejects(pt.published('alpha'), /down/);
    assert.equal(lists, 1);
    now += 6000;
    failing = false;
    assert.equal((await pt.published('alpha'))?.versions[0]?.published, new Date(T0 - 30 * DAY).toISOString());
    assert.equal(lists, 2);
  } finally {
    failing = false;
  }
});

test('HTTP: /api/v1/ui/packages/{n}/published and /api/v1/ui/updated (ETag), 404 unknown, 400 bad names', async () => {
  const cat = catalogOf('00000000000000000004', [['alpha', '1.0.0'], ['alpha', '1.1.0'], ['beta_pkg', '0.1.0']]);
  const app: FastifyInstance = Fastify();
  await registerUi(app, { store, uiDir: path.join(tmp, 'no-ui'), getCatalog: () => cat });
  try {
    const r = await app.inject('/api/v1/ui/packages/alpha/published');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), {
      name: 'alpha',
      versions: [
        { version: '1.0.0', published: new Date(T0 - 30 * DAY).toISOString() },
        { version: '1.1.0', published: new Date(T0 - 3 * DAY).toISOString() },
      ],
    });
    assert.equal((await app.inject('/api/v1/ui/packages/ghost/published')).statusCode, 404);
    assert.equal((await app.inject('/api/v1/ui/packages/Bad-Name/published')).statusCode, 400);
    assert.ok([400, 414].includes((await app.inject(`/api/v1/ui/packages/${'a'.repeat(300)}/published`)).statusCode), 'an over-long name is refused');
    const u = await app.inject('/api/v1/ui/updated');
    assert.equal(u.statusCode, 200);
    assert.deepEqual(u.json().updated, { alpha: new Date(T0 - 3 * DAY).toISOString(), beta_pkg: new Date(T0 - 10 * DAY).toISOString() });
    const again = await app.inject({ url: '/api/v1/ui/updated', headers: { 'if-none-match': u.headers.etag as string } });
    assert.equal(again.statusCode, 304);
  } finally {
    await app.close();
  }
});
