/**
 * Faults: a stream of publishes (distinct small generated packages; CLI `publish --skip-verify` child
 * processes writing the store directly, and some through the registry's HTTP endpoint) while a controller
 * SIGKILLs publishers and the registry (`serve`) at random moments. Records which publishes were
 * ACKNOWLEDGED (exit 0 + "published"/"already published" line), then checks the invariants listed in README.md ("Invariants, and where they are tested"):
 *
 * - after every kill, cursor.json points to a readable, parseable revision, whose entries all have documents;
 * - every acknowledged publish is in the final index and served by a freshly started registry;
 * - no orphan document: every v2/packages/*.json has its zip and static files;
 * - `gc --dry-run --grace 0s` never lists a published version;
 * - every failure that was not a kill is a clean refusal with a catalog code.
 *
 * Size: RELIABILITY_CYCLES publisher runs (default 100), RELIABILITY_PUBLISHERS in parallel (default 2).
 * Replay a run with RELIABILITY_SEED (printed). The S3 variant runs only with RELIABILITY_S3=1 (it starts its
 * own Ceph RGW on separate ports; see s3-faults in this file).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { ERROR_CATALOG, isPsError } from '../src/errors.js';
import { KEYS, entryKey, parseDocumentKey, type SearchIndexAll, type CursorFile } from '../src/index/format.js';
import { buildZip } from '../src/package/build.js';
import { REPO, SEED, envInt, makePackage, prng, recordFigures, runCli, sleep, spawnCli, startServe, type CliResult, type ServeProcess } from './helpers.js';

const CYCLES = envInt('RELIABILITY_CYCLES', 100);
const PUBLISHERS = envInt('RELIABILITY_PUBLISHERS', 2);
const TOKEN = 'reliability-token';

let work = '';
before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-rel-faults-'));
});
after(async () => {
  if (work && !process.env.RELIABILITY_KEEP) await rm(work, { recursive: true, force: true });
});

async function readText(store: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await store.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The index loads: cursor.json (if any) parses and names a revision whose search-index-all.json parses,
 * and every entry of it has its document. Returns the indexed keys (empty when nothing is indexed yet).
 */
export async function checkIndexLoads(store: ObjectStore, label: string): Promise<Set<string>> {
  const head = await store.head(KEYS.cursor);
  if (!head) return new Set();
  const cur = JSON.parse(await readText(store, KEYS.cursor)) as CursorFile;
  assert.equal(typeof cur.current, 'string', `${label}: cursor.json has no current: ${JSON.stringify(cur)}`);
  let all: SearchIndexAll;
  try {
    all = JSON.parse(await readText(store, KEYS.indexAll(cur.current))) as SearchIndexAll;
  } catch (e) {
    if (isPsError(e) && e.code !== 'STORAGE_NOT_FOUND') throw e; // the store is unreachable: not a verdict
    assert.fail(`${label}: cursor ${cur.current} does not point to a readable revision: ${(e as Error).message}`);
  }
  assert.ok(Array.isArray(all.packages), `${label}: revision ${cur.current} has no packages array`);
  const keys = new Set<string>();
  for (const e of all.packages) {
    const k = entryKey(e.package_manifest);
    keys.add(k);
    const nv = e.package_manifest;
    assert.ok(await store.head(KEYS.document(nv.name, nv.version)), `${label}: the index holds ${k} but its document is missing`);
  }
  return keys;
}

/** Run a check; while the store is unreachable (S3 server stopped by the fault loop) retry for up to 60 s. */
async function whenReachable<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof assert.AssertionError || Date.now() - t0 > 60_000) throw e;
      await sleep(500);
    }
  }
}

/** No orphan document: each has its zip and its static manifest. Returns the documented keys. */
export async function checkNoOrphans(store: ObjectStore, label: string): Promise<Set<string>> {
  const all = new Set((await store.list('')).objects.map((o) => o.key));
  const docs = new Set<string>();
  for (const k of all) {
    const nv = parseDocumentKey(k);
    if (!nv) continue;
    docs.add(entryKey(nv));
    assert.ok(all.has(KEYS.zip(nv.name, nv.version)), `${label}: orphan document ${k} (no zip)`);
    assert.ok(all.has(KEYS.staticFile(nv.name, nv.version, 'manifest.yml')), `${label}: document ${k} without its static files`);
  }
  return docs;
}

