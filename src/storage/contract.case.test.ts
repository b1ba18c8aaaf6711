/**
 * The ObjectStore contract: one suite every backend runs (Hono's `*.case.test.ts` pattern). Not run on its own;
 * a backend's test file calls `runStoreContract({...})`:
 *
 *   import { runStoreContract } from './contract.case.test.js';
 *   runStoreContract({ name: 'fs', open: () => FsStore.open(tmpDir()), cleanup: (s) => rm(...) });
 *
 * `open()` is called once per top-level group and should return a store that is empty (or at least holds no
 * keys under the `ct-*` prefixes used here — a fresh bucket prefix is fine). Every test uses its own key prefix,
 * so tests never see each other's keys.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { ObjectStore, ObjectInfo, ByteRange } from './types.js';

export interface StoreContractOptions {
  /** Backend name, used in test titles. */
  name: string;
  /** Open a store to test. Called once per test group (a handful of times per run). */
  open: () => Promise<ObjectStore>;
  /** Tear down a store returned by `open` (delete its temp dir / bucket prefix). Called before `store.close()`. */
  cleanup?: (store: ObjectStore) => Promise<void>;
  /** A reason to skip the whole suite (e.g. 'no S3 endpoint configured'), or false/undefined to run it. */
  skip?: string | false;
  /**
   * Whether writing the same bytes twice gives the same etag (true for content-hash etags: fs, and S3 single-part
   * uploads). Default true.
   */
  sameContentSameEtag?: boolean;
  /** Size of the "large" round trip object. Default 5 MiB. */
  largeObjectBytes?: number;
  /** Keys written for the listing test (> 1000 so that backends paginate). Default 1100. */
  listingKeys?: number;
  /** Concurrency for the in-process races. Default 16. */
  raceWidth?: number;
  /** Random key sets checked against a reference listing (property test). Default 12. */
  listingPropertyRuns?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// helpers (exported: backend-specific tests may use them)

/** Read a stream to one buffer (tests only). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Assert that `p` rejects with a PsError-like error carrying `code`. */
export async function rejectsWithCode(p: Promise<unknown> | (() => Promise<unknown>), code: string, what = ''): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    const got = (e as { code?: unknown }).code;
    assert.equal(got, code, `${what} expected ${code}, got ${String(got)}: ${(e as Error).message}`);
    return;
  }
  assert.fail(`${what} expected rejection with ${code}, but it resolved`);
}

/** A readable stream of `size` deterministic pseudo-random bytes, produced in chunks (never held whole). */
export function patternStream(size: number, seed = 1, chunk = 64 * 1024): Readable {
  let produced = 0;
  let x = seed >>> 0 || 1;
  return new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, size - produced);
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i] = x & 0xff;
      }
      produced += n;
      this.push(b);
    },
  });
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

