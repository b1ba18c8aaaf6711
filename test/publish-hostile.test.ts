/**
 * Untrusted input gets a clear error and changes nothing: crafted hostile zips, bad signatures and
 * conflicting versions go through the publish pipeline, and the store is left exactly as it was.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, cp, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { isPsError, type ErrorCode } from '../src/errors.js';
import { publishPackage } from '../src/publish/index.js';
import { buildZip } from '../src/package/build.js';
import { generateKeyPair, signDetached, loadKeyring, type Keyring } from '../src/signing/index.js';
import { allKeys, corpusMissing, corpusPicks, rawZip, runCli, type RawEntry } from './helpers/publish.js';

let work = '';
let keyring: Keyring;
let otherKey: { privateKey: string };
let trustedPrivate = '';
/** The trusted key is passphrase-protected (the CLI reads the passphrase from --passphrase-env). */
const PASS = 'correct horse battery staple';
let good: { zip: string; sig: string; key: string; dir: string };

before(async () => {
  if (corpusMissing) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-hostile-'));
  const kp = await generateKeyPair({ name: 'Hostile Test', email: 'hostile@example.com', passphrase: PASS });
  otherKey = await generateKeyPair({ name: 'Stranger', email: 'stranger@example.com' });
  trustedPrivate = kp.privateKey;
  await writeFile(path.join(work, 'public.asc'), kp.publicKey);
  keyring = await loadKeyring(path.join(work, 'public.asc'));
  const [p] = corpusPicks(1);
  const dir = path.join(work, 'pkg', `${p!.name}`);
  await cp(p!.dir, dir, { recursive: true });
  const z = await buildZip(dir, path.join(work, 'zips'));
  const sig = await signDetached(z.file, kp.privateKey, PASS);
  await writeFile(`${z.file}.sig`, sig);
  good = { zip: z.file, sig, key: `${z.name}-${z.version}`, dir };
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const R = 'evil-1.0.0/';
const manifest = Buffer.from('format_version: 1.0.0\nname: evil\ntitle: Evil\nversion: 1.0.0\ndescription: x\ntype: integration\nowner:\n  github: elastic/x\n');
const base: RawEntry[] = [{ name: R }, { name: `${R}manifest.yml`, data: manifest }, { name: `${R}docs/README.md`, data: Buffer.from('# Evil\n') }];

const CASES: { name: string; codes: ErrorCode[]; zip: () => Buffer }[] = [
  { name: 'not a zip', codes: ['ZIP_INVALID'], zip: () => Buffer.from('this is not a zip file at all, just text'.repeat(20)) },
  { name: 'path traversal', codes: ['ZIP_PATH_INVALID'], zip: () => rawZip([...base, { name: `${R}../../../tmp/evil.txt`, data: Buffer.from('x') }]) },
  { name: 'absolute path', codes: ['ZIP_PATH_INVALID', 'ZIP_ROOT_INVALID'], zip: () => rawZip([...base, { name: '/etc/evil.txt', data: Buffer.from('x') }]) },
  { name: 'backslash', codes: ['ZIP_PATH_INVALID'], zip: () => rawZip([...base, { name: `${R}docs\\..\\..\\evil.txt`, data: Buffer.from('x') }]) },
  { name: 'NUL in a name', codes: ['ZIP_PATH_INVALID'], zip: () => rawZip([...base, { name: `${R}docs/a\u0000b.md`, data: Buffer.from('x') }]) },
  { name: 'symlink', codes: ['ZIP_SYMLINK'], zip: () => rawZip([...base, { name: `${R}img/link.png`, data: Buffer.from('/etc/passwd'), mode: 0o120777 }]) },
  { name: 'duplicate entry', codes: ['ZIP_DUPLICATE_ENTRY'], zip: () => rawZip([...base, { name: `${R}docs/README.md`, data: Buffer.from('# again\n') }]) },
  { name: 'zip bomb (ratio)', codes: ['ZIP_RATIO_EXCEEDED', 'ZIP_TOO_LARGE', 'ZIP_ENTRY_TOO_LARGE'], zip: () => rawZip([...base, { name: `${R}img/bomb.png`, data: Buffer.alloc(40 * 1024 * 1024), deflate: true }]) },
  { name: 'size lie', codes: ['ZIP_SIZE_MISMATCH', 'ZIP_INVALID'], zip: () => rawZip([...base, { name: `${R}img/lie.png`, data: Buffer.alloc(100_000, 7), deflate: true, declaredSize: 10 }]) },
  { name: 'encrypted entry', codes: ['ZIP_ENCRYPTED', 'ZIP_INVALID'], zip: () => rawZip([...base, { name: `${R}docs/secret.md`, data: Buffer.from('xx'), encrypted: true }]) },
  { name: 'two roots', codes: ['ZIP_ROOT_INVALID'], zip: () => rawZip([...base, { name: 'other-1.0.0/manifest.yml', data: manifest }]) },
  { name: 'no root folder', codes: ['ZIP_ROOT_INVALID', 'MANIFEST_MISSING'], zip: () => rawZip([{ name: 'manifest.yml', data: manifest }]) },
  { name: 'root does not match the manifest', codes: ['PACKAGE_NAME_MISMATCH', 'ZIP_ROOT_INVALID'], zip: () => rawZip([{ name: 'good-2.0.0/' }, { name: 'good-2.0.0/manifest.yml', data: manifest }, { name: 'good-2.0.0/docs/README.md', data: Buffer.from('#\n') }]) },
  { name: 'bad YAML', codes: ['MANIFEST_INVALID'], zip: () => rawZip([{ name: R }, { name: `${R}manifest.yml`, data: Buffer.from('name: [evil\n  version: : :\n') }, { name: `${R}docs/README.md`, data: Buffer.from('#\n') }]) },
  { name: 'no manifest', codes: ['MANIFEST_MISSING', 'ZIP_ROOT_INVALID'], zip: () => rawZip([{ name: R }, { name: `${R}docs/README.md`, data: Buffer.from('#\n') }]) },
];

async function expectRefused(store: ObjectStore, run: () => Promise<unknown>, codes: ErrorCode[], label: string): Promise<void> {
  const before = await allKeys(store);
  await assert.rejects(run, (e: unknown) => {
    assert.ok(isPsError(e), `${label}: not a PsError: ${String(e)}`);
    assert.ok(codes.includes(e.code), `${label}: got ${e.code} (${e.message}), expected one of ${codes.join(', ')}`);
    return true;
  });
  assert.deepEqual(await allKeys(store), before, `${label}: the store changed`);
}

test('hostile zips are refused with their own error and write nothing', { skip: corpusMissing }, async () => {
  const dir = path.join(work, 'store-zips');
  const store = await openStore(dir);
  try {
    for (const c of CASES) {
      const file = path.join(work, `${c.name.replace(/\W+/g, '_')}.zip`);
      await writeFile(file, c.zip());
      await expectRefused(store, () => publishPackage(store, { zip: file }, { skipVerify: true, legacy: true }), c.codes, c.name);
    }
    assert.deepEqual(await allKeys(store), []);
  } finally {
    await store.close?.();
  }
});

test('bad signatures are refused and write nothing', { skip: corpusMissing }, async () => {
  const dir = path.join(work, 'store-sigs');
  const store = await openStore(dir);
  try {
    const sigFile = (name: string, text: string) => {
      const f = path.join(work, `${name}.sig`);
      return writeFile(f, text).then(() => f);
    };
    const opts = { keyring, legacy: true };
    const noSigZip = path.join(work, 'nosig.zip');
    await cp(good.zip, noSigZip);
    await expectRefused(store, () => publishPackage(store, { zip: noSigZip }, opts), ['SIGNATURE_MISSING'], 'no signature');
    await expectRefused(store, () => publishPackage(store, { zip: good.zip, signature: path.join(work, 'absent.sig') }, opts), ['SIGNATURE_MISSING'], 'unreadable signature');
    await expectRefused(store, async () => publishPackage(store, { zip: good.zip, signature: await sigFile('garbage', 'hello') }, opts), ['SIGNATURE_MALFORMED'], 'garbage signature');
    await expectRefused(store, async () => publishPackage(store, { zip: good.zip, signature: await sigFile('truncated', good.sig.slice(0, good.sig.length / 2)) }, opts), ['SIGNATURE_MALFORMED', 'SIGNATURE_INVALID'], 'truncated signature');
    const stranger = await signDetached(good.zip, otherKey.privateKey);
    await expectRefused(store, async () => publishPackage(store, { zip: good.zip, signature: await sigFile('stranger', stranger) }, opts), ['SIGNATURE_UNKNOWN_KEY'], 'unknown key');
    // a trusted key's signature over other bytes (one byte appended): it does not match the zip
    const other = await signDetached(Buffer.concat([await readFile(good.zip), Buffer.from('x')]), trustedPrivate, PASS);
    await expectRefused(store, async () => publishPackage(store, { zip: good.zip, signature: await sigFile('mismatch', other) }, opts), ['SIGNATURE_INVALID'], 'signature over other bytes');
    await expectRefused(store, () => publishPackage(store, { zip: good.zip }, { legacy: true }), ['SIGNATURE_UNKNOWN_KEY'], 'no trusted keys configured');
    assert.deepEqual(await allKeys(store), []);
  } finally {
    await store.close?.();
  }
});

test('versions are immutable: same bytes again is a no-op success, different bytes are refused', { skip: corpusMissing }, async () => {
  const dir = path.join(work, 'store-immutable');
  const store = await openStore(dir);
  try {
    const first = await publishPackage(store, { zip: good.zip }, { keyring, legacy: true });
    assert.equal(first.status, 'published');
    assert.ok(first.cursor);
    const again = await publishPackage(store, { zip: good.zip }, { keyring, legacy: true });
    assert.equal(again.status, 'already-published');
    assert.equal(again.cursor, first.cursor, 'a no-op publish does not write a revision');
    // the same version with different bytes
    await appendFile(path.join(good.dir, 'docs/README.md'), '\nchanged\n');
    const other = await buildZip(good.dir, path.join(work, 'zips2'));
    const before = await allKeys(store);
    await expectRefused(store, () => publishPackage(store, { zip: other.file }, { skipVerify: true, legacy: true }), ['VERSION_EXISTS'], 'different bytes');
    assert.deepEqual(await allKeys(store), before);
  } finally {
    await store.close?.();
  }
});

test('CLI: one bad package does not stop the others; exit 1 and one line per package', { skip: corpusMissing }, async () => {
  const dir = path.join(work, 'store-cli');
  const bad = path.join(work, 'cli-bad.zip');
  await writeFile(bad, rawZip([...base, { name: `${R}../evil`, data: Buffer.from('x') }]));
  // a folder is built and signed with --key, then verified like a zip
  const folder = corpusPicks(2)[1]!;
  await writeFile(path.join(work, 'private.asc'), trustedPrivate);
  const r = await runCli(
    ['publish', bad, good.zip, path.join(work, 'missing.zip'), folder.dir, '--storage', dir, '--trusted-keys', path.join(work, 'public.asc'), '--key', path.join(work, 'private.asc'), '--passphrase-env', 'PS_TEST_PASSPHRASE', '--legacy'],
    { PS_TEST_PASSPHRASE: PASS },
  );
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 4, r.stdout);
  assert.match(lines[0]!, /^refused .*cli-bad\.zip: ZIP_PATH_INVALID /);
  assert.match(lines[1]!, new RegExp(`^published ${good.key.replace(/\./g, '\\.')} \\(cursor \\d{20}, \\d+ ms\\)$`));
  assert.match(lines[2]!, /^refused .*missing\.zip: NOT_FOUND /);
  assert.match(lines[3]!, new RegExp(`^published ${folder.name}-${folder.version.replace(/\./g, '\\.')} \\(cursor \\d{20}, \\d+ ms\\)$`));
  const store = await openStore(dir);
  try {
    assert.ok(await store.head(`artifacts/packages/${folder.name}-${folder.version}.zip.sig`), 'the folder\'s zip was signed');
  } finally {
    await store.close?.();
  }
});
