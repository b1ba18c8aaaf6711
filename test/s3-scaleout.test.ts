/**
 * Scale-out on one S3 bucket (a real Ceph RGW): TWO registry processes (`serve --storage s3://...`) and FOUR
 * publisher processes (`publish --storage s3://... --skip-verify`) at once on one fresh prefix.
 *
 *  - every acknowledged publish ("published n-v" on a publisher's stdout) shows up in BOTH registries' /search;
 *  - no publish is lost (every generated package is acknowledged and visible at the end);
 *  - no registry ever serves a half state: while the publishers run, both registries are polled continuously;
 *    the set of versions in `/search?all=true&prerelease=true` only grows, and every version that appears has
 *    its `/package/{n}/{v}/` document, its zip (the exact published bytes) and its README at once.
 *
 * The publishers also race on one package name (`so_shared`, one version each), so concurrent index
 * revisions touch the same entry. Skipped (with how to start Ceph) when no S3 test server answers; fails if
 * PACKAGE_STORAGE_TEST_S3_ENDPOINT is set but nothing answers (CI). Figures go to the test's diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildZip } from '../src/package/build.js';
import { s3TestTarget, S3_SKIP_MESSAGE, type S3TestTarget } from '../src/storage/s3-testing.js';
import { REPO } from './helpers/publish.js';

const PUBLISHERS = 4;
/** Own packages per publisher (plus one version of the shared package each). */
const PER_PUBLISHER = Number(process.env.SCALEOUT_PER_PUBLISHER ?? 4);
/** Sanity cap for everything to become visible after the last acknowledgement (not a performance assertion). */
const VISIBLE_CAP_MS = 60_000;

const s3: S3TestTarget | undefined = await s3TestTarget();

interface Pkg {
  key: string;
  name: string;
  version: string;
  zip: string;
  sha256: string;
}

/** A small valid package: samples/hello_logs under another name and version. */
async function makePackage(work: string, name: string, version: string): Promise<Pkg> {
  const dir = path.join(work, 'src', `${name}-${version}`);
  await cp(path.join(REPO, 'samples/hello_logs'), dir, { recursive: true });
  const mf = path.join(dir, 'manifest.yml');
  const text = (await readFile(mf, 'utf8'))
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^version: .*$/m, `version: ${version}`)
    .replace(/^title: .*$/m, `title: Scaleout ${name}`);
  await writeFile(mf, text);
  const cl = path.join(dir, 'changelog.yml');
  await writeFile(cl, `- version: "${version}"\n  changes:\n    - description: Generated for the scale-out test.\n      type: enhancement\n      link: https://github.com/elastic/package-storage/pull/1\n`);
  const z = await buildZip(dir, path.join(work, 'zips'));
  assert.equal(`${z.name}-${z.version}`, `${name}-${version}`);
  return { key: `${name}-${version}`, name, version, zip: z.file, sha256: z.sha256 };
}

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnCli(args: string[], env: Record<string, string>, onLine?: (line: string) => void): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    let i;
    while ((i = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, i);
      partial = partial.slice(i + 1);
      onLine?.(line);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function startRegistry(url: string, env: Record<string, string>): Promise<{ proc: Proc; base: string }> {
  let resolveUrl!: (u: string) => void;
  const listening = new Promise<string>((r) => (resolveUrl = r));
  const proc = spawnCli(['serve', '--storage', url, '--host', '127.0.0.1', '--port', '0', '--poll-interval', '200'], env, (line) => {
    const m = /listening on (http:\/\/\S+)/.exec(line);
    if (m) resolveUrl(m[1]!);
  });
  const base = await Promise.race([
    listening,
    proc.exited.then((code) => {
      throw new Error(`serve exited (${code}) before listening:\n${proc.stderr()}`);
    }),
  ]);
  return { proc, base };
}

async function stopProc(p: Proc): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  return p.exited;
}

interface SearchItem {
  name: string;
  version: string;
  download: string;
  path: string;
}

