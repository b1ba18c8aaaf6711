import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { isPsError } from '../errors.js';
import { buildZip } from './build.js';
import { openZip } from './zip.js';
import { openFolder } from './folder.js';
import { deriveDocument } from './document.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EPR = path.resolve(here, '../../../shared/testdata/epr');
const work = mkdtempSync(path.join(tmpdir(), 'ps-build-test-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
}

function makePackage(dir: string): void {
  write(dir, {
    'manifest.yml': 'format_version: 3.0.0\nname: demo\ntitle: Demo\nversion: 1.2.3\ndescription: d\ntype: integration\n',
    'docs/README.md': '# Demo\n',
    'changelog.yml': '- version: 1.2.3\n',
    'data_stream/b/manifest.yml': 'title: B\ntype: logs\n',
    'data_stream/a-b/manifest.yml': 'title: AB\ntype: logs\n',
    'data_stream/a/fields/fields.yml': '- name: x\n  type: keyword\n',
    'data_stream/a/manifest.yml': 'title: A\ntype: logs\n',
    '_dev/build/build.yml': 'dependencies: {}\n',
    'data_stream/a/_dev/test/pipeline/test.log': 'x\n',
    'build/old.zip': 'junk',
    '.git/HEAD': 'ref: x\n',
    '.DS_Store': 'junk',
    'docs/.README.md.swp': 'junk',
    'fields.yml.link': '../x.yml abc\n',
  });
  mkdirSync(path.join(dir, 'empty/inner'), { recursive: true });
}

interface ZipEntryView {
  name: string;
  method: number;
  mode: number;
  size: number;
}

async function listZip(file: string): Promise<ZipEntryView[]> {
  const z = await yauzl.openPromise(file, { lazyEntries: true });
  const out: ZipEntryView[] = [];
  await new Promise<void>((resolve, reject) => {
    z.on('entry', (e: yauzl.Entry) => {
      out.push({ name: e.fileName, method: e.compressionMethod, mode: e.externalFileAttributes >>> 16, size: e.uncompressedSize });
      z.readEntry();
    });
    z.on('end', resolve);
    z.on('error', reject);
    z.readEntry();
  });
  z.close();
  return out;
}

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

test('layout: root folder, explicit directories, lexical walk, deflate, skipped files', async () => {
  const dir = path.join(work, 'src1');
  makePackage(dir);
  const r = await buildZip(dir, path.join(work, 'out1'));
  assert.equal(r.file, path.join(work, 'out1', 'demo-1.2.3.zip'));
  assert.equal(r.name, 'demo');
  assert.equal(r.version, '1.2.3');
  assert.equal(r.sha256, sha(r.file));
  const entries = await listZip(r.file);
  assert.deepEqual(
    entries.map((e) => e.name),
    [
      'demo-1.2.3/changelog.yml',
      'demo-1.2.3/data_stream/',
      'demo-1.2.3/data_stream/a/',
      'demo-1.2.3/data_stream/a/fields/',
      'demo-1.2.3/data_stream/a/fields/fields.yml',
      'demo-1.2.3/data_stream/a/manifest.yml',
      'demo-1.2.3/data_stream/a-b/',
      'demo-1.2.3/data_stream/a-b/manifest.yml',
      'demo-1.2.3/data_stream/b/',
      'demo-1.2.3/data_stream/b/manifest.yml',
      'demo-1.2.3/docs/',
      'demo-1.2.3/docs/README.md',
      'demo-1.2.3/manifest.yml',
    ],
  );
  for (const e of entries) {
    if (e.name.endsWith('/')) assert.equal(e.mode, 0o40755, e.name);
    else {
      assert.equal(e.method, 8, `${e.name} is deflated`);
      assert.equal(e.mode, 0o100644, e.name);
    }
  }
  // the built zip passes the safe reader and its root matches the manifest
  const z = await openZip(r.file);
  assert.equal(z.rootName, 'demo-1.2.3');
  await z.close();
});

test('deterministic: same bytes twice, whatever the file times', async () => {
  const dir = path.join(work, 'src2');
  makePackage(dir);
  const a = await buildZip(dir, path.join(work, 'det-a.zip'));
  utimesSync(path.join(dir, 'manifest.yml'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  utimesSync(path.join(dir, 'docs'), new Date(), new Date());
  const b = await buildZip(dir, path.join(work, 'det-b.zip'));
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(readFileSync(a.file), readFileSync(b.file));
  // and content changes do change the bytes
  writeFileSync(path.join(dir, 'docs/README.md'), '# Demo changed\n');
  const c = await buildZip(dir, path.join(work, 'det-c.zip'));
  assert.notEqual(c.sha256, a.sha256);
});

test('--out: a directory, a file, the default ./build/', async () => {
  const dir = path.join(work, 'src3');
  makePackage(dir);
  const f = await buildZip(dir, path.join(work, 'named', 'x.zip'));
  assert.equal(f.file, path.join(work, 'named', 'x.zip'));
  assert.ok(existsSync(f.file));
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const d = await buildZip(dir);
    assert.equal(d.file, path.join(work, 'build', 'demo-1.2.3.zip'));
  } finally {
    process.chdir(cwd);
  }
  const dirOut = await buildZip(dir, path.join(work, 'new-dir'));
  assert.equal(dirOut.file, path.join(work, 'new-dir', 'demo-1.2.3.zip'));
  writeFileSync(path.join(work, 'notazip.txt'), 'x');
  await assert.rejects(buildZip(dir, path.join(work, 'notazip.txt')), (e: unknown) => isPsError(e, 'USAGE'));
});

test('a symlink in the folder is refused and nothing is written', async () => {
  const dir = path.join(work, 'src4');
  makePackage(dir);
  symlinkSync('/etc/passwd', path.join(dir, 'docs/passwd'));
  const out = path.join(work, 'out4');
  mkdirSync(out);
  await assert.rejects(buildZip(dir, out), (e: unknown) => isPsError(e, 'ZIP_SYMLINK'));
  assert.deepEqual(readdirSync(out), []);
});

test('a folder without a valid manifest is refused', async () => {
  const dir = path.join(work, 'src5');
  write(dir, { 'docs/README.md': 'x' });
  await assert.rejects(buildZip(dir, work), (e: unknown) => isPsError(e, 'MANIFEST_MISSING'));
  write(dir, { 'manifest.yml': 'name: demo\nversion: [1\n' });
  await assert.rejects(buildZip(dir, work), (e: unknown) => isPsError(e, 'MANIFEST_INVALID'));
});

test('every EPR test package: the built zip derives the same document as the folder', { skip: existsSync(EPR) ? false : `no ${EPR}` }, async () => {
  const out = path.join(work, 'epr');
  let n = 0;
  for (const name of readdirSync(path.join(EPR, 'package')).sort()) {
    const nameDir = path.join(EPR, 'package', name);
    if (!statSync(nameDir).isDirectory()) continue;
    for (const version of readdirSync(nameDir).sort()) {
      const dir = path.join(nameDir, version);
      if (!existsSync(path.join(dir, 'manifest.yml'))) continue;
      const r = await buildZip(dir, out);
      const folder = await openFolder(dir);
      const zip = await openZip(r.file);
      try {
        const expected = await deriveDocument(folder);
        const actual = await deriveDocument(zip);
        assert.equal(JSON.stringify(actual, null, 2), JSON.stringify(expected, null, 2), `${name}/${version}`);
      } finally {
        await zip.close();
        await folder.close();
      }
      n++;
    }
  }
  assert.ok(n >= 40, `only ${n} packages built`);
});

test('a 17 MB package (2000 files) builds and passes the safe reader with the default limits', async () => {
  const dir = path.join(work, 'big');
  makePackage(dir);
  const words = ['event', 'host', 'name', 'message', 'source', 'ip', 'port', 'user', 'process', 'pid', 'agent', 'cloud'];
  let total = 0;
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < 2000; i++) {
    const obj: Record<string, string> = {};
    for (let k = 0; k < 170; k++) obj[`${words[rnd(12)]}.${words[rnd(12)]}.${k}`] = `${words[rnd(12)]}-${rnd(1_000_000)}`;
    const text = JSON.stringify(obj, null, 2);
    total += text.length;
    write(dir, { [`kibana/dashboard/d${String(i).padStart(4, '0')}.json`]: text });
  }
  for (let i = 0; i < 5; i++) {
    const img = Buffer.alloc(1024 * 1024);
    for (let j = 0; j < img.length; j += 4) img.writeUInt32LE(rnd(2 ** 31), j);
    writeFileSync(path.join(dir, `docs/shot${i}.png`), img);
    total += img.length;
  }
  assert.ok(total > 17 * 1024 * 1024, `generated ${total} bytes`);
  const r = await buildZip(dir, path.join(work, 'big-out'));
  const z = await openZip(r.file);
  try {
    const doc = await deriveDocument(z);
    assert.equal((doc.assets as string[]).length, 2000 + 5 + 7);
  } finally {
    await z.close();
  }
});
