/**
 * Operator mistakes get their own catalog code and a hint, never INTERNAL, and never a silent local folder
 * (issue 12, items 13 and 14): storage URLs that look like a URL but are not valid ones, a port in use, a missing
 * input path, a permission error, an output folder under a file, `build --out /proc/x/` (which used to spin).
 * Through the real CLI, in a temp working folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './helpers/publish.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], cwd: string, timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    // tsx by its resolved URL: the working folder is a temp folder without node_modules
    const p = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'src/cli/main.ts'), ...args], {
      cwd,
      env: { ...process.env, PACKAGE_STORAGE_URL: undefined, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'ps-operr-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

function assertCode(r: Run, code: string, hint?: RegExp): void {
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, new RegExp(`error ${code}:`), r.stderr);
  assert.doesNotMatch(r.stderr, /INTERNAL/);
  if (hint) assert.match(r.stderr, hint);
}

test('storage URLs that look like a URL but are not valid ones are STORAGE_URL_INVALID, and no local folder appears', { timeout: 180_000 }, async (t) => {
  const cwd = await workdir(t);
  const sample = path.join(REPO, 'samples/hello_logs');
  for (const url of ['s3:/bucket/x', 's3//bucket', 's3:bucket', 'S3://bucket/x', 's3:///x', 'file:relative', 'file://otherhost/x', 'https://example.com/x']) {
    const r = await cli(['publish', sample, '--skip-verify', '--storage', url], cwd);
    assertCode(r, 'STORAGE_URL_INVALID');
    assert.deepEqual(await readdir(cwd), [], `--storage ${url} created ${(await readdir(cwd)).join(', ')}`);
  }
  // the environment variable goes through the same check
  const r = await cli(['gc', '--dry-run'], cwd, 60_000, { PACKAGE_STORAGE_URL: 's3:/b' });
  assertCode(r, 'STORAGE_URL_INVALID');
  assert.deepEqual(await readdir(cwd), []);
});

test('serve on a port in use: PORT_IN_USE with a --port / PACKAGE_STORAGE_PORT hint', { timeout: 120_000 }, async (t) => {
  const cwd = await workdir(t);
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => holder.close(() => r())));
  const port = (holder.address() as net.AddressInfo).port;
  const r = await cli(['serve', '--storage', path.join(cwd, 'data'), '--host', '127.0.0.1', '--port', String(port)], cwd);
  assertCode(r, 'PORT_IN_USE', /hint: .*--port.*PACKAGE_STORAGE_PORT/);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
});

test('missing input path, output under a file, permission denied: own codes and hints', { timeout: 180_000 }, async (t) => {
  const cwd = await workdir(t);
  const file = path.join(cwd, 'a-file');
  await writeFile(file, 'x');
  const key = path.join(cwd, 'keys');
  assert.equal((await cli(['keys', 'generate', '--name', 'Op', '--email', 'op@example.com', '--out-dir', key], cwd)).code, 0);

  assertCode(await cli(['migrate', path.join(cwd, 'no-such-v1-checkout'), '--storage', path.join(cwd, 'data'), '--key', path.join(key, 'private.asc')], cwd), 'PATH_NOT_FOUND', /hint: /);
  assertCode(await cli(['build', path.join(REPO, 'samples/hello_logs'), '--out', path.join(file, 'sub') + '/'], cwd), 'PATH_CONFLICT', /hint: .*output/);
  assertCode(await cli(['keys', 'generate', '--name', 'Op', '--email', 'op@example.com', '--out-dir', file], cwd), 'PATH_CONFLICT', /hint: /);
  assertCode(await cli(['keys', 'generate', '--name', 'Op', '--email', 'op@example.com', '--out-dir', path.join(file, 'k')], cwd), 'PATH_CONFLICT', /hint: /);
  // /sys refuses new files even to root: a permission error anyone can reproduce
  if (existsSync('/sys/kernel')) {
    assertCode(await cli(['build', path.join(REPO, 'samples/hello_logs'), '--out', '/sys/kernel/ps-test.zip'], cwd), 'PERMISSION_DENIED', /hint: /);
  } else t.diagnostic('no /sys: permission case skipped');
});

test('build --out /proc/x/ fails at once instead of spinning', { timeout: 120_000 }, async (t) => {
  if (!existsSync('/proc/self')) return t.skip('no /proc on this system');
  const cwd = await workdir(t);
  const r = await cli(['build', path.join(REPO, 'samples/hello_logs'), '--out', '/proc/ps-test-x/'], cwd, 30_000);
  assert.notEqual(r.code, null, `killed after ${r.ms} ms: build spun instead of failing`);
  assertCode(r, 'PATH_NOT_FOUND');
});
