/**
 * `package-storage serve --proxy-to <url>` as a child process: the flag, the default cache folder beside the
 * store, the upstream timeout/retry flags, and the refusal of a cache folder inside the store.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO, corpusMissing, runCli } from './helpers/publish.js';
import { get, makeKey, startUpstream, type RunningRegistry, type TestKey } from './helpers/upstream.js';

let work = '';
let key: TestKey;
let up: RunningRegistry;

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-proxy-cli-'));
  key = await makeKey(work);
  up = await startUpstream(['mattermost/1.4.2'], key);
});
after(async () => {
  await up?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('serve --proxy-to pulls through the upstream, caching beside the store', { skip: corpusMissing, timeout: 120_000 }, async () => {
  const storage = path.join(work, 'empty-store');
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'serve', '--storage', storage, '--host', '127.0.0.1', '--port', '0', '--proxy-to', up.url, '--trusted-keys', key.publicFile, '--upstream-timeout', '2000', '--upstream-retries', '1'], {
    cwd: REPO,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      p.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${err}`)));
    });
    assert.match(out, new RegExp(`proxy to ${up.url.replace(/[.]/g, '\\.')}, cache ${storage.replace(/[.]/g, '\\.')}-proxy-cache\\)`));
    const s = await get(`${url}/search`);
    assert.equal(s.status, 200);
    assert.deepEqual((JSON.parse(s.body.toString()) as { name: string }[]).map((i) => i.name), ['mattermost']);
    const z = await get(`${url}/epr/mattermost/mattermost-1.4.2.zip`);
    assert.equal(z.status, 200);
    assert.deepEqual(z.body, (await get(`${up.url}/epr/mattermost/mattermost-1.4.2.zip`)).body);
    assert.deepEqual(await readdir(path.join(`${storage}-proxy-cache`, 'artifacts')), ['mattermost-1.4.2']);
  } finally {
    p.kill('SIGTERM');
  }
});

test('a proxy cache inside the store is refused', { skip: corpusMissing, timeout: 60_000 }, async () => {
  const storage = path.join(work, 'store2');
  const r = await runCli(['serve', '--storage', storage, '--port', '0', '--proxy-to', up.url, '--proxy-cache-dir', path.join(storage, 'cache')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error CONFIG_INVALID: .*must not be inside the store/m);
  const bad = await runCli(['serve', '--storage', storage, '--port', '0', '--proxy-to', 'ftp://x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error CONFIG_INVALID: .*proxy upstream must be an http\(s\) URL/m);
});
