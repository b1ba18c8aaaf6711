/**
 * The safe zip reader against hand-crafted hostile zips: every limit and every rejected shape gives its
 * catalog code, nothing crashes and nothing is written. Zips are built byte by byte (`rawZip`) so that
 * headers can lie.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, createWriteStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { isPsError, type ErrorCode } from '../errors.js';
import { openZip, checkPackageIdentity, DEFAULT_ZIP_LIMITS, unsafeNameReason, zipLimitsFromConfig, type ZipLimits } from './zip.js';
import { loadConfig } from '../config.js';
import { rejectsWithPsError } from '../../test/helpers/assert-error.js';

interface RawEntry {
  name: string | Buffer;
  data?: Buffer;
  /** Replace the stored body (compressed bytes) as written. */
  body?: Buffer;
  /** 0 stored, 8 deflate (default 8 for files). */
  method?: number;
  /** Override the declared sizes / CRC (a lying header). */
  uncompressedSize?: number;
  compressedSize?: number;
  crc?: number;
  flags?: number;
  externalAttrs?: number;
  versionMadeBy?: number;
  /** Write no data: point the central directory at the local header of entry #n (overlapping entries). */
  sameLocalAs?: number;
}

/** A minimal zip writer: local headers, data, central directory, end record. No data descriptors. */
function rawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const offsets: number[] = [];
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const data = e.data ?? Buffer.alloc(0);
    const isDir = name.at(-1) === 0x2f;
    const method = e.method ?? (isDir ? 0 : 8);
    const body = e.body ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = e.crc ?? crc32(data);
    const usize = e.uncompressedSize ?? data.length;
    const csize = e.compressedSize ?? body.length;
    const flags = (e.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(csize, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const localAt = e.sameLocalAs !== undefined ? offsets[e.sameLocalAs]! : offset;
    offsets.push(localAt);
    if (e.sameLocalAs === undefined) parts.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(e.versionMadeBy ?? (3 << 8) | 20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(csize, 20);
    cd.writeUInt32LE(usize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(0, 30);
    cd.writeUInt16LE(0, 32);
    cd.writeUInt16LE(0, 34);
    cd.writeUInt16LE(0, 36);
    cd.writeUInt32LE((e.externalAttrs ?? ((isDir ? 0o40755 : 0o100644) << 16)) >>> 0, 38);
    cd.writeUInt32LE(localAt, 42);
    central.push(cd, name);
    if (e.sameLocalAs === undefined) offset += local.length + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

const MANIFEST = Buffer.from('format_version: 3.0.0\nname: demo\ntitle: Demo\nversion: 1.0.0\ndescription: d\ntype: integration\n');

function pkg(root = 'demo-1.0.0', extra: RawEntry[] = []): RawEntry[] {
  return [
    { name: `${root}/` },
    { name: `${root}/manifest.yml`, data: MANIFEST },
    { name: `${root}/docs/` },
    { name: `${root}/docs/README.md`, data: Buffer.from('# Demo\n') },
    ...extra,
  ];
}

const work = mkdtempSync(path.join(tmpdir(), 'ps-zip-test-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

function writeZip(entries: RawEntry[] | Buffer): string {
  const file = path.join(work, `t${n++}.zip`);
  writeFileSync(file, Buffer.isBuffer(entries) ? entries : rawZip(entries));
  return file;
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, re?: RegExp): Promise<void> {
  const before = readdirSync(work).sort();
  await rejectsWithPsError(p, code, re);
  assert.deepEqual(readdirSync(work).sort(), before, 'nothing may be written');
}

async function openAndRead(file: string, limits?: Partial<ZipLimits>): Promise<void> {
  const z = await openZip(file, limits);
  try {
    for (const e of z.entries()) if (e.type === 'file') await z.readFile(e.path);
  } finally {
    await z.close();
  }
}

test('a well-formed package zip opens; paths are relative to the root folder', async () => {
  const z = await openZip(writeZip(pkg()));
  assert.equal(z.rootName, 'demo-1.0.0');
  assert.equal(z.kind, 'zip');
  assert.deepEqual(
    z.entries().map((e) => `${e.type} ${e.path}`),
    ['dir docs', 'file docs/README.md', 'file manifest.yml'],
  );
  assert.ok(z.has('manifest.yml') && !z.has('docs'));
  assert.equal((await z.readFile('docs/README.md')).toString(), '# Demo\n');
  const id = await checkPackageIdentity(z);
  assert.equal(id.name, 'demo');
  assert.equal(id.version, '1.0.0');
  await expectCode(z.readFile('nope.txt'), 'NOT_FOUND');
  await z.close();
});

test('zips without directory entries are accepted, directories synthesized', async () => {
  const z = await openZip(
    writeZip([
      { name: 'demo-1.0.0/manifest.yml', data: MANIFEST },
      { name: 'demo-1.0.0/data_stream/foo/manifest.yml', data: Buffer.from('title: Foo\ntype: logs\n') },
    ]),
  );
  assert.deepEqual(
    z.entries().map((e) => `${e.type} ${e.path}`),
    ['dir data_stream', 'dir data_stream/foo', 'file data_stream/foo/manifest.yml', 'file manifest.yml'],
  );
  assert.deepEqual(
    z.archiveEntries!().map((e) => e.path),
    ['manifest.yml', 'data_stream', 'data_stream/foo', 'data_stream/foo/manifest.yml'],
  );
  await z.close();
});

test('directory entries without a trailing slash (marked by their mode) are directories', async () => {
  const z = await openZip(
    writeZip([
      { name: 'demo-1.0.0', externalAttrs: (0o40755 << 16) >>> 0, method: 0 },
      { name: 'demo-1.0.0/manifest.yml', data: MANIFEST },
      { name: 'demo-1.0.0/docs', externalAttrs: 0x10, versionMadeBy: 20, method: 0 },
      { name: 'demo-1.0.0/docs/README.md', data: Buffer.from('x') },
    ]),
  );
  assert.deepEqual(z.entries().map((e) => `${e.type} ${e.path}`), ['dir docs', 'file docs/README.md', 'file manifest.yml']);
  await z.close();
});

test('not a zip, truncated zip, missing file', async () => {
  await expectCode(openZip(writeZip(Buffer.from('this is not a zip file at all, just text'))), 'ZIP_INVALID');
  const good = rawZip(pkg());
  await expectCode(openZip(writeZip(good.subarray(0, good.length - 30))), 'ZIP_INVALID');
  await expectCode(openZip(path.join(work, 'missing.zip')), 'NOT_FOUND');
});

test('ZIP_TOO_MANY_ENTRIES', async () => {
  const extra = Array.from({ length: 10 }, (_, i) => ({ name: `demo-1.0.0/f${i}.txt`, data: Buffer.from('x') }));
  await expectCode(openZip(writeZip(pkg(undefined, extra)), { maxEntries: 8 }), 'ZIP_TOO_MANY_ENTRIES', /limit is 8/);
  await openAndRead(writeZip(pkg(undefined, extra)), { maxEntries: 14 });
});

test('ZIP_TOO_LARGE: the sum of declared sizes', async () => {
  const extra = [0, 1, 2].map((i) => ({ name: `demo-1.0.0/f${i}.bin`, data: randomBytes(600) }));
  await expectCode(openZip(writeZip(pkg(undefined, extra)), { maxTotalBytes: 1500 }), 'ZIP_TOO_LARGE');
  await openAndRead(writeZip(pkg(undefined, extra)), { maxTotalBytes: 4000 });
});

test('ZIP_ENTRY_TOO_LARGE', async () => {
  const extra = [{ name: 'demo-1.0.0/big.bin', data: randomBytes(2000) }];
  await expectCode(openZip(writeZip(pkg(undefined, extra)), { maxEntryBytes: 1000 }), 'ZIP_ENTRY_TOO_LARGE', /big\.bin/);
  // a header can declare 4 GB for a tiny body: refused from the central directory alone
  const lying = [{ name: 'demo-1.0.0/huge.bin', data: Buffer.from('x'), uncompressedSize: 0xfffffff0 }];
  await expectCode(openZip(writeZip(pkg(undefined, lying))), 'ZIP_ENTRY_TOO_LARGE');
});

test('ZIP_RATIO_EXCEEDED: a deflate bomb', async () => {
  const bomb = [{ name: 'demo-1.0.0/zeros.bin', data: Buffer.alloc(8 * 1024 * 1024) }]; // ~1000:1
  await expectCode(openZip(writeZip(pkg(undefined, bomb))), 'ZIP_RATIO_EXCEEDED', /compression ratio/);
  // small, very compressible files are fine (ratio checked from RATIO_MIN_BYTES up)
  await openAndRead(writeZip(pkg(undefined, [{ name: 'demo-1.0.0/small.txt', data: Buffer.alloc(100_000, 0x20) }])));
  await openAndRead(writeZip(pkg(undefined, bomb)), { maxRatio: 5000 });
});

test('overlapping entries (a non-recursive zip bomb) are ZIP_INVALID', async () => {
  const data = Buffer.alloc(500_000, 0x61);
  const entries: RawEntry[] = [...pkg(), { name: 'demo-1.0.0/k0.txt', data }];
  const kernel = entries.length - 1;
  for (let i = 1; i < 5; i++) entries.push({ name: 'demo-1.0.0/k0.txt'.replace('k0', `k${i}`), data, sameLocalAs: kernel });
  await expectCode(openZip(writeZip(entries)), 'ZIP_INVALID', /overlap/);
});

test('ZIP_SIZE_MISMATCH: a header that lies about the uncompressed size', async () => {
  // declares 1000 bytes, inflates to 64 MB: the read stops right past 1000 bytes
  const liar = [{ name: 'demo-1.0.0/liar.bin', data: Buffer.alloc(64 * 1024 * 1024), uncompressedSize: 1000 }];
  const z = await openZip(writeZip(pkg(undefined, liar)));
  const before = process.memoryUsage().arrayBuffers;
  await expectCode(z.readFile('liar.bin'), 'ZIP_SIZE_MISMATCH', /more than the 1000 bytes/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'the bomb was not inflated in memory');
  // the zip stays usable for other entries
  assert.equal((await z.readFile('manifest.yml')).length, MANIFEST.length);
  await z.close();
  // declares more than it has
  const short = [{ name: 'demo-1.0.0/short.bin', data: Buffer.from('abc'), uncompressedSize: 10 }];
  const z2 = await openZip(writeZip(pkg(undefined, short)));
  await expectCode(z2.readFile('short.bin'), 'ZIP_SIZE_MISMATCH', /declares 10/);
  await z2.close();
  // a stream consumer sees the error too
  const z3 = await openZip(writeZip(pkg(undefined, liar)));
  const s = await z3.openStream('liar.bin');
  await expectCode(
    (async () => {
      for await (const _ of s) void _;
    })(),
    'ZIP_SIZE_MISMATCH',
  );
  await z3.close();
});

test('ZIP_PATH_INVALID: traversal, absolute, backslash, NUL, drive letters', async () => {
  const bad: (string | Buffer)[] = [
    '../x',
    'demo-1.0.0/../../x',
    'demo-1.0.0/a/../../../etc/passwd',
    '/abs',
    '/demo-1.0.0/manifest.yml',
    'demo-1.0.0\\manifest.yml',
    'demo-1.0.0/a\\..\\..\\b',
    Buffer.concat([Buffer.from('demo-1.0.0/a'), Buffer.from([0]), Buffer.from('.txt')]),
    'C:/demo-1.0.0/x',
    'c:x',
    'demo-1.0.0//x',
    'demo-1.0.0/./x',
  ];
  for (const name of bad) {
    await expectCode(openZip(writeZip(pkg(undefined, [{ name, data: Buffer.from('x') }]))), 'ZIP_PATH_INVALID');
  }
  assert.equal(unsafeNameReason('demo-1.0.0/docs/README.md'), undefined);
  assert.equal(unsafeNameReason('demo-1.0.0/img/[Logs] x.png'), undefined);
});

test('ZIP_SYMLINK: an entry with the unix symlink mode', async () => {
  const link = [{ name: 'demo-1.0.0/link', data: Buffer.from('/etc/passwd'), method: 0, externalAttrs: (0o120777 << 16) >>> 0 }];
  await expectCode(openZip(writeZip(pkg(undefined, link))), 'ZIP_SYMLINK', /link/);
});

test('ZIP_DUPLICATE_ENTRY', async () => {
  const dup = [{ name: 'demo-1.0.0/manifest.yml', data: Buffer.from('name: other\n') }];
  await expectCode(openZip(writeZip(pkg(undefined, dup))), 'ZIP_DUPLICATE_ENTRY', /manifest\.yml/);
  const fileAndDir = [{ name: 'demo-1.0.0/docs', data: Buffer.from('x') }];
  await expectCode(openZip(writeZip(pkg(undefined, fileAndDir))), 'ZIP_DUPLICATE_ENTRY');
  const fileThenChild = [
    { name: 'demo-1.0.0/x', data: Buffer.from('x') },
    { name: 'demo-1.0.0/x/y', data: Buffer.from('y') },
  ];
  await expectCode(openZip(writeZip(pkg(undefined, fileThenChild))), 'ZIP_DUPLICATE_ENTRY');
});

test('ZIP_ENCRYPTED', async () => {
  const enc = [{ name: 'demo-1.0.0/secret.txt', data: Buffer.from('x'), flags: 0x1 }];
  await expectCode(openZip(writeZip(pkg(undefined, enc))), 'ZIP_ENCRYPTED');
});

test('corrupt content: bad deflate data or a wrong CRC is ZIP_INVALID when read', async () => {
  const z = await openZip(
    writeZip(
      pkg(undefined, [
        { name: 'demo-1.0.0/garbage.bin', data: Buffer.alloc(100), body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x12]) },
        { name: 'demo-1.0.0/badcrc.txt', data: Buffer.from('hello world'), crc: 1234 },
      ]),
    ),
  );
  await expectCode(z.readFile('garbage.bin'), 'ZIP_INVALID');
  await expectCode(z.readFile('badcrc.txt'), 'ZIP_INVALID', /CRC/);
  assert.equal((await z.readFile('manifest.yml')).length, MANIFEST.length);
  await z.close();
});

test('unsupported compression method is ZIP_INVALID', async () => {
  const odd = [{ name: 'demo-1.0.0/x.bz2', data: Buffer.from('x'), method: 12 }];
  await expectCode(openZip(writeZip(pkg(undefined, odd))), 'ZIP_INVALID', /compression method 12/);
});

test('ZIP_ROOT_INVALID: two roots, a file at the top, an empty zip', async () => {
  await expectCode(openZip(writeZip([...pkg(), { name: 'other/readme.txt', data: Buffer.from('x') }])), 'ZIP_ROOT_INVALID', /2 top-level/);
  await expectCode(openZip(writeZip([...pkg(), { name: '__MACOSX/', data: undefined }])), 'ZIP_ROOT_INVALID');
  await expectCode(openZip(writeZip([{ name: 'manifest.yml', data: MANIFEST }])), 'ZIP_ROOT_INVALID', /top level/);
  await expectCode(openZip(writeZip([...pkg(), { name: 'stray.txt', data: Buffer.from('x') }])), 'ZIP_ROOT_INVALID');
  await expectCode(openZip(writeZip([])), 'ZIP_ROOT_INVALID', /empty/);
});

test('PACKAGE_NAME_MISMATCH, MANIFEST_MISSING, MANIFEST_INVALID (with the YAML line)', async () => {
  const wrong = await openZip(writeZip(pkg('demo-1.0.1')));
  await expectCode(checkPackageIdentity(wrong), 'PACKAGE_NAME_MISMATCH', /demo-1\.0\.1.*'demo'.*'1\.0\.0'/);
  await wrong.close();

  const noManifest = await openZip(writeZip([{ name: 'demo-1.0.0/docs/README.md', data: Buffer.from('x') }]));
  await expectCode(checkPackageIdentity(noManifest), 'MANIFEST_MISSING');
  await noManifest.close();

  const badYaml = Buffer.from('name: demo\nversion: 1.0.0\ntitle: [unclosed\ndescription: x\n');
  const bad = await openZip(writeZip([{ name: 'demo-1.0.0/manifest.yml', data: badYaml }]));
  await expectCode(checkPackageIdentity(bad), 'MANIFEST_INVALID', /manifest\.yml:\d+/);
  await bad.close();

  const noVersion = await openZip(writeZip([{ name: 'demo-1.0.0/manifest.yml', data: Buffer.from('name: demo\n') }]));
  await expectCode(checkPackageIdentity(noVersion), 'MANIFEST_INVALID', /version/);
  await noVersion.close();

  const badVersion = await openZip(writeZip([{ name: 'demo-1.0/manifest.yml', data: Buffer.from('name: demo\nversion: "1.0"\n') }]));
  await expectCode(checkPackageIdentity(badVersion), 'PACKAGE_VERSION_INVALID');
  await badVersion.close();

  const badName = await openZip(writeZip([{ name: 'De-mo-1.0.0/manifest.yml', data: Buffer.from('name: De-mo\nversion: 1.0.0\n') }]));
  await expectCode(checkPackageIdentity(badName), 'PACKAGE_NAME_INVALID');
  await badName.close();
});

test('defaults: generous enough for real packages, tight enough for bombs; same as the config defaults', () => {
  assert.deepEqual(zipLimitsFromConfig(loadConfig({}, {})), { ...DEFAULT_ZIP_LIMITS });
  assert.ok(DEFAULT_ZIP_LIMITS.maxTotalBytes >= 100 * 1024 * 1024);
  assert.ok(DEFAULT_ZIP_LIMITS.maxEntries >= 10_000);
  assert.ok(DEFAULT_ZIP_LIMITS.maxRatio <= 1000);
});

test('a ~300 MB package streams through when the operator raises the limits, without being held in memory', async () => {
  const file = path.join(work, 'large-1.0.0.zip');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('name: large\nversion: 1.0.0\n'), 'large-1.0.0/manifest.yml');
  const block = randomBytes(1024 * 1024); // repeated 1 MB random block: incompressible for deflate (32 KB window)
  const blocks = 300;
  const want = createHash('sha256');
  for (let i = 0; i < blocks; i++) want.update(block);
  zip.addReadStream(
    Readable.from((function* () {
      for (let i = 0; i < blocks; i++) yield block;
    })()),
    'large-1.0.0/data/big.bin',
    { compress: false, size: blocks * block.length },
  );
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  assert.ok(statSync(file).size > blocks * block.length);

  // the defaults refuse it (one entry of 300 MB is over the per-entry limit)
  await expectCode(openZip(file), 'ZIP_ENTRY_TOO_LARGE');

  const z = await openZip(file, { maxEntryBytes: 1024 ** 3, maxTotalBytes: 1024 ** 3 });
  await checkPackageIdentity(z);
  const got = createHash('sha256');
  let peak = 0;
  const base = process.memoryUsage().rss;
  for await (const chunk of await z.openStream('data/big.bin')) {
    got.update(chunk as Buffer);
    peak = Math.max(peak, process.memoryUsage().rss - base);
  }
  await z.close();
  assert.equal(got.digest('hex'), want.digest('hex'));
  assert.ok(peak < 150 * 1024 * 1024, `memory grew by ${Math.round(peak / 1048576)} MB while streaming 300 MB`);
  rmSync(file);
});

test('random corruption of a valid zip never crashes: a catalog error or a readable package', async () => {
  const { deriveDocument } = await import('./document.js');
  const good = rawZip(
    pkg(undefined, [
      { name: 'demo-1.0.0/data_stream/' },
      { name: 'demo-1.0.0/data_stream/a/manifest.yml', data: Buffer.from('title: A\ntype: logs\nstreams:\n  - input: logfile\n') },
      { name: 'demo-1.0.0/img/x.png', data: randomBytes(3000) },
    ]),
  );
  let seed = 42;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const bad = Buffer.from(good);
    const flips = 1 + rnd(4);
    for (let k = 0; k < flips; k++) bad[rnd(bad.length)] = rnd(256);
    const file = writeZip(bad);
    let outcome = 'ok';
    try {
      const z = await openZip(file);
      try {
        await checkPackageIdentity(z);
        await deriveDocument(z);
        for (const e of z.entries()) if (e.type === 'file') await z.readFile(e.path);
      } finally {
        await z.close();
      }
    } catch (e) {
      assert.ok(isPsError(e), `mutation ${i}: not a PsError: ${String((e as Error).stack ?? e)}`);
      assert.notEqual(e.code, 'INTERNAL', `mutation ${i}: ${e.message}`);
      outcome = e.code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    rmSync(file);
  }
  assert.ok(outcomes.size > 2, JSON.stringify([...outcomes]));
});