/** `gc --dry-run --grace 0s` must not list any version that has a document or was acknowledged. */
async function checkGcDryRun(storage: string, acked: Set<string>, docs: Set<string>, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const r = await runCli(['gc', '--storage', storage, '--dry-run', '--grace', '0s'], env);
  assert.equal(r.code, 0, `gc --dry-run failed: ${r.stdout}${r.stderr}`);
  const listed = [...r.stdout.matchAll(/^would remove (\S+)$/gm)].map((m) => m[1]!).filter((x) => !/^\d+$/.test(x));
  for (const nv of listed) {
    assert.ok(!acked.has(nv), `gc --dry-run lists the acknowledged version ${nv}`);
    assert.ok(!docs.has(nv), `gc --dry-run lists the published version ${nv}`);
  }
  return listed.length;
}

/** A refusal is clean when the publisher printed `refused <arg>: CODE message` with a catalog code. */
function cleanRefusal(r: CliResult): string | undefined {
  const m = /^refused \S+: ([A-Z_]+) /m.exec(r.stdout) ?? /^error ([A-Z_]+):/m.exec(r.stdout + r.stderr);
  return m && m[1]! in ERROR_CATALOG ? m[1] : undefined;
}

interface Pkg {
  zip: string;
  key: string;
  name: string;
  version: string;
}

interface FaultRunOptions {
  storage: string;
  env?: NodeJS.ProcessEnv;
  cycles: number;
  /** Called between cycles by a third controller loop (e.g. stop/start the S3 server). */
  extraFault?: (rand: () => number, stopping: () => boolean) => Promise<void>;
  label: string;
  /** Probability that a publisher gets a SIGKILL (default 0.5). */
  killProbability?: number;
}

