/**
 * Publish → visible: a registry polling a store sees a package published by another process (here: the
 * publish pipeline writing the same store) within its poll interval, and a package published over HTTP
 * (POST /api/v1/packages) at once. Also the HTTP endpoint's 201/200/409/422 answers.
 * Uses the real publish pipeline, real fs store, real zips built from samples/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = path.join(REPO, 'samples');

async function pipelineMissing(): Promise<string | false> {
  try {
    await import('../src/publish/index.js');
    return false;
  } catch (e) {
    return `publish pipeline not importable yet: ${(e as Error).message.split('\n')[0]}`;
  }
}
const missing = await pipelineMissing();

test('a package published into the store is visible in /search after the next poll', { skip: missing, timeout: 120_000 }, async (t) => {
  const { openStore } = await import('../src/storage/index.js');
  const { publishPackage } = await import('../src/publish/index.js');
  const { createRegistry } = await import('../src/registry/server.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reg-pub-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(dir);
  const reg = await createRegistry({ store, pollIntervalMs: 100, ui: false, requestLogs: false });
  t.after(() => reg.close());
  await reg.watcher.start();
  assert.equal((await reg.app.inject('/search')).body, '[]\n');

  const out = await publishPackage(store, { dir: path.join(SAMPLES, 'hello_logs') }, { skipVerify: true });
  const t0 = performance.now();
  let seen = false;
  while (!seen && performance.now() - t0 < 30_000) {
    const r = await reg.app.inject('/search?package=hello_logs');
    seen = r.body.includes(`"version": "${out.version}"`);
    if (!seen) await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(seen, 'published package never showed up in /search');
  t.diagnostic(`visible ${Math.round(performance.now() - t0)} ms after publishPackage returned (poll interval 100 ms)`);
});

test('HTTP publish: 201, visible at once, 200 same bytes, 409 other bytes, 422 invalid, 401/403', { skip: missing, timeout: 120_000 }, async (t) => {
  const { openStore } = await import('../src/storage/index.js');
  const { publishZipFile } = await import('../src/publish/index.js');
  const { buildZip } = await import('../src/package/build.js');
  const { createRegistry } = await import('../src/registry/server.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reg-http-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(path.join(dir, 'store'));
  const reg = await createRegistry({
    store,
    pollIntervalMs: 60_000,
    ui: false,
    requestLogs: false,
    publishTokens: ['tok'],
    publish: (zip, sig) => publishZipFile(store, zip, sig, { skipVerify: true }),
  });
  t.after(() => reg.close());
  await reg.watcher.start();

  const built = await buildZip(path.join(SAMPLES, 'web_pulse'), path.join(dir, 'out'));
  const post = async (zip: Buffer, token = 'tok') => {
    const form = new FormData();
    form.append('package', new Blob([zip], { type: 'application/zip' }), 'p.zip');
    const req = new Request('http://x/api/v1/packages', { method: 'POST', body: form });
    const body = Buffer.from(await req.arrayBuffer());
    return reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: body, headers: { 'content-type': req.headers.get('content-type')!, authorization: `Bearer ${token}` } });
  };
  const zip = await readFile(built.file);
  let r = await post(zip);
  assert.equal(r.statusCode, 201, r.body);
  assert.equal((JSON.parse(r.body) as { status: string }).status, 'published');
  r = await reg.app.inject('/search?package=web_pulse');
  assert.match(r.body, /"version": "0.3.0"/, 'visible right after the POST returned');
  r = await reg.app.inject('/epr/web_pulse/web_pulse-0.3.0.zip');
  assert.ok(r.rawPayload.equals(zip));

  r = await post(zip);
  assert.equal(r.statusCode, 200);
  assert.equal((JSON.parse(r.body) as { status: string }).status, 'already-published');

  // same version, other bytes
  const copy = path.join(dir, 'copy');
  await cp(path.join(SAMPLES, 'web_pulse'), copy, { recursive: true });
  await writeFile(path.join(copy, 'docs/README.md'), '# Web Pulse\n\nChanged.\n');
  const other = await buildZip(copy, path.join(dir, 'out2'));
  r = await post(await readFile(other.file));
  assert.equal(r.statusCode, 409, r.body);
  assert.equal((JSON.parse(r.body) as { code: string }).code, 'VERSION_EXISTS');

  r = await post(Buffer.from('not a zip'));
  assert.equal(r.statusCode, 422, r.body);

  r = await post(zip, 'wrong');
  assert.equal(r.statusCode, 403);
});

test('publish --registry client against a listening registry (multipart over a real socket)', { skip: missing, timeout: 120_000 }, async (t) => {
  const { openStore } = await import('../src/storage/index.js');
  const { publishZipFile } = await import('../src/publish/index.js');
  const { publishViaRegistry } = await import('../src/publish/client.js');
  const { createRegistry } = await import('../src/registry/server.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reg-client-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(dir);
  const reg = await createRegistry({ store, pollIntervalMs: 60_000, ui: false, requestLogs: false, publishTokens: ['t0k'], publish: (zip, sig) => publishZipFile(store, zip, sig, { skipVerify: true }) });
  t.after(() => reg.close());
  await reg.watcher.start();
  const url = await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const out = await publishViaRegistry(url, 't0k', path.join(SAMPLES, 'login_audit'));
  assert.equal(out.status, 'published');
  const res = await fetch(`${url}/search?package=login_audit`);
  assert.match(await res.text(), /"version": "1.0.0"/);
  await assert.rejects(publishViaRegistry(url, undefined, path.join(SAMPLES, 'login_audit')), /UNAUTHORIZED|401|token/i);
});

test('HTTP publish verifies signatures against the trusted keys (raw zip body + X-Package-Signature)', { skip: missing, timeout: 120_000 }, async (t) => {
  const { openStore } = await import('../src/storage/index.js');
  const { publishZipFile } = await import('../src/publish/index.js');
  const { buildZip } = await import('../src/package/build.js');
  const { generateKeyPair, signDetached, keyringFromArmored } = await import('../src/signing/index.js');
  const { createRegistry } = await import('../src/registry/server.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reg-sig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(path.join(dir, 'store'));
  const trusted = await generateKeyPair({ name: 'Trusted', email: 'trusted@example.com' });
  const stranger = await generateKeyPair({ name: 'Stranger', email: 'stranger@example.com' });
  const keyring = await keyringFromArmored([trusted.publicKey]);
  const reg = await createRegistry({
    store,
    pollIntervalMs: 60_000,
    ui: false,
    requestLogs: false,
    publishTokens: ['tok'],
    trustedKeys: keyring,
    publish: (zip, sig) => publishZipFile(store, zip, sig, { keyring }),
  });
  t.after(() => reg.close());
  await reg.watcher.start();
  const built = await buildZip(path.join(SAMPLES, 'queue_watch'), path.join(dir, 'out'));
  const zip = await readFile(built.file);
  const send = (sig: string | undefined) =>
    reg.app.inject({
      method: 'POST',
      url: '/api/v1/packages',
      payload: zip,
      headers: { 'content-type': 'application/zip', authorization: 'Bearer tok', ...(sig ? { 'x-package-signature': Buffer.from(sig).toString('base64') } : {}) },
    });
  let r = await send(await signDetached(built.file, stranger.privateKey));
  assert.equal(r.statusCode, 422, r.body);
  assert.equal((JSON.parse(r.body) as { code: string }).code, 'SIGNATURE_UNKNOWN_KEY');
  r = await send(undefined);
  assert.equal(r.statusCode, 422);
  assert.equal((JSON.parse(r.body) as { code: string }).code, 'SIGNATURE_MISSING');
  r = await send(await signDetached(built.file, trusted.privateKey));
  assert.equal(r.statusCode, 201, r.body);
  r = await reg.app.inject('/search?prerelease=true&package=queue_watch');
  assert.match(r.body, /"signature_path": "\/epr\/queue_watch\/queue_watch-2.0.0-beta1.zip.sig"/);
  r = await reg.app.inject('/api/v1/keys');
  assert.equal(r.body, trusted.publicKey);
});
