// A real registry for the UI e2e test: a fresh FsStore seeded through the real publish pipeline
// (publishPackage: build, sign, validate, write-once; then runIndexer), served by the real `package-storage serve`
// (child process, tsx), which registers the UI plugin under /app/.
//
// Seeded subset (publishing is fsync-bound, ~0.3-0.6 s a version here; the whole test must stay under two minutes):
// the latest UI_E2E_VERSIONS (default 1) versions of every package in the v1 corpus, plus all three versions of
// `awsfargate` (it has screenshots) for the versions table: 76 of 469 versions by default. UI_E2E_VERSIONS=all
// seeds all of them. Six of these latest versions are `release: experimental`, so the prerelease toggle matters.
// Also the four packages of samples/, copied with their `owner.type` set to elastic, partner, community and
// community (the corpus predates owner types), so the owner badges and filter have all three kinds.
// Publish times: the package documents of `backdate` packages get a known last-modified time (their newest version
// `daysAgo` days ago, each older one 10 days before the next), so the UI's dates can be checked to the day.
// The registry trusts the signing key (`--trusted-keys`), so /api/v1/keys serves it.
// UI_E2E_BASE_URL=http://host:port runs the test against an already running registry instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface UiRegistry {
  baseUrl: string;
  /** The armored public key the registry trusts (undefined for an external registry). */
  publicKey?: string;
  /** `name-version` → the document time set by `backdate` (ms since epoch). */
  documentTimes?: Map<string, number>;
  /** How many package versions were seeded (undefined for an external registry). */
  seeded?: number;
  seedMs?: number;
  close(): Promise<void>;
}

/** Why the real pipeline cannot run yet (a module not built), or undefined when it can. */
export async function pipelineMissing(): Promise<string | undefined> {
  if (process.env.UI_E2E_BASE_URL) return undefined;
  for (const m of ['../../src/publish/index.js', '../../src/index/indexer.js', '../../src/storage/index.js']) {
    try {
      await import(m);
    } catch (e) {
      return `${m.replace('../../', '')} is not importable yet: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return undefined;
}

function semverCmp(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return a.includes('-') === b.includes('-') ? (a < b ? -1 : a > b ? 1 : 0) : a.includes('-') ? -1 : 1;
}

/** The corpus versions to seed: the newest `perPackage` of each package (all when perPackage is Infinity). */
async function pickVersions(corpus: string, perPackage: number, extra: Record<string, number> = {}): Promise<string[]> {
  const dirs: string[] = [];
  for (const name of (await readdir(corpus)).sort()) {
    const versions = (await readdir(path.join(corpus, name))).filter((v) => /^\d+\.\d+\.\d+/.test(v)).sort(semverCmp);
    const n = Math.max(perPackage, extra[name] ?? 0);
    for (const v of versions.slice(Math.max(0, versions.length - n))) dirs.push(path.join(corpus, name, v));
  }
  return dirs;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`registry exited with ${child.exitCode}:\n${output()}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`registry not ready at ${url} after ${timeoutMs} ms:\n${output()}`);
}

/** Owner types given to the copies of samples/ (issue 17: badges and the owner filter). */
export const SAMPLE_OWNERS: Record<string, string> = { hello_logs: 'elastic', login_audit: 'partner', queue_watch: 'community', web_pulse: 'community' };

async function ownedSamples(tmp: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, type] of Object.entries(SAMPLE_OWNERS)) {
    const dst = path.join(tmp, 'samples', name);
    await cp(path.join(repo, 'samples', name), dst, { recursive: true });
    const mf = path.join(dst, 'manifest.yml');
    const text = await readFile(mf, 'utf8');
    const next = text.replace(/^(owner:\n(?: {2}.*\n)*? {2}type: )\S+/m, `$1${type}`);
    if (next === text && !text.includes(`type: ${type}`)) throw new Error(`samples/${name}/manifest.yml: no owner.type to set`);
    await writeFile(mf, next);
    out.push(dst);
  }
  return out;
}

export async function startUiRegistry(o: { corpus: string; backdate?: { name: string; daysAgo: number }[] }): Promise<UiRegistry> {
  if (process.env.UI_E2E_BASE_URL) return { baseUrl: process.env.UI_E2E_BASE_URL.replace(/\/$/, ''), close: async () => {} };

  const { publishPackage } = await import('../../src/publish/index.js');
  const { runIndexer, mapLimit } = await import('../../src/index/indexer.js');
  const { openStore } = await import('../../src/storage/index.js');
  const openpgp = await import('openpgp');

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ui-e2e-'));
  const storeDir = path.join(tmp, 'store');
  const store = await openStore(storeDir);
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'UI e2e', email: 'ui-e2e@example.test' }] });

  const env = process.env.UI_E2E_VERSIONS ?? '1';
  const dirs = [...(await pickVersions(o.corpus, env === 'all' ? Infinity : Math.max(1, Number(env) || 1), { awsfargate: 3 })), ...(await ownedSamples(tmp))];
  const t0 = performance.now();
  const refused: string[] = [];
  // Publishing is bound by the store's fsyncs, not CPU: 6 at a time is ~3x faster than 2 here.
  await mapLimit(dirs, 6, async (dir) => {
    try {
      await publishPackage(store, { dir }, { legacy: true, skipVerify: true, signingKey: { armored: privateKey }, index: false, wait: false });
    } catch (e) {
      refused.push(`${path.relative(o.corpus, dir)}: ${(e as Error).message}`);
    }
  });
  if (refused.length > dirs.length / 2) throw new Error(`publishing the corpus mostly failed:\n${refused.slice(0, 10).join('\n')}`);
  if (refused.length) console.log(`# ui-e2e: ${refused.length} corpus versions refused by publish:\n# ${refused.join('\n# ')}`);
  await runIndexer(store);
  const seedMs = Math.round(performance.now() - t0);
  // Backdate package documents (the store's last-modified time is the publish time the UI shows).
  const documentTimes = new Map<string, number>();
  const docDir = path.join(storeDir, 'v2/packages');
  const docs = await readdir(docDir);
  for (const b of o.backdate ?? []) {
    const versions = docs.filter((f) => f.startsWith(`${b.name}-`) && f.endsWith('.json')).map((f) => f.slice(b.name.length + 1, -5)).sort(semverCmp).reverse();
    if (versions.length === 0) throw new Error(`backdate: ${b.name} was not published`);
    versions.forEach((v, i) => {
      const t = Date.now() - (b.daysAgo + 10 * i) * 86_400_000;
      documentTimes.set(`${b.name}-${v}`, t);
    });
  }
  for (const [k, t] of documentTimes) await utimes(path.join(docDir, `${k}.json`), new Date(t), new Date(t));
  await store.close?.();
  const keyFile = path.join(tmp, 'trusted.asc');
  await writeFile(keyFile, publicKey);

  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli/main.ts'), 'serve', '--storage', storeDir, '--host', '127.0.0.1', '--port', String(port), '--trusted-keys', keyFile], {
    cwd: repo,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${baseUrl}/health`, child, () => out);
    const app = await fetch(`${baseUrl}/app/`);
    if (app.status !== 200) {
      throw new Error(`the registry answers ${app.status} on /app/: it must register the UI plugin (registerUi from src/ui/plugin.ts)`);
    }
  } catch (e) {
    child.kill('SIGTERM');
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    baseUrl,
    publicKey,
    documentTimes,
    seeded: dirs.length - refused.length,
    seedMs,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