async function inBatches<T>(items: T[], width: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (i < items.length) {
      const item = items[i++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

function uniq(): string {
  return randomBytes(4).toString('hex');
}

// ---------------------------------------------------------------------------------------------------------------

export function runStoreContract(opts: StoreContractOptions): void {
  const sameEtag = opts.sameContentSameEtag ?? true;
  const largeBytes = opts.largeObjectBytes ?? 5 * 1024 * 1024;
  const listingKeys = opts.listingKeys ?? 1100;
  const raceWidth = opts.raceWidth ?? 16;
  const propertyRuns = opts.listingPropertyRuns ?? 12;

  /** Register before/after hooks that open and dispose a store for the enclosing describe. */
  function withStore(): { store: () => ObjectStore; p: (name: string) => string } {
    let store: ObjectStore | undefined;
    const run = uniq();
    before(async () => {
      store = await opts.open();
    });
    after(async () => {
      if (!store) return;
      try {
        await opts.cleanup?.(store);
      } finally {
        await store.close?.();
      }
    });
    return {
      store: () => {
        assert.ok(store, 'store not opened');
        return store;
      },
      p: (name: string) => `ct-${run}/${name}`,
    };
  }

  describe(`ObjectStore contract: ${opts.name}`, { skip: opts.skip || false }, () => {
    describe('round trips', () => {
      const { store, p } = withStore();

      it('has a description', () => {
        assert.equal(typeof store().description, 'string');
        assert.ok(store().description.length > 0);
      });

      it('Buffer body', async () => {
        const key = p('rt/buffer.bin');
        const data = randomBytes(1000);
        const info = await store().put(key, data);
        assert.equal(info.key, key);
        assert.equal(info.size, 1000);
        assert.equal(typeof info.etag, 'string');
        assert.ok(info.etag.length > 0);
        assert.ok(!info.etag.includes('"'), 'etag must come without quotes');
        assert.ok(info.lastModified instanceof Date && !Number.isNaN(info.lastModified.getTime()));
        const got = await store().get(key);
        assert.deepEqual(await readAll(got.body), data);
        assert.equal(got.info.size, 1000);
        assert.equal(got.info.etag, info.etag);
        assert.equal(got.range, undefined);
      });

      it('Uint8Array body', async () => {
        const key = p('rt/u8.bin');
        const data = new Uint8Array([0, 1, 2, 250, 255]);
        const info = await store().put(key, data);
        assert.equal(info.size, 5);
        assert.deepEqual(await readAll((await store().get(key)).body), Buffer.from(data));
      });

      it('string body is written as UTF-8', async () => {
        const key = p('rt/string.txt');
        const text = 'héllo wörld ✓\n';
        const info = await store().put(key, text);
        assert.equal(info.size, Buffer.byteLength(text, 'utf8'));
        assert.equal((await readAll((await store().get(key)).body)).toString('utf8'), text);
      });

      it('Readable body', async () => {
        const key = p('rt/stream.bin');
        const parts = [randomBytes(10), randomBytes(70000), randomBytes(3)];
        const info = await store().put(key, Readable.from(parts));
        assert.equal(info.size, 70013);
        assert.deepEqual(await readAll((await store().get(key)).body), Buffer.concat(parts));
      });

      it('empty object', async () => {
        const key = p('rt/empty');
        const info = await store().put(key, Buffer.alloc(0));
        assert.equal(info.size, 0);
        const h = await store().head(key);
        assert.ok(h);
        assert.equal(h.size, 0);
        const got = await store().get(key);
        assert.equal((await readAll(got.body)).length, 0);
        const info2 = await store().put(p('rt/empty-string'), '');
        assert.equal(info2.size, 0);
        const info3 = await store().put(p('rt/empty-stream'), Readable.from([]));
        assert.equal(info3.size, 0);
        if (sameEtag) {
          assert.equal(info2.etag, info.etag);
          assert.equal(info3.etag, info.etag);
        }
      });

      it(`large streamed object (${largeBytes} bytes)`, async () => {
        const key = p('rt/large.bin');
        const info = await store().put(key, patternStream(largeBytes, 7));
        assert.equal(info.size, largeBytes);
        const expected = await readAll(patternStream(largeBytes, 7));
        const got = await store().get(key);
        const back = await readAll(got.body);
        assert.equal(back.length, largeBytes);
        assert.equal(sha256(back), sha256(expected));
        const h = await store().head(key);
        assert.equal(h?.size, largeBytes);
        assert.equal(h?.etag, info.etag);
      });

      it('keys with nested folders, dots, dashes, spaces and unicode', async () => {
        const keys = [p('n/a/b/c/d.json'), p('n/x.y-z_1.2.3.zip'), p('n/with space.txt'), p('n/ünï/cödé.md'), p('n/.hidden')];
        for (const k of keys) await store().put(k, k);
        for (const k of keys) assert.equal((await readAll((await store().get(k)).body)).toString(), k);
      });

      it('head matches put; overwrite changes etag, size and content', async () => {
        const key = p('ow/object');
        const a = await store().put(key, 'first version');
        const h1 = await store().head(key);
        assert.deepEqual(
          { key: h1?.key, size: h1?.size, etag: h1?.etag },
          { key, size: a.size, etag: a.etag },
        );
        const b = await store().put(key, 'second, longer version');
        assert.notEqual(b.etag, a.etag);
        const h2 = await store().head(key);
        assert.equal(h2?.etag, b.etag);
        assert.equal(h2?.size, Buffer.byteLength('second, longer version'));
        assert.equal((await readAll((await store().get(key)).body)).toString(), 'second, longer version');
        const c = await store().put(key, 'first version');
        if (sameEtag) assert.equal(c.etag, a.etag, 'same content gives the same etag');
        assert.equal((await store().head(key))?.etag, c.etag);
      });

      it('same content under two keys gives the same etag', { skip: !sameEtag }, async () => {
        const a = await store().put(p('same/a'), 'identical bytes');
        const b = await store().put(p('same/b'), Buffer.from('identical bytes'));
        assert.equal(a.etag, b.etag);
        const c = await store().put(p('same/c'), 'different bytes');
        assert.notEqual(a.etag, c.etag);
      });

      it('readers racing an overwrite see the old object or the new one, never a mix', async () => {
        const key = p('atomic/flip');
        const size = 256 * 1024;
        const A = Buffer.alloc(size, 0x61);
        const B = Buffer.alloc(size, 0x62);
        const infoA = await store().put(key, A);
        let writing = true;
        const writer = (async () => {
          for (let i = 0; i < 12; i++) await store().put(key, i % 2 ? A : B);
          writing = false;
        })();
        let reads = 0;
        const readers = Array.from({ length: 3 }, async () => {
          while (writing || reads < 3) {
            const got = await store().get(key);
            const bytes = await readAll(got.body);
            reads++;
            assert.equal(bytes.length, size);
            const first = bytes[0]!;
            assert.ok(bytes.every((b) => b === first), 'a read mixed two versions');
            if (sameEtag) assert.equal(got.info.etag === infoA.etag, first === 0x61, 'etag matches the bytes served');
          }
        });
        await Promise.all([writer, ...readers]);
      });

      it('delete removes the object; deleting again is fine', async () => {
        const key = p('del/one/two/obj');
        await store().put(key, 'x');
        await store().put(p('del/one/sibling'), 'y');
        await store().delete(key);
        assert.equal(await store().head(key), undefined);
        await rejectsWithCode(store().get(key), 'STORAGE_NOT_FOUND');
        await store().delete(key);
        assert.equal((await store().head(p('del/one/sibling')))?.size, 1, 'sibling untouched');
        const l = await store().list(p('del/'));
        assert.deepEqual(l.objects.map((o) => o.key), [p('del/one/sibling')]);
        // the key can be written again after delete
        await store().putIfAbsent(key, 'again');
        assert.equal((await readAll((await store().get(key)).body)).toString(), 'again');
      });
    });

    describe('missing keys', () => {
      const { store, p } = withStore();
      it('get → STORAGE_NOT_FOUND', async () => {
        await rejectsWithCode(store().get(p('nope')), 'STORAGE_NOT_FOUND');
        await rejectsWithCode(store().get(p('no/such/folder/file')), 'STORAGE_NOT_FOUND');
        await rejectsWithCode(store().get(p('nope'), { range: { start: 0 } }), 'STORAGE_NOT_FOUND');
      });
      it('head → undefined', async () => {
        assert.equal(await store().head(p('nope')), undefined);
        assert.equal(await store().head(p('no/such/folder/file')), undefined);
      });
      it('delete → ok', async () => {
        await store().delete(p('nope'));
        await store().delete(p('no/such/folder/file'));
      });
      it('list of an unknown prefix → empty', async () => {
        assert.deepEqual(await store().list(p('nothing/here/')), { objects: [], prefixes: [] });
        assert.deepEqual(await store().list(p('nothing'), { delimiter: '/' }), { objects: [], prefixes: [] });
      });
      it('a "folder" (prefix of other keys) is not an object', async () => {
        await store().put(p('folder/child'), 'c');
        assert.equal(await store().head(p('folder')), undefined);
        await rejectsWithCode(store().get(p('folder')), 'STORAGE_NOT_FOUND');
        await store().delete(p('folder'));
        assert.equal((await store().head(p('folder/child')))?.size, 1);
      });
      it('putIfMatch on a missing key → STORAGE_PRECONDITION_FAILED', async () => {
        await rejectsWithCode(store().putIfMatch(p('missing-cas'), 'any-etag', 'x'), 'STORAGE_PRECONDITION_FAILED');
        assert.equal(await store().head(p('missing-cas')), undefined);
      });
    });

    describe('bad keys', () => {
      const { store } = withStore();
      const badKeys: [string, string][] = [
        ['dot-dot segment', '../etc/passwd'],
        ['inner dot-dot', 'a/../../b'],
        ['trailing dot-dot', 'a/..'],
        ['absolute', '/abs/path'],
        ['backslash', 'a\\b'],
        ['NUL', 'a\u0000b'],
        ['empty', ''],
      ];
      for (const [why, key] of badKeys) {
        it(`${why}: ${JSON.stringify(key)} → STORAGE_KEY_INVALID on every method`, async () => {
          const s = store();
          await rejectsWithCode(() => s.get(key), 'STORAGE_KEY_INVALID', 'get');
          await rejectsWithCode(() => s.get(key, { range: { start: 0 } }), 'STORAGE_KEY_INVALID', 'get range');
          await rejectsWithCode(() => s.head(key), 'STORAGE_KEY_INVALID', 'head');
          await rejectsWithCode(() => s.put(key, 'x'), 'STORAGE_KEY_INVALID', 'put');
          await rejectsWithCode(() => s.put(key, Readable.from([Buffer.from('x')])), 'STORAGE_KEY_INVALID', 'put stream');
          await rejectsWithCode(() => s.putIfAbsent(key, 'x'), 'STORAGE_KEY_INVALID', 'putIfAbsent');
          await rejectsWithCode(() => s.putIfMatch(key, 'etag', 'x'), 'STORAGE_KEY_INVALID', 'putIfMatch');
          await rejectsWithCode(() => s.delete(key), 'STORAGE_KEY_INVALID', 'delete');
          if (key !== '') await rejectsWithCode(() => s.list(key), 'STORAGE_KEY_INVALID', 'list');
        });
      }
      it('the empty prefix lists everything (not an error)', async () => {
        const l = await store().list('');
        assert.ok(Array.isArray(l.objects));
      });
    });

    describe('ranges', () => {
      const { store, p } = withStore();
      const data = Buffer.from('0123456789abcdefghij'); // 20 bytes
      let key = '';
      before(async () => {
        key = p('range/obj');
        await store().put(key, data);
      });
      const cases: [string, ByteRange, number, number][] = [
        ['first byte', { start: 0, end: 0 }, 0, 0],
        ['last byte (start only)', { start: 19 }, 19, 19],
        ['last byte (start and end)', { start: 19, end: 19 }, 19, 19],
        ['middle', { start: 3, end: 6 }, 3, 6],
        ['open-ended from the middle', { start: 10 }, 10, 19],
        ['whole object as a range', { start: 0, end: 19 }, 0, 19],
        ['end past EOF clamps', { start: 15, end: 1000 }, 15, 19],
        ['suffix', { suffix: 3 }, 17, 19],
        ['suffix of exactly the size', { suffix: 20 }, 0, 19],
        ['suffix larger than the object', { suffix: 500 }, 0, 19],
      ];
      for (const [title, range, start, end] of cases) {
        it(`${title}: ${JSON.stringify(range)} → bytes ${start}-${end}`, async () => {
          const got = await store().get(key, { range });
          assert.deepEqual(got.range, { start, end });
          assert.equal(got.info.size, 20, 'info.size is the whole object size');
          assert.equal((await readAll(got.body)).toString(), data.subarray(start, end + 1).toString());
        });
      }
      it('start at EOF → STORAGE_RANGE_INVALID', async () => {
        await rejectsWithCode(store().get(key, { range: { start: 20 } }), 'STORAGE_RANGE_INVALID');
        await rejectsWithCode(store().get(key, { range: { start: 20, end: 30 } }), 'STORAGE_RANGE_INVALID');
      });
      it('start past EOF → STORAGE_RANGE_INVALID', async () => {
        await rejectsWithCode(store().get(key, { range: { start: 1000 } }), 'STORAGE_RANGE_INVALID');
      });
      it('any range of an empty object → STORAGE_RANGE_INVALID', async () => {
        const k = p('range/empty');
        await store().put(k, '');
        await rejectsWithCode(store().get(k, { range: { start: 0 } }), 'STORAGE_RANGE_INVALID');
        await rejectsWithCode(store().get(k, { range: { suffix: 5 } }), 'STORAGE_RANGE_INVALID');
      });
      it('ranges of a large object are exact', async () => {
        const k = p('range/large');
        const size = 300_000;
        await store().put(k, patternStream(size, 3));
        const all = await readAll(patternStream(size, 3));
        const got = await store().get(k, { range: { start: 65_530, end: 200_001 } });
        assert.deepEqual(got.range, { start: 65_530, end: 200_001 });
        assert.ok((await readAll(got.body)).equals(all.subarray(65_530, 200_002)));
        const tail = await store().get(k, { range: { suffix: 70_000 } });
        assert.ok((await readAll(tail.body)).equals(all.subarray(size - 70_000)));
      });
    });

    describe(`listing (${listingKeys} keys)`, () => {
      const { store, p } = withStore();
      const root = (): string => p('list/');
      // d0..d10 folders of files (d1 and d10 share the string prefix 'd1'), deeper sub-folders, top-level files,
      // and 'd1x.txt' and 'd1-z' which sort around the 'd1/' folder.
      const rel: string[] = [];
      for (let i = 0; rel.length < listingKeys - 6; i++) {
        const d = `d${i % 11}`;
        rel.push(i % 7 === 0 ? `${d}/sub${i % 3}/f${String(i).padStart(5, '0')}.json` : `${d}/f${String(i).padStart(5, '0')}.txt`);
      }
      rel.push('top-a.txt', 'top-b.txt', 'd1x.txt', 'd1-z', 'zz/last', 'A-upper');
      let all: string[] = [];
      before(async () => {
        all = rel.map((r) => root() + r).sort();
        await inBatches(all, 16, (k) => store().put(k, k.slice(-8)));
      });

      const keysOf = (objs: ObjectInfo[]): string[] => objs.map((o) => o.key);

      it('without delimiter: every key under the prefix, sorted, with metadata', async () => {
        const l = await store().list(root());
        assert.equal(l.objects.length, listingKeys);
        assert.deepEqual(keysOf(l.objects), all);
        assert.deepEqual(l.prefixes, []);
        for (const o of l.objects.slice(0, 5)) {
          assert.equal(o.size, 8);
          assert.equal(typeof o.etag, 'string');
          assert.ok(o.lastModified instanceof Date);
          assert.equal((await store().head(o.key))?.etag, o.etag);
        }
      });

      it("with delimiter '/': direct objects and common prefixes, sorted", async () => {
        const l = await store().list(root(), { delimiter: '/' });
        assert.deepEqual(keysOf(l.objects), ['A-upper', 'd1-z', 'd1x.txt', 'top-a.txt', 'top-b.txt'].map((r) => root() + r));
        const folders = [...Array.from({ length: 11 }, (_, i) => `d${i}/`), 'zz/'].map((f) => root() + f).sort();
        assert.deepEqual(l.prefixes, folders);
      });

      it('one folder level deeper', async () => {
        const l = await store().list(root() + 'd3/', { delimiter: '/' });
        const expectObjs = all.filter((k) => k.startsWith(root() + 'd3/') && !k.slice((root() + 'd3/').length).includes('/'));
        assert.deepEqual(keysOf(l.objects), expectObjs);
        assert.ok(expectObjs.length > 50);
        const expectPrefixes = [...new Set(all.filter((k) => k.startsWith(root() + 'd3/sub')).map((k) => k.slice(0, k.lastIndexOf('/') + 1)))].sort();
        assert.deepEqual(l.prefixes, expectPrefixes);
        assert.ok(expectPrefixes.length >= 1);
      });

      it('a prefix that is not a folder boundary matches as a plain string prefix', async () => {
        const pre = root() + 'd1';
        const flat = await store().list(pre);
        assert.deepEqual(keysOf(flat.objects), all.filter((k) => k.startsWith(pre)));
        assert.ok(flat.objects.some((o) => o.key.startsWith(root() + 'd10/')));
        assert.ok(flat.objects.some((o) => o.key === root() + 'd1x.txt'));
        const l = await store().list(pre, { delimiter: '/' });
        assert.deepEqual(keysOf(l.objects), [root() + 'd1-z', root() + 'd1x.txt']);
        assert.deepEqual(l.prefixes, [root() + 'd1/', root() + 'd10/']);
      });

      it('a prefix inside a file name', async () => {
        const l = await store().list(root() + 'top-');
        assert.deepEqual(keysOf(l.objects), [root() + 'top-a.txt', root() + 'top-b.txt']);
        const l2 = await store().list(root() + 'zz/la', { delimiter: '/' });
        assert.deepEqual(keysOf(l2.objects), [root() + 'zz/last']);
        assert.deepEqual(l2.prefixes, []);
      });

      it('a prefix equal to a whole key lists that key', async () => {
        const l = await store().list(root() + 'zz/last');
        assert.deepEqual(keysOf(l.objects), [root() + 'zz/last']);
      });

      it('a prefix without trailing slash naming a folder', async () => {
        const l = await store().list(root() + 'zz', { delimiter: '/' });
        assert.deepEqual(l.objects, []);
        assert.deepEqual(l.prefixes, [root() + 'zz/']);
      });

      it('deleted keys disappear from listings, emptied folders too', async () => {
        await store().delete(root() + 'zz/last');
        const l = await store().list(root(), { delimiter: '/' });
        assert.ok(!l.prefixes.includes(root() + 'zz/'));
        const flat = await store().list(root() + 'zz');
        assert.deepEqual(flat.objects, []);
      });
    });

    describe('listing matches a reference model (property test)', () => {
      const { store, p } = withStore();
      // Segments from a small alphabet with characters that sort around '/' ('-' '.' < '/' < '0' 'a' 'é').
      const seg = fc.stringMatching(/^[a-c0é.-]{1,3}$/).filter((x) => x !== '.' && x !== '..');
      const keyArb = fc.array(seg, { minLength: 1, maxLength: 3 }).map((a) => a.join('/'));
      const utf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

      function reference(keys: string[], prefix: string, delimiter?: string): { objects: string[]; prefixes: string[] } {
        const objects: string[] = [];
        const prefixes = new Set<string>();
        for (const k of keys) {
          if (!k.startsWith(prefix)) continue;
          const i = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
          if (i >= 0) prefixes.add(k.slice(0, i + delimiter!.length));
          else objects.push(k);
        }
        return { objects: objects.sort(utf8), prefixes: [...prefixes].sort(utf8) };
      }

      it(`${propertyRuns} random key sets: every prefix of every key, with and without '/'`, async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 25 }), fc.array(fc.stringMatching(/^[a-c0é./-]{0,4}$/), { maxLength: 5 }), async (raw, extraPrefixes) => {
            // A key cannot also be a "folder" of another key on every backend (fs): drop such clashes.
            const keys = raw.filter((k) => !raw.some((o) => o.startsWith(k + '/')));
            const base = p(`prop/${run++}/`);
            await inBatches(keys, 8, (k) => store().put(base + k, k));
            const full = keys.map((k) => base + k);
            const candidates = new Set<string>([base]);
            for (const k of keys) for (let i = 1; i <= k.length; i++) candidates.add(base + k.slice(0, i));
            for (const e of extraPrefixes) candidates.add(base + e);
            for (const prefix of candidates) {
              let valid = true;
              try {
                (await import('./keys.js')).validatePrefix(prefix);
              } catch {
                valid = false;
              }
              if (!valid) continue;
              for (const delimiter of [undefined, '/']) {
                const got = await store().list(prefix, delimiter ? { delimiter } : {});
                const want = reference(full, prefix, delimiter);
                assert.deepEqual(
                  { objects: got.objects.map((o) => o.key), prefixes: got.prefixes },
                  want,
                  `list(${JSON.stringify(prefix)}, ${delimiter ?? 'no delimiter'}) over ${JSON.stringify(keys)}`,
                );
              }
            }
          }),
          { numRuns: propertyRuns },
        );
      });
    });

    describe('preconditions', () => {
      const { store, p } = withStore();

      it('putIfAbsent creates, then refuses', async () => {
        const key = p('pia/once');
        const a = await store().putIfAbsent(key, 'one');
        assert.equal(a.size, 3);
        await rejectsWithCode(store().putIfAbsent(key, 'two'), 'STORAGE_PRECONDITION_FAILED');
        await rejectsWithCode(store().putIfAbsent(key, 'one'), 'STORAGE_PRECONDITION_FAILED', 'even with the same bytes');
        await rejectsWithCode(store().putIfAbsent(key, Readable.from([Buffer.from('three')])), 'STORAGE_PRECONDITION_FAILED');
        assert.equal((await readAll((await store().get(key)).body)).toString(), 'one');
        assert.equal((await store().head(key))?.etag, a.etag);
      });

      it('putIfMatch swaps on the right etag, refuses a wrong or stale one', async () => {
        const key = p('pim/obj');
        const a = await store().put(key, 'v1');
        const b = await store().putIfMatch(key, a.etag, 'v2');
        assert.notEqual(b.etag, a.etag);
        assert.equal((await readAll((await store().get(key)).body)).toString(), 'v2');
        await rejectsWithCode(store().putIfMatch(key, a.etag, 'v3'), 'STORAGE_PRECONDITION_FAILED', 'stale etag');
        await rejectsWithCode(store().putIfMatch(key, 'not-an-etag', 'v3'), 'STORAGE_PRECONDITION_FAILED', 'wrong etag');
        await rejectsWithCode(store().putIfMatch(key, '', 'v3'), 'STORAGE_PRECONDITION_FAILED', 'empty etag');
        assert.equal((await readAll((await store().get(key)).body)).toString(), 'v2');
        const c = await store().putIfMatch(key, b.etag, patternStream(100_000, 9));
        assert.equal(c.size, 100_000);
        assert.equal((await store().head(key))?.etag, c.etag);
      });

      it('putIfMatch after delete fails', async () => {
        const key = p('pim/deleted');
        const a = await store().put(key, 'v1');
        await store().delete(key);
        await rejectsWithCode(store().putIfMatch(key, a.etag, 'v2'), 'STORAGE_PRECONDITION_FAILED');
        assert.equal(await store().head(key), undefined);
      });

      it('a failed precondition leaves no trace in listings', async () => {
        const l = await store().list(p('pia/'));
        assert.deepEqual(l.objects.map((o) => o.key), [p('pia/once')]);
      });

      for (let round = 0; round < 3; round++) {
        it(`race (round ${round + 1}): ${raceWidth} concurrent putIfAbsent on one key → exactly one winner`, async () => {
          const key = p(`race/absent-${round}`);
          const results = await Promise.allSettled(
            Array.from({ length: raceWidth }, (_, i) =>
              store().putIfAbsent(key, i % 2 ? `writer ${i}` : Readable.from([Buffer.from('writer '), Buffer.from(String(i))])),
            ),
          );
          const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
          assert.equal(winners.length, 1, `winners: ${winners.join(',')}`);
          for (const r of results) {
            if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'STORAGE_PRECONDITION_FAILED', String(r.reason));
          }
          const body = (await readAll((await store().get(key)).body)).toString();
          assert.equal(body, `writer ${winners[0]}`);
          const won = results[winners[0]!] as PromiseFulfilledResult<ObjectInfo>;
          assert.equal((await store().head(key))?.etag, won.value.etag);
        });

        it(`race (round ${round + 1}): ${raceWidth} concurrent putIfMatch from the same etag → exactly one winner`, async () => {
          const key = p(`race/match-${round}`);
          const base = await store().put(key, 'base');
          const results = await Promise.allSettled(
            Array.from({ length: raceWidth }, (_, i) => store().putIfMatch(key, base.etag, `writer ${i}`)),
          );
          const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
          assert.equal(winners.length, 1, `winners: ${winners.join(',')}`);
          for (const r of results) {
            if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'STORAGE_PRECONDITION_FAILED', String(r.reason));
          }
          assert.equal((await readAll((await store().get(key)).body)).toString(), `writer ${winners[0]}`);
        });
      }

      it(`race: ${raceWidth} writers doing read-modify-write with putIfMatch retries lose no update`, async () => {
        const key = p('race/counter');
        await store().put(key, '0');
        const perWriter = 3;
        await Promise.all(
          Array.from({ length: Math.min(raceWidth, 8) }, async () => {
            for (let done = 0; done < perWriter; ) {
              const got = await store().get(key);
              const n = Number((await readAll(got.body)).toString());
              try {
                await store().putIfMatch(key, got.info.etag, String(n + 1));
                done++;
              } catch (e) {
                if ((e as { code?: string }).code !== 'STORAGE_PRECONDITION_FAILED') throw e;
              }
            }
          }),
        );
        const final = Number((await readAll((await store().get(key)).body)).toString());
        assert.equal(final, Math.min(raceWidth, 8) * perWriter);
      });
    });
  });
}
