/**
 * An upstream registry for the mirror and proxy tests: our own registry, in this process, on loopback, over a
 * store seeded with v1 corpus versions (legacy mode) signed with a key generated for the test.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/storage/index.js';
import type { ObjectStore } from '../../src/storage/types.js';
import { publishPackage } from '../../src/publish/index.js';
import { runIndexer, mapLimit } from '../../src/index/indexer.js';
import { generateKeyPair, loadKeyring, type Keyring } from '../../src/signing/index.js';
import { createRegistry, type Registry, type RegistryOptions } from '../../src/registry/server.js';
import { CORPUS } from './publish.js';

export interface TestKey {
  publicFile: string;
  privateArmored: string;
  keyring: Keyring;
}

export async function makeKey(dir: string, name = 'Upstream'): Promise<TestKey> {
  const kp = await generateKeyPair({ name, email: `${name.toLowerCase()}@example.com` });
  const publicFile = path.join(dir, `${name.toLowerCase()}-public.asc`);
  await writeFile(publicFile, kp.publicKey);
  return { publicFile, privateArmored: kp.privateKey, keyring: await loadKeyring(publicFile) };
}

/** Publish `name/version` folders of the v1 corpus into `store` (signed with `key`), then index once. */
async function seedCorpus(store: ObjectStore, versions: string[], key: TestKey): Promise<void> {
  await mapLimit(versions, 2, async (nv) => {
    await publishPackage(store, { dir: path.join(CORPUS, nv) }, { legacy: true, signingKey: { armored: key.privateArmored }, keyring: key.keyring, index: false });
  });
  await runIndexer(store);
}

export interface RunningRegistry {
  url: string;
  store: ObjectStore;
  dir: string;
  reg: Registry;
  close(): Promise<void>;
}

/** Serve `dir` (a local store) on 127.0.0.1 with a random port. `beforeListen` can add hooks to the app. */
export async function serveStore(dir: string, extra: Partial<RegistryOptions> = {}, beforeListen?: (r: Registry) => void): Promise<RunningRegistry> {
  const store = await openStore(dir);
  const reg = await createRegistry({ store, pollIntervalMs: 0, requestLogs: false, ui: false, ...extra });
  await reg.watcher.start();
  beforeListen?.(reg);
  const url = await reg.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    store,
    dir,
    reg,
    close: async () => {
      await reg.close();
      await store.close?.();
    },
  };
}

export async function startUpstream(versions: string[], key: TestKey, beforeListen?: (r: Registry) => void): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-upstream-'));
  const store = await openStore(dir);
  await seedCorpus(store, versions, key);
  await store.close?.();
  return serveStore(dir, {}, beforeListen);
}

/** GET a URL: status, headers and body bytes. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const r = await fetch(url, { headers, redirect: 'manual' });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}