async function faultRun(o: FaultRunOptions) {
  const rand = prng(SEED);
  const env = o.env ?? {};
  const pkgRoot = path.join(work, `${o.label}-pkgs`);
  const zips = path.join(work, `${o.label}-zips`);
  let made = 0;
  const newPkg = async (): Promise<Pkg> => {
    const i = made++;
    const name = `rel_${o.label.replace(/\W/g, '')}_${i % 5}`;
    const version = `1.${Math.floor(i / 5)}.${i % 7}`;
    const z = await buildZip(await makePackage(pkgRoot, name, version), `${zips}/`);
    return { zip: z.file, key: `${z.name}-${z.version}`, name: z.name, version: z.version };
  };

  const store = await openStore(o.storage, loadConfig({ storage: o.storage }));
  const acked = new Set<string>();
  const pending: Pkg[] = []; // killed or failed, not acknowledged yet: retried later
  const stats = { cycles: 0, publisherKills: 0, registryKills: 0, acked: 0, httpPublishes: 0, cleanFailures: 0, indexChecks: 0, registryStartFailures: 0, recoveredByRetry: 0, ackedUnderFaults: 0, codes: {} as Record<string, number> };
  let registry: ServeProcess | undefined;
  let stopping = false;

  const afterKill = async (what: string) => {
    stats.indexChecks++;
    await whenReachable(() => checkIndexLoads(store, `after killing ${what}`));
  };
  /** Start a registry; with a store that can be down (S3 faults), retry until it starts. */
  const start = async (args: string[]) => {
    for (let i = 0; ; i++) {
      try {
        return await startServe(o.storage, args, env);
      } catch (e) {
        stats.registryStartFailures++;
        if (!o.extraFault || i >= 20) throw e;
        await sleep(1000);
      }
    }
  };

  // Measure one unkilled publish, to aim the kills inside the publisher's lifetime.
  registry = await start(['--publish-token', TOKEN, '--allow-unsigned']);
  const first = await newPkg();
  const t0 = performance.now();
  const r0 = await runCli(['publish', first.zip, '--storage', o.storage, '--skip-verify'], env);
  const publishMs = performance.now() - t0;
  assert.equal(r0.code, 0, `first publish failed: ${r0.stdout}${r0.stderr}`);
  acked.add(first.key);

  const publisherLoop = async () => {
    while (stats.cycles < o.cycles) {
      stats.cycles++;
      const pkg = pending.length > 0 && rand() < 0.4 ? pending.splice(Math.floor(rand() * pending.length), 1)[0]! : await newPkg();
      const viaHttp = registry !== undefined && rand() < 0.3;
      const args = viaHttp ? ['publish', pkg.zip, '--registry', registry!.url, '--token', TOKEN] : ['publish', pkg.zip, '--storage', o.storage, '--skip-verify'];
      if (viaHttp) stats.httpPublishes++;
      const run = spawnCli(args, env);
      const killAt = rand() < (o.killProbability ?? 0.5) ? (0.15 + rand()) * publishMs : undefined;
      const timer = killAt === undefined ? undefined : setTimeout(() => run.child.kill('SIGKILL'), killAt);
      const r = await run.done;
      if (timer) clearTimeout(timer);
      const ok = r.code === 0 && new RegExp(`^(published|already published) ${pkg.key}\\b`, 'm').test(r.stdout);
      if (ok) {
        acked.add(pkg.key);
        continue;
      }
      pending.push(pkg);
      if (r.signal === 'SIGKILL') {
        stats.publisherKills++;
        await afterKill(`a publisher of ${pkg.key}`);
        continue;
      }
      // Not killed by us: it failed on its own (the registry or the store went away under it): must be clean.
      const code = cleanRefusal(r);
      assert.ok(code && code !== 'INTERNAL', `publish of ${pkg.key} failed without a clear error code (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      stats.cleanFailures++;
      stats.codes[code] = (stats.codes[code] ?? 0) + 1;
    }
  };

  const registryLoop = async () => {
    while (!stopping) {
      await sleep(1500 + rand() * 4000);
      if (stopping) break;
      const reg = registry!;
      registry = undefined;
      await reg.kill();
      stats.registryKills++;
      await afterKill('the registry');
      await sleep(rand() * 500);
      registry = await start(['--publish-token', TOKEN, '--allow-unsigned']);
    }
  };

  const loops = Array.from({ length: PUBLISHERS }, () => publisherLoop());
  const reg = registryLoop();
  const extra = o.extraFault ? o.extraFault(rand, () => stopping) : Promise.resolve();
  try {
    await Promise.all(loops);
  } finally {
    stopping = true;
    await reg;
    await extra;
    await registry?.kill();
  }

  // ---- recovery: every publish that was killed or failed completes when simply run again ----
  stats.ackedUnderFaults = acked.size;
  const recovered = pending.splice(0);
  if (recovered.length > 0) {
    await whenReachable(() => checkIndexLoads(store, 'before recovery'));
    const r = await runCli(['publish', ...recovered.map((p) => p.zip), '--storage', o.storage, '--skip-verify'], env);
    assert.equal(r.code, 0, `re-running the ${recovered.length} unacknowledged publishes failed:\n${r.stdout}\n${r.stderr}`);
    for (const p of recovered) {
      assert.match(r.stdout, new RegExp(`^(published|already published) ${p.key}\\b`, 'm'), `retry of ${p.key}`);
      acked.add(p.key);
    }
  }
  stats.recoveredByRetry = recovered.length;

  // ---- final checks ----
  const indexed = await checkIndexLoads(store, 'final');
  const docs = await checkNoOrphans(store, 'final');
  for (const k of acked) assert.ok(indexed.has(k), `acknowledged publish ${k} is not in the final index`);
  const gcListed = await checkGcDryRun(o.storage, acked, docs, env);

  const fresh = await start([]);
  try {
    const res = await fetch(`${fresh.url}/search?all=true&prerelease=true`);
    assert.equal(res.status, 200);
    const served = new Set(((await res.json()) as { name: string; version: string }[]).map((p) => `${p.name}-${p.version}`));
    for (const k of acked) assert.ok(served.has(k), `acknowledged publish ${k} is not served by /search of a fresh registry`);
    for (const k of acked) {
      const nv = parseDocumentKey(`v2/packages/${k}.json`)!;
      const p = await fetch(`${fresh.url}/package/${nv.name}/${nv.version}/`);
      assert.equal(p.status, 200, `/package/${nv.name}/${nv.version}/ of an acknowledged publish`);
      await p.arrayBuffer();
    }
  } finally {
    await fresh.stop();
  }
  await store.close?.();
  stats.acked = acked.size;
  assert.equal(acked.size, made, 'every generated package ends up published (directly or by a retry)');
  const figures = { seed: SEED, publishers: PUBLISHERS, publishMs: Math.round(publishMs), ...stats, documents: docs.size, indexed: indexed.size, gcDryRunListed: gcListed };
  await recordFigures(o.label, figures);
  return figures;
}

test(`faults: ${CYCLES} publisher cycles with SIGKILLs of publishers and the registry (fs store)`, { timeout: 20 * 60_000 }, async () => {
  const f = await faultRun({ storage: path.join(work, 'store'), cycles: CYCLES, label: 'faults-fs' });
  assert.ok(f.cycles >= CYCLES, 'ran every cycle');
  assert.ok(f.publisherKills > 0, 'some publishers were killed');
  assert.ok(f.registryKills > 0, 'the registry was killed');
  assert.ok(f.ackedUnderFaults > 1, 'some publishes were acknowledged while the faults went on');
  assert.equal(f.registryStartFailures, 0, 'the registry always started');
});

// ---------------------------------------------------------------------------------------------------------
// The same on S3 while the S3 server is stopped (SIGKILL) and restarted. It needs its OWN Ceph RGW, so that
// stopping it breaks nobody else's tests: started with scripts/ceph-s3.sh on RELIABILITY_S3_PORT (default
// 7490, monitor on 3310) in .tmp/ceph-rel. Runs when RELIABILITY_S3=1, or when PACKAGE_STORAGE_TEST_S3_ENDPOINT
// is set (S3 is configured for the run) and radosgw is installed.

const S3_PORT = envInt('RELIABILITY_S3_PORT', 7490);
const S3_CYCLES = envInt('RELIABILITY_S3_CYCLES', 40);
const s3Wanted = process.env.RELIABILITY_S3 === '1' || (process.env.PACKAGE_STORAGE_TEST_S3_ENDPOINT !== undefined && process.env.RELIABILITY_S3 !== '0');
const s3Skip = !s3Wanted
  ? 'S3 faults skipped: set RELIABILITY_S3=1 (or PACKAGE_STORAGE_TEST_S3_ENDPOINT) to start an own Ceph RGW on port 7490 and stop/restart it during publishes'
  : !existsSync('/usr/bin/radosgw')
    ? 'S3 faults skipped: radosgw is not installed (scripts/install-system-deps.sh)'
    : false;

test(`faults on S3: ${S3_CYCLES} publisher cycles while the S3 server (own Ceph RGW) is killed and restarted`, { skip: s3Skip, timeout: 30 * 60_000 }, async () => {
  const dir = path.join(REPO, '.tmp/ceph-rel');
  const endpoint = `http://127.0.0.1:${S3_PORT}`;
  const up = await runCmd('bash', [path.join(REPO, 'scripts/ceph-s3.sh'), 'start', dir, String(S3_PORT)]);
  assert.equal(up.code, 0, `could not start the own RGW: ${up.out}`);
  const bucket = 'package-storage-test';
  const env = { AWS_ACCESS_KEY_ID: 'AKTEST', AWS_SECRET_ACCESS_KEY: 'SKTEST', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint, PACKAGE_STORAGE_S3_ENDPOINT: endpoint };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env); // the in-process checks open the same store
  const rgwPid = async () => Number((await readFile(path.join(dir, 'run/client.rgw.pid'), 'utf8')).trim());
  const answers = async () => fetch(endpoint, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer().then(() => true), () => false);
  let outages = 0;
  try {
    const f = await faultRun({
      storage: `s3://${bucket}/reliability/faults-${Date.now().toString(36)}/`,
      env,
      cycles: S3_CYCLES,
      label: 'faults-s3',
      killProbability: 0.3,
      extraFault: async (rand, stopping) => {
        while (!stopping()) {
          await sleep(3000 + rand() * 5000);
          if (stopping()) break;
          process.kill(await rgwPid(), 'SIGKILL'); // only our own RGW, by its recorded pid
          outages++;
          await sleep(500 + rand() * 2500);
          const r = await runCmd('radosgw', ['-c', path.join(dir, 'ceph.conf'), '-n', 'client.rgw']);
          assert.equal(r.code, 0, `radosgw did not restart: ${r.out}`);
          for (let i = 0; i < 240 && !(await answers()); i++) await sleep(250);
        }
      },
    });
    await recordFigures('faults-s3', { ...f, s3Outages: outages });
    assert.ok(outages > 0, 'the S3 server was stopped at least once');
    assert.ok(f.acked > 1, 'publishes were acknowledged (under faults or by a retry after them)');
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    await runCmd('bash', [path.join(REPO, 'scripts/ceph-s3.sh'), 'stop', dir]);
  }
});

function runCmd(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}
