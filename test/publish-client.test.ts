/**
 * `publish --registry`: the client uploads a zip and its signature to a registry's POST /api/v1/packages,
 * which runs the publish pipeline; the outcome (published / already published / refused with the
 * pipeline's error code) comes back to the client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { isPsError } from '../src/errors.js';
import { publishZipFile } from '../src/publish/index.js';
import { publishViaRegistry } from '../src/publish/client.js';
import { buildZip } from '../src/package/build.js';
import { generateKeyPair, signDetached, loadKeyring } from '../src/signing/index.js';
import { createRegistry, type Registry } from '../src/registry/server.js';
import { corpusMissing, corpusPicks, rawZip } from './helpers/publish.js';

let work = '';
let store: ObjectStore;
let reg: Registry;
let url = '';
let zip = '';
let key = '';

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-client-'));
  const kp = await generateKeyPair({ name: 'Client Test', email: 'client@example.com' });
  await writeFile(path.join(work, 'public.asc'), kp.publicKey);
  const keyring = await loadKeyring(path.join(work, 'public.asc'));
  const [p] = corpusPicks(1);
  const z = await buildZip(p!.dir, path.join(work, 'zips'));
  await writeFile(`${z.file}.sig`, await signDetached(z.file, kp.privateKey));
  zip = z.file;
  key = `${z.name}-${z.version}`;
  store = await openStore(path.join(work, 'store'));
  reg = await createRegistry({
    store,
    pollIntervalMs: 0,
    ui: false,
    requestLogs: false,
    publishTokens: ['s3cret'],
    publish: (file, sig) => publishZipFile(store, file, sig, { keyring, legacy: true }),
  });
  await reg.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(reg.app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await reg?.close();
  await store?.close?.();
  if (work) await rm(work, { recursive: true, force: true });
});

test('publish through the registry: published, then already published, then visible', { skip: corpusMissing }, async () => {
  const r1 = await publishViaRegistry(url, 's3cret', zip);
  assert.equal(r1.status, 'published');
  assert.equal(`${r1.name}-${r1.version}`, key);
  assert.match(r1.cursor ?? '', /^\d{20}$/);
  const r2 = await publishViaRegistry(url, 's3cret', zip);
  assert.equal(r2.status, 'already-published');
  const name = key.slice(0, key.indexOf('-'));
  const found = (await (await fetch(`${url}/search?package=${name}&all=true&prerelease=true`)).json()) as { version: string }[];
  assert.ok(found.some((f) => `${name}-${f.version}` === key), JSON.stringify(found));
});

test('refusals come back with the pipeline\'s error code', { skip: corpusMissing }, async () => {
  await assert.rejects(publishViaRegistry(url, 'wrong', zip), (e: unknown) => isPsError(e, 'FORBIDDEN'));
  const bad = path.join(work, 'bad.zip');
  await writeFile(bad, rawZip([{ name: 'x-1.0.0/' }, { name: 'x-1.0.0/../../evil', data: Buffer.from('x') }]));
  await assert.rejects(publishViaRegistry(url, 's3cret', bad), (e: unknown) => isPsError(e, 'ZIP_PATH_INVALID'));
  await assert.rejects(publishViaRegistry(url, 's3cret', path.join(work, 'missing.zip')), (e: unknown) => isPsError(e, 'NOT_FOUND'));
});
