/**
 * `package-storage serve --seed-samples` as a child process (what `npm start` runs): seeds an empty store with
 * the packages of samples/ (built, signed with a key generated beside the store, published, indexed), serves
 * them, and does not seed again on the next start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function startServe(args: string[]): Promise<{ url: string; pid: number; stop: () => Promise<number | null>; stderr: () => string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: REPO,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    p.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${err}`)));
  });
  return {
    url,
    pid: p.pid!,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        p.once('exit', (code) => resolve(code));
        p.kill('SIGTERM');
      }),
  };
}

test('serve --seed-samples seeds an empty store once, signs with a key kept outside the store', { timeout: 180_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'serve-seed-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const storage = path.join(dir, 'data');
  const s = await startServe(['--storage', storage, '--seed-samples']);
  try {
    const names = (await (await fetch(`${s.url}/search`)).json()) as { name: string; version: string; signature_path?: string }[];
    assert.deepEqual(names.map((p) => `${p.name}-${p.version}`), ['hello_logs-1.2.0', 'login_audit-1.0.0', 'web_pulse-0.3.0']);
    assert.ok(names.every((p) => p.signature_path), 'samples are signed');
    const pre = (await (await fetch(`${s.url}/search?prerelease=true`)).json()) as { name: string }[];
    assert.equal(pre.length, 4);
    const keys = await (await fetch(`${s.url}/api/v1/keys`)).text();
    assert.match(keys, /BEGIN PGP PUBLIC KEY BLOCK/);
    assert.doesNotMatch(keys, /PRIVATE/);
    const zip = await fetch(`${s.url}/epr/hello_logs/hello_logs-1.2.0.zip`);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get('content-type'), 'application/zip');
  } finally {
    assert.equal(await s.stop(), 0, s.stderr());
  }
  const priv = path.join(`${storage}-keys`, 'private.asc');
  assert.ok(existsSync(priv));
  assert.equal(statSync(priv).mode & 0o077, 0, 'private key readable by its owner only');
  const inStore = await readdir(storage, { recursive: true });
  assert.ok(!inStore.some((f) => String(f).endsWith('.asc')), 'no key inside the served store');

  // second start: nothing seeded again (same versions, same zip bytes)
  const s2 = await startServe(['--storage', storage, '--seed-samples']);
  try {
    const again = (await (await fetch(`${s2.url}/search?prerelease=true`)).json()) as unknown[];
    assert.equal(again.length, 4);
  } finally {
    await s2.stop();
  }
});

/** Pids of the live child processes of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

test('serve --workers 2: two registry processes share the port, each with its own catalog; SIGTERM stops all', { timeout: 180_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'serve-workers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const storage = path.join(dir, 'data');
  const s = await startServe(['--storage', storage, '--seed-samples', '--workers', '2']);
  let workers: number[] = [];
  try {
    workers = childrenOf(s.pid);
    assert.equal(workers.length, 2, `two worker processes under the primary: ${workers.join(', ')}`);
    for (let i = 0; i < 40; i++) {
      const r = await fetch(`${s.url}/search`, { headers: { connection: 'close' } });
      assert.equal(r.status, 200);
      const names = (await r.json()) as { name: string }[];
      assert.equal(names.length, 3, 'every worker serves the whole (seeded once) catalog');
    }
  } finally {
    assert.equal(await s.stop(), 0, s.stderr());
  }
  for (const w of workers) assert.ok(!existsSync(`/proc/${w}/stat`) || readFileSync(`/proc/${w}/stat`, 'utf8').includes(') Z '), `worker ${w} stopped`);
});
