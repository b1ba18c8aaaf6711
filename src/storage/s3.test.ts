/**
 * S3 backend tests. The contract suite and the S3-specific tests run against a real Ceph RGW
 * (`scripts/ceph-s3.sh start .tmp/ceph 7480`, then PACKAGE_STORAGE_TEST_S3_ENDPOINT=http://127.0.0.1:7480),
 * each run under a fresh random prefix of the test bucket; without a server they are skipped with a message.
 * URL parsing and config handling run always.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Store, parseS3Url, unquoteEtag } from './s3.js';
import { s3TestTarget, S3_SKIP_MESSAGE, S3_TEST_CREDENTIALS, type S3TestTarget } from './s3-testing.js';
import { runStoreContract, readAll, rejectsWithCode, patternStream } from './contract.case.test.js';
import { openStore } from './index.js';
import { loadConfig } from '../config.js';

const target: S3TestTarget | undefined = await s3TestTarget();
const skip = target ? false : S3_SKIP_MESSAGE;
if (!target) console.log(`# ${S3_SKIP_MESSAGE}`);

const MiB = 1024 * 1024;

// ------------------------------------------------------------------------------------------------ contract

runStoreContract({
  name: 's3 (Ceph RGW)',
  skip,
  open: async () => target!.open(target!.freshPrefix('contract')),
  cleanup: async (store) => target!.emptyPrefix((store as S3Store).prefix),
  // S3 single-part etags are the MD5 of the bytes.
  sameContentSameEtag: true,
  // Above the single-PutObject threshold (8 MiB), so the multipart path is covered by the contract too.
  largeObjectBytes: 12 * MiB,
  raceWidth: 16,
  listingPropertyRuns: 5,
});

// ------------------------------------------------------------------------------------------------ no server needed

describe('s3 URLs and config', () => {
  it('parses s3://bucket and s3://bucket/prefix[/]', () => {
    assert.deepEqual(parseS3Url('s3://bucket'), { bucket: 'bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://bucket/'), { bucket: 'bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://bucket/prefix'), { bucket: 'bucket', prefix: 'prefix/' });
    assert.deepEqual(parseS3Url('s3://bucket/prefix/'), { bucket: 'bucket', prefix: 'prefix/' });
    assert.deepEqual(parseS3Url('s3://my.bucket-1/a/b/c/'), { bucket: 'my.bucket-1', prefix: 'a/b/c/' });
  });

  it('rejects malformed URLs with STORAGE_URL_INVALID', () => {
    for (const bad of ['s3://', 's3:///prefix', 'http://bucket/x', 's3://bucket/a/../b', 's3://bucket/a//b', 's3://b/x?y=1', 's3://-x/']) {
      assert.throws(() => parseS3Url(bad), (e: { code?: string }) => e.code === 'STORAGE_URL_INVALID', bad);
    }
  });

  it('description is s3://bucket/prefix', async () => {
    const a = await S3Store.fromUrl('s3://bucket/some/prefix/', { s3Endpoint: 'http://127.0.0.1:1' });
    assert.equal(a.description, 's3://bucket/some/prefix');
    assert.equal(a.prefix, 'some/prefix/');
    const b = await S3Store.fromUrl('s3://bucket', { s3Endpoint: 'http://127.0.0.1:1' });
    assert.equal(b.description, 's3://bucket');
    await a.close();
    await b.close();
  });

  it('openStore dispatches s3:// URLs; a bad endpoint is a config error', async () => {
    const s = await openStore('s3://bucket/p', { s3Endpoint: 'http://127.0.0.1:1', s3Region: 'eu-west-1' });
    assert.ok(s instanceof S3Store);
    await s.close?.();
    await assert.rejects(S3Store.fromUrl('s3://bucket', { s3Endpoint: '127.0.0.1:7480' }), (e: { code?: string }) => e.code === 'CONFIG_INVALID');
  });

  it('config reads the standard AWS variables', () => {
    const c = loadConfig({}, { AWS_ENDPOINT_URL_S3: 'http://s3.local:7480', AWS_REGION: 'eu-west-3', AWS_MAX_ATTEMPTS: '7', PACKAGE_STORAGE_S3_TIMEOUT_MS: '1234' });
    assert.equal(c.s3Endpoint, 'http://s3.local:7480');
    assert.equal(c.s3Region, 'eu-west-3');
    assert.equal(c.s3MaxAttempts, 7);
    assert.equal(c.s3TimeoutMs, 1234);
  });

  it('etags come without quotes', () => {
    assert.equal(unquoteEtag('"abc"'), 'abc');
    assert.equal(unquoteEtag('W/"abc-2"'), 'abc-2');
    assert.equal(unquoteEtag('abc'), 'abc');
    assert.equal(unquoteEtag(undefined), '');
  });

  it('key validation happens before any request', async () => {
    const s = await S3Store.fromUrl('s3://bucket', { s3Endpoint: 'http://127.0.0.1:1' });
    await rejectsWithCode(s.get('../x'), 'STORAGE_KEY_INVALID');
    await rejectsWithCode(s.putIfAbsent('/abs', 'x'), 'STORAGE_KEY_INVALID');
    await rejectsWithCode(s.list('a//'), 'STORAGE_KEY_INVALID');
    await rejectsWithCode(s.get('ok', { range: { start: 5, end: 2 } }), 'STORAGE_RANGE_INVALID');
    await rejectsWithCode(s.get('ok', { range: { suffix: 0 } }), 'STORAGE_RANGE_INVALID');
    await s.close();
  });

  it('an unreachable server → STORAGE_UNAVAILABLE after the configured attempts', async () => {
    // Port 1 on loopback: nothing listens there, connections are refused at once.
    const s = await S3Store.fromUrl('s3://bucket/p', { s3Endpoint: 'http://127.0.0.1:1', s3MaxAttempts: 2 }, { credentials: S3_TEST_CREDENTIALS });
    await rejectsWithCode(s.head('x'), 'STORAGE_UNAVAILABLE');
    await rejectsWithCode(s.put('x', 'body'), 'STORAGE_UNAVAILABLE');
    await s.close();
  });
});

// ------------------------------------------------------------------------------------------------ S3-specific, real server

/**
 * A fault-injecting HTTP proxy in front of the real server: `plan(n, req)` decides for the n-th request (from 1)
 * whether to forward it, answer 503 without forwarding, or forward it and then answer 503 (the write landed but
 * the client does not know).
 */
