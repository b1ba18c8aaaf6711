/**
 * `package-storage mirror` end to end, offline: the upstream is our own registry on loopback over part of the
 * v1 corpus, signed with a test key. A config with a matrix, queries and a pinned version is mirrored into a
 * fresh store and a download destination; served, the mirror answers /search and /package exactly as the
 * upstream does for the mirrored versions; every .sig is the upstream's bytes and verifies; a rerun downloads
 * nothing; a tampered upstream zip is refused with its code and writes nothing; a killed run resumes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import { KEYS } from '../src/index/format.js';
import { readCurrentIndex } from '../src/index/indexer.js';
import { verifyDetached } from '../src/signing/index.js';
import { searchUrls, parseDistributionConfig } from '../src/mirror/config.js';
import { REPO, allKeys, corpusMissing, readText, runCli } from './helpers/publish.js';
import { get, makeKey, serveStore, startUpstream, type RunningRegistry, type TestKey } from './helpers/upstream.js';

const VERSIONS = [
  ...['1.0.0', '1.0.1', '1.1.0', '1.2.0', '1.3.0', '1.4.0'].map((v) => `udp/${v}`),
  ...['1.3.1', '1.4.0', '1.4.2'].map((v) => `mattermost/${v}`),
  ...['1.0.0', '1.4.2', '1.5.0', '1.5.1'].map((v) => `keycloak/${v}`),
  ...['0.0.3', '0.1.0', '0.2.0', '0.3.1', '0.4.0', '1.1.0'].map((v) => `snort/${v}`),
];

let work = '';
let key: TestKey;
let up: RunningRegistry;
let zipDelayMs = 0;

const config = (address: string, dest: string) => `# Elastic's distribution format
address: "${address}"
matrix:
  - kibana.version: 7.17.0
  - kibana.version: 8.5.0
queries:
  - {}
  - package: snort
    prerelease: true
    all: true
packages:
  - name: keycloak
    version: 1.0.0
actions:
  - print: {}
  - download:
      destination: ${dest}
`;

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-mirror-e2e-'));
  key = await makeKey(work);
  up = await startUpstream(VERSIONS, key, (r) => {
    r.app.addHook('onRequest', async (req) => {
      if (zipDelayMs && req.url.endsWith('.zip')) await new Promise((res) => setTimeout(res, zipDelayMs));
    });
  });
});
after(async () => {
  await up?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function summary(stdout: string): { selected: number; mirrored: number; already: number; refused: number; downloaded: string } {
  const m = /^mirror: (\d+) selected, (\d+) mirrored, (\d+) already there, (\d+) refused; (\S+ \S+) downloaded in/m.exec(stdout);
  assert.ok(m, `no summary line in:\n${stdout}`);
  return { selected: Number(m[1]), mirrored: Number(m[2]), already: Number(m[3]), refused: Number(m[4]), downloaded: m[5]! };
}

/** What the selection must be, computed from the upstream's own answers (union by name+version, plus pinned). */
async function expectedSelection(cfgText: string): Promise<string[]> {
  const ids = new Set<string>(['keycloak-1.0.0']);
  for (const u of searchUrls(parseDistributionConfig(cfgText))) {
    for (const it of JSON.parse((await get(u)).body.toString()) as { name: string; version: string }[]) ids.add(`${it.name}-${it.version}`);
  }
  return [...ids].sort();
}

