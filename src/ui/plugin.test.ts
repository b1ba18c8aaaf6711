// The UI plugin over HTTP (fastify inject): app shell and assets, and the integrity endpoint computed from a
// store holding a real zip and a real OpenPGP detached signature (made with openpgp.js here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import * as openpgp from 'openpgp';
import { KEYS } from '../index/format.js';
import { PsError } from '../errors.js';
import { openStore } from '../storage/index.js';
import type { ObjectInfo, ObjectStore } from '../storage/types.js';
import { registerUi, signatureIssuer } from './plugin.js';

/** A minimal in-memory store, used only while the fs backend (issue 2) is not built. */
function memoryStore(): ObjectStore {
  const m = new Map<string, { body: Buffer; info: ObjectInfo }>();
  const info = (key: string, body: Buffer): ObjectInfo => ({
    key, size: body.length, etag: createHash('md5').update(body).digest('hex'), lastModified: new Date(),
  });
  const toBuf = async (b: unknown): Promise<Buffer> => {
    if (typeof b === 'string') return Buffer.from(b);
    if (b instanceof Uint8Array) return Buffer.from(b);
    const parts: Buffer[] = [];
    for await (const c of b as Readable) parts.push(Buffer.from(c as Buffer));
    return Buffer.concat(parts);
  };
  const store: ObjectStore = {
    description: 'memory',
    async get(key) {
      const o = m.get(key);
      if (!o) throw new PsError('STORAGE_NOT_FOUND', key);
      return { info: o.info, body: Readable.from([o.body]) };
    },
    async head(key) { return m.get(key)?.info; },
    async list(prefix) {
      return { objects: [...m.values()].map((o) => o.info).filter((i) => i.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1)), prefixes: [] };
    },
    async put(key, body) { const b = await toBuf(body); const i = info(key, b); m.set(key, { body: b, info: i }); return i; },
    async putIfAbsent(key, body) { if (m.has(key)) throw new PsError('STORAGE_PRECONDITION_FAILED', key); return store.put(key, body); },
    async putIfMatch(key, etag, body) { if (m.get(key)?.info.etag !== etag) throw new PsError('STORAGE_PRECONDITION_FAILED', key); return store.put(key, body); },
    async delete(key) { m.delete(key); },
  };
  return store;
}

let tmp: string;
let app: FastifyInstance;
let store: ObjectStore;
let fingerprint: string;
const zipBytes = Buffer.from('PK\u0003\u0004 not really a zip, but bytes are bytes');

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ui-plugin-'));
  try {
    store = await openStore(path.join(tmp, 'store'));
  } catch {
    store = memoryStore();
  }
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'UI Test', email: 'ui@example.test' }], format: 'object' });
  fingerprint = publicKey.getFingerprint().toUpperCase();
  const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: zipBytes }), signingKeys: privateKey, detached: true, format: 'armored' });
  await store.put(KEYS.zip('demo', '1.2.3'), zipBytes);
  await store.put(KEYS.sig('demo', '1.2.3'), signature as string);
  await store.put(KEYS.zip('nosig', '0.1.0'), zipBytes);

  const uiDir = path.join(tmp, 'ui');
  await mkdir(path.join(uiDir, 'assets'), { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>');
  await writeFile(path.join(uiDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  app = Fastify();
  await registerUi(app, { store, uiDir });
  await app.ready();
});

after(async () => {
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

test('serves the app shell for /app, /app/ and client routes, with a strict CSP', async () => {
  for (const url of ['/app', '/app/', '/app/packages/demo', '/app/packages/demo/1.2.3?x=1']) {
    const r = await app.inject(url);
    assert.equal(r.statusCode, 200, url);
    assert.match(r.headers['content-type'] as string, /^text\/html/);
    assert.match(r.body, /<div id="root">/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(r.headers['content-security-policy'] as string, /default-src 'self'/);
  }
});

test('serves hashed assets immutable, answers 304 to a matching ETag, and 404 for unknown assets', async () => {
  const r = await app.inject('/app/assets/index-abc123.js');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /javascript/);
  assert.match(r.headers['cache-control'] as string, /immutable/);
  const again = await app.inject({ url: '/app/assets/index-abc123.js', headers: { 'if-none-match': r.headers.etag as string } });
  assert.equal(again.statusCode, 304);
  assert.equal((await app.inject('/app/assets/index-old.js')).statusCode, 404);
});

test('integrity: sha256, size and the issuer fingerprint of the detached signature', async () => {
  const r = await app.inject('/api/v1/ui/packages/demo/1.2.3/integrity');
  assert.equal(r.statusCode, 200, r.body);
  const j = r.json();
  assert.equal(j.sha256, createHash('sha256').update(zipBytes).digest('hex'));
  assert.equal(j.size, zipBytes.length);
  assert.equal(j.signature.fingerprint, fingerprint);
  assert.equal(j.signature.keyId, fingerprint.slice(-16));
  // second call comes from the cache and is identical
  assert.deepEqual((await app.inject('/api/v1/ui/packages/demo/1.2.3/integrity')).json(), j);
});

test('integrity: null signature when there is no .sig; 404 for an unknown package; 400 for a bad version', async () => {
  const r = await app.inject('/api/v1/ui/packages/nosig/0.1.0/integrity');
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().signature, null);
  assert.equal((await app.inject('/api/v1/ui/packages/ghost/1.0.0/integrity')).statusCode, 404);
  assert.equal((await app.inject('/api/v1/ui/packages/demo/1.2/integrity')).statusCode, 400);
  assert.equal((await app.inject('/api/v1/ui/packages/Bad-Name/1.0.0/integrity')).statusCode, 400);
});

test('signatureIssuer rejects garbage with SIGNATURE_MALFORMED', async () => {
  await assert.rejects(signatureIssuer('not a signature'), (e: unknown) => e instanceof PsError && e.code === 'SIGNATURE_MALFORMED');
});

test('without a built UI, /app/ answers 503 with a hint', async () => {
  const a = Fastify({ logger: false });
  await registerUi(a, { store, uiDir: path.join(tmp, 'missing') });
  const r = await a.inject('/app/');
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run build/);
  await a.close();
});
