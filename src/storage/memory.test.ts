import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MemoryStore } from './memory.js';
import { openStore } from './index.js';
import { readAll, rejectsWithCode, runStoreContract } from './contract.case.test.js';

// Every case of the shared contract applies: the suite has no case that needs a second process (those live in
// fs.test.ts and s3.test.ts, beside the backends that can be shared between processes).
runStoreContract({
  name: 'memory',
  open: async () => new MemoryStore({ name: 'contract' }),
  sameContentSameEtag: true,
});

// Odd-sized small read chunks, so ranges and large objects cross many chunk boundaries.
runStoreContract({
  name: 'memory (997-byte read chunks)',
  open: async () => new MemoryStore({ name: 'small-chunks', readChunkBytes: 997 }),
  largeObjectBytes: 64 * 1024,
  listingKeys: 1010,
  listingPropertyRuns: 3,
});

describe('memory backend', () => {
  it('etags are the sha256 of the bytes; description names the store', async () => {
    const s = new MemoryStore({ name: 'x' });
    assert.equal(s.description, 'memory:x');
    const info = await s.put('a/b', 'hello');
    assert.equal(info.etag, createHash('sha256').update('hello').digest('hex'));
  });

  it('every range is exact across read-chunk boundaries', async () => {
    const s = new MemoryStore({ readChunkBytes: 3 });
    const data = Buffer.from('0123456789abcdefghij');
    await s.put('r', data);
    for (let start = 0; start < data.length; start++) {
      for (let end = start; end < data.length + 2; end++) {
        const got = await s.get('r', { range: { start, end } });
        assert.equal((await readAll(got.body)).toString(), data.subarray(start, end + 1).toString(), `${start}-${end}`);
      }
    }
  });

  it('mutating a written buffer or a read chunk does not change the stored object', async () => {
    const s = new MemoryStore();
    const src = Buffer.from('original');
    await s.put('k', src);
    src.fill(0x78);
    const got = await s.get('k');
    const chunks: Buffer[] = [];
    for await (const c of got.body) {
      (c as Buffer).fill(0x79);
      chunks.push(c as Buffer);
    }
    assert.equal((await readAll((await s.get('k')).body)).toString(), 'original');
    const u8 = new Uint8Array([1, 2, 3]);
    await s.put('u', u8);
    u8[0] = 9;
    assert.deepEqual([...(await readAll((await s.get('u')).body))], [1, 2, 3]);
  });

  it('a key can be an object and a folder of other keys at once (as on S3)', async () => {
    const s = new MemoryStore();
    await s.put('a', '1');
    await s.put('a/b', '2');
    assert.deepEqual((await s.list('')).objects.map((o) => o.key), ['a', 'a/b']);
    assert.deepEqual(await s.list('', { delimiter: '/' }).then((l) => [l.objects.map((o) => o.key), l.prefixes]), [['a'], ['a/']]);
  });

  it('a delimiter other than / groups on it', async () => {
    const s = new MemoryStore();
    for (const k of ['p/x-1', 'p/x-2', 'p/y', 'p/z-3-4']) await s.put(k, k);
    const l = await s.list('p/', { delimiter: '-' });
    assert.deepEqual(l.objects.map((o) => o.key), ['p/y']);
    assert.deepEqual(l.prefixes, ['p/x-', 'p/z-']);
  });

  it('maxBytes: a write past the limit fails STORAGE_UNAVAILABLE, stops reading the body, and leaves no object', async () => {
    const s = new MemoryStore({ maxBytes: 100 });
    await s.put('a', Buffer.alloc(60));
    await rejectsWithCode(s.put('b', Buffer.alloc(50)), 'STORAGE_UNAVAILABLE');
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(10));
      },
    });
    await rejectsWithCode(s.putIfAbsent('c', endless), 'STORAGE_UNAVAILABLE');
    assert.ok(pulled < 20, `read ${pulled} chunks of a body already over the limit`);
    assert.ok(endless.destroyed, 'the refused body stream is destroyed');
    assert.equal(await s.head('b'), undefined);
    assert.equal(await s.head('c'), undefined);
    // While an overwrite is read, the old object is still served, so both count; once done, the old bytes are
    // released. Deleting releases them too.
    await rejectsWithCode(s.put('a', Buffer.alloc(41)), 'STORAGE_UNAVAILABLE');
    await s.put('a', Buffer.alloc(40));
    await s.put('d', Buffer.alloc(60));
    await rejectsWithCode(s.put('d2', Buffer.alloc(1)), 'STORAGE_UNAVAILABLE');
    await s.delete('a');
    await s.delete('d');
    await s.put('d', Buffer.alloc(100));
    // A failed precondition gives its reservation back.
    await s.delete('d');
    await s.put('e', Buffer.alloc(50));
    await rejectsWithCode(s.putIfAbsent('e', Buffer.alloc(50)), 'STORAGE_PRECONDITION_FAILED');
    await s.put('f', Buffer.alloc(50));
  });

  it('concurrent writes in flight cannot together pass maxBytes', async () => {
    const s = new MemoryStore({ maxBytes: 100 });
    const slow = (n: number): Readable =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < n; i++) {
            await new Promise((r) => setImmediate(r));
            yield Buffer.alloc(10);
          }
        })(),
      );
    const results = await Promise.allSettled([s.put('x', slow(6)), s.put('y', slow(6))]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
    const total = (await s.list('')).objects.reduce((n, o) => n + o.size, 0);
    assert.equal(total, 60);
  });

  it('an aborted signal fails reads and writes; aborting mid-body stops the stream; nothing is written', async () => {
    const s = new MemoryStore();
    await s.put('k', Buffer.alloc(1024 * 1024, 1));
    const done = new AbortController();
    done.abort();
    await assert.rejects(s.get('k', { signal: done.signal }), { name: 'AbortError' });
    await assert.rejects(s.put('w', 'x', { signal: done.signal }), { name: 'AbortError' });
    const ac = new AbortController();
    const got = await s.get('k', { signal: ac.signal });
    ac.abort();
    await assert.rejects(readAll(got.body), { name: 'AbortError' });
    const ac2 = new AbortController();
    const body = new Readable({ read() {} });
    const p = s.putIfAbsent('w', body, { signal: ac2.signal });
    body.push('partial');
    setImmediate(() => ac2.abort());
    await assert.rejects(p, { name: 'AbortError' });
    assert.equal(await s.head('w'), undefined);
  });

  it('a failing body stream fails the put with its error and leaves no object', async () => {
    const s = new MemoryStore();
    const broken = Readable.from(
      (async function* () {
        yield Buffer.from('some');
        throw new Error('source broke');
      })(),
    );
    await assert.rejects(s.put('b', broken), /source broke/);
    assert.equal(await s.head('b'), undefined);
  });

  it('after close, every call fails with STORAGE_UNAVAILABLE', async () => {
    const s = new MemoryStore();
    await s.put('k', 'v');
    await s.close();
    await rejectsWithCode(s.get('k'), 'STORAGE_UNAVAILABLE');
    await rejectsWithCode(s.head('k'), 'STORAGE_UNAVAILABLE');
    await rejectsWithCode(s.list(''), 'STORAGE_UNAVAILABLE');
    await rejectsWithCode(s.put('k', 'v'), 'STORAGE_UNAVAILABLE');
    await rejectsWithCode(s.delete('k'), 'STORAGE_UNAVAILABLE');
  });

  it("openStore('memory:') opens a new, empty in-memory store each time", async () => {
    const a = await openStore('memory:');
    const b = await openStore('memory:cache');
    assert.ok(a instanceof MemoryStore);
    assert.equal(a.description, 'memory:default');
    assert.equal(b.description, 'memory:cache');
    await a.put('k', 'v');
    assert.equal(await b.head('k'), undefined);
  });
});