type Fault = 'forward' | 'fail' | 'forward-then-fail' | 'reset' | { failAfter: () => Promise<void> };
async function faultProxy(upstream: string, plan: (n: number, req: http.IncomingMessage) => Fault): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const up = new URL(upstream);
  const seen: string[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const fault = plan(++n, req);
    seen.push(`${req.method} ${typeof fault === 'string' ? fault : 'hook'}`);
    if (typeof fault === 'object') {
      // Run something (another writer) while this request is "in flight", then answer 503 without forwarding.
      req.resume();
      req.on('end', () => {
        void fault.failAfter().finally(() => {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected</Message></Error>');
        });
      });
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'fail') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected</Message></Error>');
      });
      return;
    }
    const fwd = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      if (fault === 'forward-then-fail') {
        ur.resume();
        ur.on('end', () => {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected after the write</Message></Error>');
        });
        return;
      }
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('s3 backend on a real server', { skip }, () => {
  let prefix = '';
  let store: S3Store;
  before(async () => {
    prefix = target!.freshPrefix('s3');
    store = await target!.open(prefix);
  });
  after(async () => {
    if (!target || !store) return;
    await target.emptyPrefix(prefix);
    await store.close();
  });

  it('a 64 MiB stream upload is multipart and streams: the source is never read far ahead of the upload', async () => {
    // Through a pass-through proxy, record how many bytes the source had produced when each part request arrived.
    // Buffering the body would show 64 MiB produced before part 1; streaming shows a bounded look-ahead
    // (the parts in flight plus the one being filled and stream buffers).
    const size = 64 * MiB;
    const partSize = 5 * MiB;
    let produced = 0;
    const lookahead: number[] = [];
    const proxy = await faultProxy(target!.endpoint, (_n, req) => {
      const m = /[?&]partNumber=(\d+)/.exec(req.url ?? '');
      if (req.method === 'PUT' && m) lookahead.push(produced - (Number(m[1]) - 1) * partSize);
      return 'forward';
    });
    const s = await target!.open(prefix, { endpoint: proxy.url, partSize, queueSize: 2 });
    const rss0 = process.memoryUsage().rss;
    let info;
    try {
      const source = Readable.from(
        (async function* () {
          for await (const c of patternStream(size, 11, 256 * 1024)) {
            produced += (c as Buffer).length;
            yield c as Buffer;
          }
        })(),
      );
      info = await s.put('big/64m.bin', source);
    } finally {
      await s.close();
      await proxy.close();
    }
    const worst = Math.max(...lookahead);
    console.log(`# 64 MiB put (5 MiB parts, 2 in flight): ${lookahead.length} parts, source at most ${(worst / MiB).toFixed(1)} MiB ahead; rss +${((process.memoryUsage().rss - rss0) / MiB).toFixed(1)} MiB`);
    assert.equal(info.size, size);
    assert.match(info.etag, /^[0-9a-f]{32}-13$/, 'a 13-part multipart etag');
    assert.equal(lookahead.length, 13);
    assert.ok(worst < 6 * partSize, `the source ran ${(worst / MiB).toFixed(1)} MiB ahead of the upload`);
    // Read it back as a stream, hashing on the fly, and compare with the generator's bytes.
    const got = await store.get('big/64m.bin');
    assert.equal(got.info.size, size);
    assert.equal(got.info.etag, info.etag);
    const h1 = createHash('sha256');
    for await (const c of got.body) h1.update(c as Buffer);
    const h2 = createHash('sha256');
    for await (const c of patternStream(size, 11, 256 * 1024)) h2.update(c as Buffer);
    assert.equal(h1.digest('hex'), h2.digest('hex'));
    await store.delete('big/64m.bin');
  });

  it('large conditional writes are one PutObject, spooled to a temp file (not memory), temp file removed', async () => {
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 's3-spool-test-'));
    const small = await target!.open(prefix, { singlePutMax: 256 * 1024, tmpDir: tmp });
    try {
      const size = 3 * MiB + 17;
      const bytes = await readAll(patternStream(size, 5));
      const md5 = createHash('md5').update(bytes).digest('hex');
      const a = await small.putIfAbsent('cond/big', patternStream(size, 5));
      assert.equal(a.size, size);
      assert.equal(a.etag, md5, 'single-part etag (MD5), not a multipart one');
      await rejectsWithCode(small.putIfAbsent('cond/big', patternStream(size, 6)), 'STORAGE_PRECONDITION_FAILED');
      await rejectsWithCode(small.putIfMatch('cond/big', 'deadbeef', patternStream(size, 6)), 'STORAGE_PRECONDITION_FAILED');
      const b = await small.putIfMatch('cond/big', a.etag, patternStream(size, 6));
      assert.notEqual(b.etag, a.etag);
      assert.ok(!b.etag.includes('-'));
      assert.ok((await readAll((await small.get('cond/big')).body)).equals(await readAll(patternStream(size, 6))));
      assert.deepEqual(await fsp.readdir(tmp), [], 'spool files are removed');
    } finally {
      await small.close();
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('a failing body stream fails the put and leaves no object', async () => {
    const broken = (): Readable =>
      Readable.from(
        (async function* () {
          yield randomBytes(1024);
          throw new Error('source broke');
        })(),
      );
    await assert.rejects(store.put('broken/a', broken()), /source broke/);
    await assert.rejects(store.putIfAbsent('broken/b', broken()), /source broke/);
    assert.equal(await store.head('broken/a'), undefined);
    assert.equal(await store.head('broken/b'), undefined);
  });

  it('contentType is stored', async () => {
    await store.put('ct/x.json', '{}', { contentType: 'application/json' });
    await store.putIfAbsent('ct/y.txt', 'y', { contentType: 'text/plain; charset=utf-8' });
    const c = new S3Client({ endpoint: target!.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS });
    try {
      const x = await c.send(new HeadObjectCommand({ Bucket: target!.bucket, Key: `${prefix}ct/x.json` }));
      assert.equal(x.ContentType, 'application/json');
      const y = await c.send(new HeadObjectCommand({ Bucket: target!.bucket, Key: `${prefix}ct/y.txt` }));
      assert.equal(y.ContentType, 'text/plain; charset=utf-8');
    } finally {
      c.destroy();
    }
  });

  it('wrong credentials → STORAGE_UNAVAILABLE (access denied); a missing bucket → STORAGE_UNAVAILABLE', async () => {
    const bad = await target!.open(prefix, { credentials: { accessKeyId: 'AKTEST', secretAccessKey: 'wrong' } });
    try {
      await assert.rejects(bad.head('x'), (e: { code?: string; message: string }) => e.code === 'STORAGE_UNAVAILABLE');
      await assert.rejects(bad.get('x'), (e: { code?: string; message: string }) => e.code === 'STORAGE_UNAVAILABLE' && /access denied/i.test(e.message));
    } finally {
      await bad.close();
    }
    const nob = await target!.open('', { bucket: `no-such-bucket-${randomBytes(4).toString('hex')}` });
    try {
      await assert.rejects(nob.get('x'), (e: { code?: string; message: string }) => e.code === 'STORAGE_UNAVAILABLE' && /does not exist/.test(e.message));
      await assert.rejects(nob.list(''), (e: { code?: string }) => e.code === 'STORAGE_UNAVAILABLE');
    } finally {
      await nob.close();
    }
  });

  it('an aborted signal aborts the request', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(store.get('whatever', { signal: ac.signal }));
    await assert.rejects(store.put('abort/x', 'x', { signal: ac.signal }));
    assert.equal(await store.head('abort/x'), undefined);
    // Aborting while the body streams stops it.
    await store.put('abort/body', Buffer.alloc(4 * MiB, 1));
    const ac2 = new AbortController();
    const got = await store.get('abort/body', { signal: ac2.signal });
    ac2.abort();
    await assert.rejects(readAll(got.body));
  });

  it('retries 5xx and dropped connections with backoff', async () => {
    // The first two requests get a 503 SlowDown, the third has its connection dropped, then all pass.
    const proxy = await faultProxy(target!.endpoint, (n) => (n <= 2 ? 'fail' : n === 3 ? 'reset' : 'forward'));
    const s = await target!.open(prefix, { endpoint: proxy.url, maxAttempts: 5 });
    try {
      const info = await s.put('retry/a', 'after retries');
      assert.equal(info.size, 13);
      assert.deepEqual(proxy.seen.slice(0, 4), ['PUT fail', 'PUT fail', 'PUT reset', 'PUT forward']);
      assert.equal((await readAll((await s.get('retry/a')).body)).toString(), 'after retries');
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  it('gives up after maxAttempts with STORAGE_UNAVAILABLE', async () => {
    const proxy = await faultProxy(target!.endpoint, () => 'fail');
    const s = await target!.open(prefix, { endpoint: proxy.url, maxAttempts: 3 });
    try {
      await rejectsWithCode(s.head('retry/none'), 'STORAGE_UNAVAILABLE');
      assert.equal(proxy.seen.length, 3);
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  it('a conditional put whose first attempt landed (answer lost) is recognised as ours on retry', async () => {
    // Buffer body: the SDK retries; file body (spooled): retried by the store. Both see a 412 on the retry.
    for (const [label, body, opts] of [
      ['buffer', Buffer.from('landed once'), {}],
      ['spooled stream', patternStream(600 * 1024, 3), { singlePutMax: 64 * 1024 }],
    ] as const) {
      let puts = 0;
      const proxy = await faultProxy(target!.endpoint, (_n, req) => (req.method === 'PUT' && ++puts === 1 ? 'forward-then-fail' : 'forward'));
      const s = await target!.open(prefix, { endpoint: proxy.url, maxAttempts: 3, ...opts });
      try {
        const key = `ambiguous/${label.replace(/ /g, '-')}`;
        const info = await s.putIfAbsent(key, body);
        assert.ok(puts >= 2, `${label}: the put was retried`);
        assert.equal((await s.head(key))?.etag, info.etag, label);
        // A genuine conflict is still refused.
        await rejectsWithCode(s.putIfAbsent(key, 'other bytes'), 'STORAGE_PRECONDITION_FAILED', label);
      } finally {
        await s.close();
        await proxy.close();
      }
    }
  });

  it('a retried conditional put that meets another writer\'s identical bytes still fails its precondition', async () => {
    // Attempt 1 never reaches the server; meanwhile another writer stores the very same bytes. The retry gets a
    // 412, and the object holds our bytes, but not our write: it must not count as ours (that would lose updates).
    const key = 'aba/counter';
    const base = await store.put(key, '5');
    let puts = 0;
    const proxy = await faultProxy(target!.endpoint, (_n, req) =>
      req.method === 'PUT' && ++puts === 1 ? { failAfter: async () => void (await store.put(key, '6')) } : 'forward',
    );
    const s = await target!.open(prefix, { endpoint: proxy.url, maxAttempts: 3 });
    try {
      await rejectsWithCode(s.putIfMatch(key, base.etag, '6'), 'STORAGE_PRECONDITION_FAILED');
      assert.equal(puts, 2, 'the put was retried once');
      assert.equal((await readAll((await store.get(key)).body)).toString(), '6');
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  it('a conditional put that only ever gets server errors is settled by the object state', async () => {
    // Every PUT through the proxy fails (503, never forwarded): RGW does this to some CAS losers with 500s.
    const key = 'settle/cursor';
    const base = await store.put(key, 'v1');
    let puts = 0;
    const proxy = await faultProxy(target!.endpoint, (_n, req) => (req.method === 'PUT' ? (++puts, 'fail') : 'forward'));
    const s = await target!.open(prefix, { endpoint: proxy.url, maxAttempts: 2 });
    try {
      // unchanged object: a genuine outage
      await rejectsWithCode(s.putIfMatch(key, base.etag, 'v2'), 'STORAGE_UNAVAILABLE');
      // another writer moved it meanwhile: the precondition no longer holds
      await store.put(key, 'v-other');
      await rejectsWithCode(s.putIfMatch(key, base.etag, 'v2'), 'STORAGE_PRECONDITION_FAILED');
      await rejectsWithCode(s.putIfAbsent(key, 'v3'), 'STORAGE_PRECONDITION_FAILED');
      // absent key for putIfAbsent: still an outage, nothing was written
      await rejectsWithCode(s.putIfAbsent('settle/absent', 'x'), 'STORAGE_UNAVAILABLE');
      assert.equal(await store.head('settle/absent'), undefined);
      assert.ok(puts >= 4);
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  it('openStore with the standard AWS environment reaches the server', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, target!.env);
      const cfg = loadConfig({ storage: target!.url(prefix) });
      const s = await openStore(cfg.storage, cfg);
      assert.equal(s.description, `s3://${target!.bucket}/${prefix.replace(/\/$/, '')}`);
      await s.put('env/x', 'via env');
      assert.equal((await readAll((await store.get('env/x')).body)).toString(), 'via env');
      await s.close?.();
    } finally {
      for (const k of Object.keys(target!.env)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
