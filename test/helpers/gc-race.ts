/**
 * The gc-vs-publish race of issue 12 (item 2), shared by `test/publish-gc-race.test.ts` and the longer
 * `reliability/gc-race.test.ts`: an old crashed publish has left its zip, .sig and static files but no
 * document; its retry and `gc` run at the same time. Whatever the interleaving, a publish that reports success
 * must find every object its document points to.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { ObjectStore } from '../../src/storage/types.js';
import { KEYS } from '../../src/index/format.js';
import { collectGarbage } from '../../src/publish/gc.js';
import { publishPackage, isStaticPath } from '../../src/publish/index.js';
import { buildZip } from '../../src/package/build.js';
import { openZip } from '../../src/package/zip.js';
import { generateKeyPair, signDetached, keyringFromArmored, type Keyring } from '../../src/signing/index.js';
import { REPO } from './publish.js';

export interface RaceFixture {
  zip: string;
  name: string;
  version: string;
  keyring: Keyring;
  /** Every key a published version of it points to: zip, .sig, static files. */
  objects: string[];
}

/** A signed zip of samples/<sample> in a temp folder. */
export async function raceFixture(sample = 'hello_logs'): Promise<RaceFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-gc-race-'));
  const kp = await generateKeyPair({ name: 'Race', email: 'race@example.com' });
  const built = await buildZip(path.join(REPO, 'samples', sample), dir);
  await writeFile(`${built.file}.sig`, await signDetached(built.file, kp.privateKey));
  const src = await openZip(built.file);
  const statics = src.entries().filter((e) => e.type === 'file' && isStaticPath(e.path)).map((e) => KEYS.staticFile(built.name, built.version, e.path));
  await src.close();
  return {
    zip: built.file,
    name: built.name,
    version: built.version,
    keyring: await keyringFromArmored([kp.publicKey]),
    objects: [KEYS.zip(built.name, built.version), KEYS.sig(built.name, built.version), ...statics],
  };
}

export interface RaceFigures {
  iterations: number;
  /** Iterations where the publish reported success (published / already-published). */
  succeeded: number;
  /** Iterations where gc removed at least one object of the version. */
  gcRemoved: number;
  /** Iterations where the publish found a gc claim and waited for it. */
  publishWaited: number;
  /** Iterations where the publish put back objects a gc had removed. */
  publishRestored: number;
  /** Successful publishes that did not find every object afterwards (must be 0). */
  broken: { iteration: number; status: string; missing: string[] }[];
  /** Publishes that failed (any error: the invariant only concerns successes). */
  failed: { iteration: number; error: string }[];
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run `iterations` rounds on `store`: leave a crashed publish behind (all objects, no document), then start its
 * retry and a gc with no grace period at random offsets of each other, and check the outcome.
 */
export async function runGcRace(store: ObjectStore, fx: RaceFixture, iterations: number): Promise<RaceFigures> {
  const t0 = performance.now();
  const out: RaceFigures = { iterations, succeeded: 0, gcRemoved: 0, publishWaited: 0, publishRestored: 0, broken: [], failed: [], ms: 0 };
  // what the publish did, from its own log lines
  let waited: boolean;
  let restored: boolean;
  const logger = pino({ level: 'info' }, {
    write(line: string) {
      if (line.includes('waiting for it')) waited = true;
      if (line.includes('putting it back') || line.includes('putting its objects back')) restored = true;
    },
  });
  const doc = KEYS.document(fx.name, fx.version);
  const opts = { keyring: fx.keyring, index: false, logger } as const;
  for (let i = 0; i < iterations; i++) {
    // the crashed publish: every object, no document (a publish, then its document removed)
    await store.delete(doc);
    await publishPackage(store, { zip: fx.zip }, opts);
    await store.delete(doc);
    waited = restored = false;
    const pDelay = Math.random() * 8;
    const gDelay = Math.random() * 8;
    const [p, g] = await Promise.allSettled([
      sleep(pDelay).then(() => publishPackage(store, { zip: fx.zip }, opts)),
      sleep(gDelay).then(() => collectGarbage(store, { graceMs: 0 })),
    ]);
    if (g.status === 'fulfilled' && g.value.keys.length > 0) out.gcRemoved++;
    if (waited) out.publishWaited++;
    if (restored) out.publishRestored++;
    if (g.status === 'rejected') throw g.reason;
    if (p.status === 'rejected') {
      out.failed.push({ iteration: i, error: String((p.reason as Error)?.message ?? p.reason) });
      continue;
    }
    out.succeeded++;
    const missing: string[] = [];
    if (!(await store.head(doc))) missing.push(doc);
    for (const k of fx.objects) if (!(await store.head(k))) missing.push(k);
    if (missing.length > 0) out.broken.push({ iteration: i, status: p.value.status, missing });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}
