/**
 * `package-storage serve --seed-samples` as a child process (what `npm start` runs): seeds an empty store with
 * the packages of samples/ (built, signed with a key generated beside the store, published, indexed), serves
 * them, and does not seed again on the next start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function startServe(args: string[], opts: { host?: boolean } = {}): Promise<{ url: string; pid: number; stop: () => Promise<number | null>; stderr: () => string }> {
  const host = opts.host === false ? [] : ['--host', '127.0.0.1'];
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'serve', ...host, '--port', '0', ...args], {
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

test('serve --trusted-keys <folder of keys generate>: /api/v1/keys serves the public key only, and loading private.asc warns', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'serve-keys-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const keys = path.join(dir, 'keys');
  // exactly what the README and `serve --help` show: keys generate --out-dir keys, then --trusted-keys keys/
  const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'keys', 'generate', '--name', 'Key Test', '--email', 'k@example.com', '--out-dir', keys], { cwd: REPO, encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const fingerprint = gen.stdout.trim();
  assert.match(await readFile(path.join(keys, 'private.asc'), 'utf8'), /BEGIN PGP PRIVATE KEY BLOCK/);
  const s = await startServe(['--storage', path.join(dir, 'data'), '--trusted-keys', keys]);
  try {
    const r = await fetch(`${s.url}/api/v1/keys`);
    assert.equal(r.status, 200);
    const body = await r.text();
    assert.doesNotMatch(body, /PRIVATE/, 'a private key block was served');
    assert.match(body, /BEGIN PGP PUBLIC KEY BLOCK/);
    const { describeKeys } = await import('../src/signing/index.js');
    assert.deepEqual((await describeKeys(body)).map((k) => k.fingerprint), [fingerprint], 'the trusted key, once');
    assert.match(s.stderr(), /PRIVATE key/, `no warning about private.asc in the log:\n${s.stderr()}`);
  } finally {
    assert.equal(await s.stop(), 0, s.stderr());
  }
});

test('npm start (the demo) listens on 127.0.0.1 only; keys/ and build/ are git-ignored', { timeout: 180_000 }, async (t) => {
  const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } };
  // the start script's own arguments, run through tsx (dist/ may not be built), on a temp store and a free port
  const m = /^node dist\/cli\/main\.js (.*)$/.exec(pkg.scripts.start);
  assert.ok(m, `unexpected start script: ${pkg.scripts.start}`);
  const args = m[1]!.split(/\s+/);
  assert.equal(args[0], 'serve');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'serve-start-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const s = await startServe([...args.slice(1), '--storage', path.join(dir, 'data')], { host: false });
  try {
    // the address the listening socket is bound to, as the kernel reports it (fastify's URL says 127.0.0.1 either way)
    const port = Number(new URL(s.url).port);
    if (!existsSync('/proc/net/tcp')) t.diagnostic('no /proc/net/tcp: bound address not checked');
    else {
      const bound: string[] = [];
      for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
        const text = await readFile(f, 'utf8').catch(() => '');
        for (const line of text.split('\n').slice(1)) {
          const [, local, , state] = line.trim().split(/\s+/);
          if (state === '0A' && local && Number.parseInt(local.split(':')[1]!, 16) === port) bound.push(local.split(':')[0]!);
        }
      }
      assert.deepEqual(bound, ['0100007F'], `npm start's listening socket is bound to ${bound.join(', ')} (0100007F = 127.0.0.1)`);
    }
  } finally {
    await s.stop();
  }
  const ignored = spawnSync('git', ['check-ignore', '-q', '--no-index', 'keys/private.asc'], { cwd: REPO }).status;
  assert.equal(ignored, 0, 'keys/ is not git-ignored');
  assert.equal(spawnSync('git', ['check-ignore', '-q', '--no-index', 'build/hello_logs-1.2.0.zip'], { cwd: REPO }).status, 0, 'build/ is not git-ignored');
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
  const workers: number[] = [];
  try {
    workers.push(...childrenOf(s.pid));
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