test('mirror a config (matrix, queries, pinned) into a store and a destination; served, the answers equal the upstream\'s', { skip: corpusMissing, timeout: 300_000 }, async () => {
  const dir = path.join(work, 'mirror');
  const dest = path.join(work, 'flat');
  const cfgFile = path.join(work, 'distribution.yml');
  const cfgText = config(up.url, dest);
  await writeFile(cfgFile, cfgText);
  const want = await expectedSelection(cfgText);
  assert.ok(want.length >= 10, `selection too small: ${want}`);
  assert.ok(want.includes('keycloak-1.0.0') && want.includes('snort-0.0.3') && want.includes('udp-1.2.0') && want.includes('udp-1.4.0'), String(want));
  assert.ok(!want.includes('udp-1.0.0'), 'older udp versions are not selected');

  const r1 = await runCli(['mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile, '--concurrency', '2']);
  assert.equal(r1.code, 0, r1.stdout + r1.stderr);
  const s1 = summary(r1.stdout);
  assert.deepEqual(s1, { ...s1, selected: want.length, mirrored: want.length, already: 0, refused: 0 });
  // print action: the selection (name version), sorted
  const printed = r1.stdout.split('\n').filter((l) => /^[a-z0-9_]+ \d/.test(l)).map((l) => l.replace(' ', '-'));
  assert.deepEqual(printed, want);
  // the exact /search requests, and plain progress lines (stderr is not a TTY)
  const searched = r1.stderr.split('\n').filter((l) => l.startsWith('search ')).map((l) => l.split(' ')[1]!.replace(/:$/, ''));
  assert.deepEqual(searched, searchUrls(parseDistributionConfig(cfgText)));
  assert.match(r1.stderr, new RegExp(`^mirror: ${want.length}/${want.length} \\(100\\.0%\\) .* ETA 0s \\S+ mirrored$`, 'm'));

  // the store: every selected version indexed, with the upstream's signature bytes, which verify
  const store = await openStore(dir);
  const idx = await readCurrentIndex(store);
  assert.deepEqual(idx.packages.map((e) => `${e.package_manifest.name}-${e.package_manifest.version}`).sort(), want);
  for (const id of want) {
    const [n, v] = [id.slice(0, id.lastIndexOf('-')), id.slice(id.lastIndexOf('-') + 1)];
    const upSig = await readText(up.store, KEYS.sig(n, v));
    assert.equal(await readText(store, KEYS.sig(n, v)), upSig, `${id}: signature is not the upstream's`);
    const zipBytes = (await get(`${up.url}/epr/${n}/${id}.zip`)).body;
    assert.deepEqual(await readFile(path.join(dest, `${id}.zip`)), zipBytes, `${id}: flat zip differs`);
    assert.equal(await readFile(path.join(dest, `${id}.zip.sig`), 'utf8'), upSig);
    await verifyDetached((await store.get(KEYS.zip(n, v))).body, upSig, key.keyring);
  }
  assert.deepEqual((await readdir(dest)).sort(), want.flatMap((id) => [`${id}.zip`, `${id}.zip.sig`]).sort(), 'the destination holds exactly the zips and signatures');
  await store.close?.();

  // served: /search (every request of the config) and /package equal the upstream's
  const local = await serveStore(dir);
  try {
    for (const u of searchUrls(parseDistributionConfig(cfgText))) {
      const q = u.slice(up.url.length);
      assert.deepEqual(JSON.parse((await get(local.url + q)).body.toString()), JSON.parse((await get(u)).body.toString()), q);
    }
    for (const id of want) {
      const [n, v] = [id.slice(0, id.lastIndexOf('-')), id.slice(id.lastIndexOf('-') + 1)];
      const a = await get(`${local.url}/package/${n}/${v}/`);
      const b = await get(`${up.url}/package/${n}/${v}/`);
      assert.equal(a.status, 200);
      assert.deepEqual(JSON.parse(a.body.toString()), JSON.parse(b.body.toString()), id);
      assert.equal((await get(`${local.url}/epr/${n}/${id}.zip.sig`)).body.toString(), (await get(`${up.url}/epr/${n}/${id}.zip.sig`)).body.toString());
    }
  } finally {
    await local.close();
  }

  // a rerun downloads nothing
  const r2 = await runCli(['mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile]);
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.deepEqual(summary(r2.stdout), { selected: want.length, mirrored: 0, already: want.length, refused: 0, downloaded: '0 B' });
});

test('a tampered upstream zip is refused with its code and writes nothing; an untrusted key too', { skip: corpusMissing, timeout: 120_000 }, async () => {
  // flip one byte of udp-1.0.0.zip in the upstream store (the upstream's signature no longer matches)
  const zipKey = KEYS.zip('udp', '1.0.0');
  const bytes = Buffer.from((await get(`${up.url}/epr/udp/udp-1.0.0.zip`)).body);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  await up.store.put(zipKey, bytes, { contentType: 'application/zip' });
  const dir = path.join(work, 'tampered');
  const dest = path.join(work, 'tampered-flat');
  const cfgFile = path.join(work, 'tampered.yml');
  await writeFile(cfgFile, `address: ${up.url}\npackages:\n  - name: udp\n    version: 1.0.0\n  - name: udp\n    version: 1.0.1\nactions:\n  - download:\n      destination: ${dest}\n`);
  const r = await runCli(['mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^refused udp-1\.0\.0: SIGNATURE_INVALID /m);
  assert.deepEqual(summary(r.stdout), { ...summary(r.stdout), selected: 2, mirrored: 1, refused: 1 });
  const store = await openStore(dir);
  const keys = await allKeys(store);
  assert.deepEqual(keys.filter((k) => k.includes('udp-1.0.0')), [], 'nothing of the refused version is in the store');
  assert.ok(keys.includes(KEYS.document('udp', '1.0.1')), 'the other version is mirrored (one failure does not stop the rest)');
  await store.close?.();
  assert.deepEqual((await readdir(dest)).sort(), ['udp-1.0.1.zip', 'udp-1.0.1.zip.sig'], 'nothing of the refused version in the destination');

  // a key the mirror does not trust: SIGNATURE_UNKNOWN_KEY, nothing written
  const other = await makeKey(work, 'Other');
  const dir2 = path.join(work, 'untrusted');
  const r2 = await runCli(['mirror', cfgFile, '--storage', dir2, '--trusted-keys', other.publicFile]);
  assert.equal(r2.code, 1);
  assert.match(r2.stdout, /^refused udp-1\.0\.1: SIGNATURE_UNKNOWN_KEY /m);
  const s2 = await openStore(dir2);
  assert.deepEqual((await allKeys(s2)).filter((k) => k.startsWith('artifacts/') || k.startsWith('v2/packages/')), []);
  await s2.close?.();
});

test('a mirror killed in the middle resumes: the rerun mirrors only the rest', { skip: corpusMissing, timeout: 300_000 }, async () => {
  const dir = path.join(work, 'killed');
  const cfgFile = path.join(work, 'kill.yml');
  const cfgText = config(up.url, path.join(work, 'kill-flat'));
  await writeFile(cfgFile, cfgText);
  const want = await expectedSelection(cfgText);
  zipDelayMs = 300;
  let stderr = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile, '--concurrency', '1'], {
    cwd: REPO,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, sig) => resolve(sig)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if ((stderr.match(/ mirrored$/gm) ?? []).length >= 3) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('close', () => resolve());
  });
  assert.equal(await killed, 'SIGKILL', `the run finished before it was killed:\n${stderr}`);
  zipDelayMs = 0;
  const store = await openStore(dir);
  const docs = (await store.list(KEYS.documentPrefix)).objects.length;
  await store.close?.();
  assert.ok(docs >= 3 && docs < want.length, `${docs} documents after the kill`);

  const r = await runCli(['mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = summary(r.stdout);
  assert.equal(s.selected, want.length);
  assert.equal(s.refused, 0);
  assert.equal(s.already, docs, 'what was published before the kill is not downloaded again');
  assert.equal(s.mirrored, want.length - docs);
  const st = await openStore(dir);
  const idx = await readCurrentIndex(st);
  assert.deepEqual(idx.packages.map((e) => `${e.package_manifest.name}-${e.package_manifest.version}`).sort(), want);
  for (const e of idx.packages) {
    const { name, version } = e.package_manifest;
    assert.equal(await readText(st, KEYS.sig(name, version)), await readText(up.store, KEYS.sig(name, version)));
  }
  await st.close?.();
});

test('an upstream answering another (validly signed) package under a version\'s URL is refused, nothing written', { skip: corpusMissing, timeout: 120_000 }, async () => {
  // keycloak-1.4.2's path serves keycloak-1.5.0's zip and signature: the signature verifies, the content is not 1.4.2
  for (const [from, to] of [[KEYS.zip('keycloak', '1.5.0'), KEYS.zip('keycloak', '1.4.2')], [KEYS.sig('keycloak', '1.5.0'), KEYS.sig('keycloak', '1.4.2')]] as const) {
    const chunks: Buffer[] = [];
    for await (const c of (await up.store.get(from)).body) chunks.push(Buffer.from(c as Buffer));
    await up.store.put(to, Buffer.concat(chunks));
  }
  const dir = path.join(work, 'swapped');
  const cfgFile = path.join(work, 'swapped.yml');
  await writeFile(cfgFile, `address: ${up.url}\npackages:\n  - name: keycloak\n    version: 1.4.2\n`);
  const r = await runCli(['mirror', cfgFile, '--storage', dir, '--trusted-keys', key.publicFile]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^refused keycloak-1\.4\.2: PACKAGE_NAME_MISMATCH .*expected keycloak-1\.4\.2, the zip holds keycloak-1\.5\.0/m);
  const store = await openStore(dir);
  assert.deepEqual((await allKeys(store)).filter((k) => k.startsWith('artifacts/') || k.startsWith('v2/packages/')), []);
  await store.close?.();
});

test('on a terminal: a progress bar (count, bytes, rate, ETA), then the summary', { skip: corpusMissing || (!existsSync('/usr/bin/script') && 'util-linux script(1) is needed to give the command a terminal'), timeout: 120_000 }, async () => {
  const cfgFile = path.join(work, 'tty.yml');
  await writeFile(cfgFile, `address: ${up.url}\nqueries:\n  - package: mattermost\n    all: true\n`);
  const cmd = [process.execPath, '--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'mirror', cfgFile, '--storage', path.join(work, 'tty-store'), '--trusted-keys', key.publicFile].map((a) => `'${a}'`).join(' ');
  const r = await new Promise<string>((resolve, reject) => {
    const p = spawn('/usr/bin/script', ['-qfec', cmd, '/dev/null'], { cwd: REPO, env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}:\n${out}`))));
  });
  assert.match(r, /mirror \[[█░]+\] 3\/3 \| \d+(\.\d)? KiB \| [\d.]+ (B|KiB|MiB)\/s \| ETA \d+s \| mattermost-\d+\.\d+\.\d+/);
  assert.doesNotMatch(r, /^mirror: \d+\/\d+ \(/m, 'no plain progress lines on a terminal');
  assert.match(r, /mirror: 3 selected, 3 mirrored, 0 already there, 0 refused/);
});