/**
 * Polls one registry until stopped: records when each version first appears, checks that the set only grows
 * and that each new version is complete (document, zip bytes, README). Violations are collected, not thrown.
 */
function monitor(label: string, base: string, pkgs: Map<string, Pkg>) {
  const firstSeen = new Map<string, number>();
  const violations: string[] = [];
  let polls = 0;
  let stopped = false;
  let prev = new Set<string>();
  const check = async (it: SearchItem) => {
    const key = `${it.name}-${it.version}`;
    const pkg = pkgs.get(key);
    if (!pkg) return void violations.push(`${label}: unexpected version ${key} in /search`);
    const doc = await fetch(`${base}/package/${it.name}/${it.version}/`);
    const docBody = await doc.text();
    if (doc.status !== 200) return void violations.push(`${label}: /package/${it.name}/${it.version}/ → ${doc.status} while listed in /search`);
    const d = JSON.parse(docBody) as { name: string; version: string; download: string; readme?: string };
    if (d.name !== it.name || d.version !== it.version) violations.push(`${label}: document of ${key} names ${d.name}-${d.version}`);
    if (it.download !== `/epr/${it.name}/${key}.zip`) violations.push(`${label}: ${key} download path ${it.download}`);
    const zip = await fetch(`${base}${it.download}`);
    const bytes = Buffer.from(await zip.arrayBuffer());
    if (zip.status !== 200) return void violations.push(`${label}: ${it.download} → ${zip.status} while listed in /search`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== pkg.sha256) violations.push(`${label}: ${it.download} served other bytes (${bytes.length} B, sha256 ${sha})`);
    if (d.readme) {
      const r = await fetch(`${base}${d.readme}`);
      const text = await r.text();
      if (r.status !== 200 || !text.startsWith('#')) violations.push(`${label}: ${d.readme} → ${r.status} while listed in /search`);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      let items: SearchItem[];
      try {
        const r = await fetch(`${base}/search?all=true&prerelease=true`);
        if (r.status !== 200) {
          violations.push(`${label}: /search → ${r.status}`);
          await new Promise((res) => setTimeout(res, 50));
          continue;
        }
        items = (await r.json()) as SearchItem[];
      } catch (e) {
        violations.push(`${label}: /search failed: ${(e as Error).message}`);
        await new Promise((res) => setTimeout(res, 50));
        continue;
      }
      const now = performance.now();
      polls++;
      const cur = new Set(items.map((i) => `${i.name}-${i.version}`));
      if (cur.size !== items.length) violations.push(`${label}: duplicate versions in /search`);
      for (const k of prev) if (!cur.has(k)) violations.push(`${label}: ${k} disappeared from /search (${prev.size} → ${cur.size} versions)`);
      const fresh = items.filter((i) => !prev.has(`${i.name}-${i.version}`));
      for (const i of fresh) if (!firstSeen.has(`${i.name}-${i.version}`)) firstSeen.set(`${i.name}-${i.version}`, now);
      await Promise.all(fresh.map(check));
      prev = cur;
    }
  })();
  return {
    firstSeen,
    violations,
    polls: () => polls,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

test('two registries and four publishers on one S3 bucket: every publish visible on both, no half state', { skip: s3 ? false : S3_SKIP_MESSAGE, timeout: 300_000 }, async (t) => {
  const target = s3!;
  const prefix = target.freshPrefix('scaleout');
  const url = target.url(prefix);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ps-scaleout-'));
  const procs: Proc[] = [];
  t.after(async () => {
    await Promise.all(procs.map(stopProc));
    await rm(work, { recursive: true, force: true });
    await target.emptyPrefix(prefix);
  });

  // the packages: each publisher has its own names, and one version of the shared name
  const batches: Pkg[][] = [];
  for (let p = 0; p < PUBLISHERS; p++) {
    const batch: Pkg[] = [];
    for (let i = 0; i < PER_PUBLISHER; i++) batch.push(await makePackage(work, `so_p${p}_${i}`, `1.${i}.0`));
    batch.splice(p % (PER_PUBLISHER + 1), 0, await makePackage(work, 'so_shared', `1.0.${p}`));
    batches.push(batch);
  }
  const all = new Map(batches.flat().map((p) => [p.key, p]));

  const regs = await Promise.all([startRegistry(url, target.env), startRegistry(url, target.env)]);
  procs.push(...regs.map((r) => r.proc));
  for (const r of regs) assert.equal(await (await fetch(`${r.base}/search`)).text(), '[]\n', 'fresh prefix: empty catalog');
  const mons = regs.map((r, i) => monitor(`registry ${i + 1}`, r.base, all));

  // four publisher processes at once; each acknowledgement is timestamped when its line arrives
  const acked = new Map<string, number>();
  const publishMs: number[] = [];
  const t0 = performance.now();
  const pubs = batches.map((batch) =>
    spawnCli(['publish', ...batch.map((p) => p.zip), '--storage', url, '--skip-verify'], target.env, (line) => {
      const m = /^published (\S+) \(cursor \d+, (\d+) ms\)$/.exec(line);
      if (m) {
        acked.set(m[1]!, performance.now());
        publishMs.push(Number(m[2]));
      }
    }),
  );
  procs.push(...pubs);
  const codes = await Promise.all(pubs.map((p) => p.exited));
  const tPublished = performance.now();
  for (const [i, code] of codes.entries()) assert.equal(code, 0, `publisher ${i + 1} failed:\n${pubs[i]!.stdout()}${pubs[i]!.stderr()}`);
  assert.deepEqual([...acked.keys()].sort(), [...all.keys()].sort(), 'every package was acknowledged exactly as published');

  // every acknowledged publish shows up on both registries (sanity cap only)
  const visibleOnBoth = () => [...acked.keys()].every((k) => mons.every((m) => m.firstSeen.has(k)));
  while (!visibleOnBoth() && performance.now() - tPublished < VISIBLE_CAP_MS) await new Promise((r) => setTimeout(r, 50));
  const tVisible = performance.now();
  await Promise.all(mons.map((m) => m.stop()));
  for (const [i, m] of mons.entries()) {
    const missing = [...acked.keys()].filter((k) => !m.firstSeen.has(k));
    assert.deepEqual(missing, [], `registry ${i + 1} never listed these acknowledged publishes within ${VISIBLE_CAP_MS / 1000} s`);
  }
  assert.deepEqual([...mons[0]!.violations, ...mons[1]!.violations], [], 'no registry served a half state');

  // final state, read again: both registries list exactly the published set, latest so_shared is 1.0.3
  for (const r of regs) {
    const items = (await (await fetch(`${r.base}/search?all=true&prerelease=true`)).json()) as SearchItem[];
    assert.deepEqual(items.map((i) => `${i.name}-${i.version}`).sort(), [...all.keys()].sort());
    const shared = (await (await fetch(`${r.base}/search?package=so_shared`)).json()) as SearchItem[];
    assert.deepEqual(shared.map((i) => i.version), [`1.0.${PUBLISHERS - 1}`]);
  }

  // figures: acknowledgement → listed on both registries (poll interval 200 ms)
  const lags = [...acked].map(([k, at]) => Math.max(...mons.map((m) => m.firstSeen.get(k)!)) - at).sort((a, b) => a - b);
  const pct = (q: number) => Math.round(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!);
  publishMs.sort((a, b) => a - b);
  t.diagnostic(
    `${all.size} publishes by ${PUBLISHERS} processes in ${Math.round(tPublished - t0)} ms (spawn included); all visible on both registries ` +
      `${Math.round(tVisible - t0)} ms after start; ack→visible-on-both median ${pct(0.5)} ms, max ${Math.round(lags[lags.length - 1]!)} ms; ` +
      `one publish (write + index + wait, as printed) median ${publishMs[publishMs.length >> 1]} ms, max ${publishMs[publishMs.length - 1]} ms; ` +
      `polls ${mons.map((m) => m.polls()).join('/')}`,
  );
  for (const r of regs) assert.equal(await stopProc(r.proc), 0, `registry exited non-zero:\n${r.proc.stderr()}`);
});
