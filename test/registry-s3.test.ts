/**
 * The registry on an S3 store (a real Ceph RGW): artifacts stream from S3 with Range and conditional requests
 * (in-process registry over S3Store), and `serve --storage s3://... --public-url <base>` (a child process, the
 * store reached through the standard AWS_* variables) answers zip/sig downloads with a 302 to
 * `<base>/artifacts/packages/{n}-{v}.zip[.sig]` — the object's key in the bucket — instead of proxying.
 * Skipped (with how to start Ceph) when no S3 test server answers; fails if PACKAGE_STORAGE_TEST_S3_ENDPOINT is
 * set but nothing answers (CI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { KEYS } from '../src/index/format.js';
import { publishPackage } from '../src/publish/index.js';
import { createRegistry } from '../src/registry/server.js';
import { generateKeyPair } from '../src/signing/index.js';
import { s3TestTarget, S3_SKIP_MESSAGE } from '../src/storage/s3-testing.js';
import { REPO } from './helpers/publish.js';

const s3 = await s3TestTarget();
const skip = s3 ? false : S3_SKIP_MESSAGE;

async function readAll(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

test('registry on S3: zip, signature and static files stream from the bucket with Range and conditionals; --public-url redirects', { skip, timeout: 120_000 }, async (t) => {
  const target = s3!;
  const prefix = target.freshPrefix('registry');
  t.after(() => target.emptyPrefix(prefix));
  const store = await target.open(prefix);
  t.after(() => store.close?.());
  const key = await generateKeyPair({ name: 'Registry S3 Test', email: 'registry-s3@example.com' });
  const out = await publishPackage(store, { dir: path.join(REPO, 'samples/hello_logs') }, { skipVerify: true, signingKey: { armored: key.privateKey } });
  assert.equal(out.status, 'published');
  const { name, version } = out;
  const zip = await readAll((await store.get(KEYS.zip(name, version))).body);
  const sig = (await readAll((await store.get(KEYS.sig(name, version))).body)).toString('utf8');
  assert.ok(zip.length > 100);
  assert.match(sig, /BEGIN PGP SIGNATURE/);

  await t.test('streaming with Range (in-process registry over S3Store)', async () => {
    const reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false });
    try {
      await reg.watcher.start();
      const zipPath = `/epr/${name}/${name}-${version}.zip`;
      let r = await reg.app.inject(zipPath);
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/zip');
      assert.equal(Number(r.headers['content-length']), zip.length);
      assert.ok(r.rawPayload.equals(zip), 'the whole zip, byte for byte');
      const etag = r.headers.etag as string;
      assert.ok(etag);

      r = await reg.app.inject({ url: zipPath, headers: { range: 'bytes=0-9' } });
      assert.equal(r.statusCode, 206);
      assert.equal(r.headers['content-range'], `bytes 0-9/${zip.length}`);
      assert.equal(Number(r.headers['content-length']), 10);
      assert.ok(r.rawPayload.equals(zip.subarray(0, 10)), 'first 10 bytes');
      assert.ok(r.rawPayload.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')));

      const mid = Math.floor(zip.length / 2);
      r = await reg.app.inject({ url: zipPath, headers: { range: `bytes=${mid}-${mid + 99}` } });
      assert.equal(r.statusCode, 206);
      assert.ok(r.rawPayload.equals(zip.subarray(mid, mid + 100)), 'a range from the middle');
      r = await reg.app.inject({ url: zipPath, headers: { range: 'bytes=-22' } });
      assert.equal(r.statusCode, 206);
      assert.ok(r.rawPayload.equals(zip.subarray(zip.length - 22)), 'suffix range (the end of central directory)');
      r = await reg.app.inject({ url: zipPath, headers: { range: `bytes=${zip.length + 10}-` } });
      assert.equal(r.statusCode, 416);

      r = await reg.app.inject({ url: zipPath, headers: { 'if-none-match': etag } });
      assert.equal(r.statusCode, 304);

      r = await reg.app.inject(`${zipPath}.sig`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.body, sig);

      // a static file extracted to the bucket, and a range of it
      r = await reg.app.inject(`/package/${name}/${version}/docs/README.md`);
      assert.equal(r.statusCode, 200);
      const readme = r.rawPayload;
      r = await reg.app.inject({ url: `/package/${name}/${version}/docs/README.md`, headers: { range: 'bytes=2-6' } });
      assert.equal(r.statusCode, 206);
      assert.ok(r.rawPayload.equals(readme.subarray(2, 7)));

      // raw bucket paths too
      r = await reg.app.inject({ url: `/${KEYS.zip(name, version)}`, headers: { range: 'bytes=0-9' } });
      assert.equal(r.statusCode, 206);
      assert.ok(r.rawPayload.equals(zip.subarray(0, 10)));
    } finally {
      await reg.close();
    }
  });

  await t.test('serve --storage s3://... --public-url: 302 to the object in the public bucket / CDN', async () => {
    const base = `${target.endpoint}/${target.bucket}/${prefix}`.replace(/\/+$/, '');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'serve', '--storage', target.url(prefix), '--host', '127.0.0.1', '--port', '0', '--public-url', base],
      { cwd: REPO, env: { ...process.env, ...target.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        void exited.then((c) => reject(new Error(`serve exited (${c}):\n${stderr}`)));
      });
      for (const [p, k] of [
        [`/epr/${name}/${name}-${version}.zip`, KEYS.zip(name, version)],
        [`/epr/${name}/${name}-${version}.zip.sig`, KEYS.sig(name, version)],
      ] as const) {
        const r = await fetch(`${url}${p}`, { redirect: 'manual' });
        assert.equal(r.status, 302, p);
        assert.equal(r.headers.get('location'), `${base}/${k}`, `${p} redirects to the object's key under the public base`);
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
        await r.arrayBuffer();
        // the redirect target is the very object the registry would have streamed
        const inBucket = await readAll((await store.get(k)).body);
        assert.ok(inBucket.equals(k.endsWith('.sig') ? Buffer.from(sig) : zip));
      }
      const missing = await fetch(`${url}/epr/${name}/${name}-9.9.9.zip`, { redirect: 'manual' });
      assert.equal(missing.status, 404, 'unknown versions are answered by the registry, not redirected');
      await missing.arrayBuffer();
      // everything else is still served by the registry itself
      const doc = await fetch(`${url}/package/${name}/${version}/`);
      assert.equal(doc.status, 200);
      assert.equal(((await doc.json()) as { name: string }).name, name);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    }
  });
});
