/**
 * The package document and the search item, checked against Elastic's registry goldens
 * (../shared/testdata/epr): every generated/package/{n}/{v}/index.json that has a package folder, the zips of
 * local-storage/ against generated/package-zip*.json, and every search item whose package we can read.
 * Equality is checked as parsed JSON AND as serialized text (same key order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFolder } from '../src/package/folder.js';
import { openZip } from '../src/package/zip.js';
import semver from 'semver';
import { deriveDocument, normalizeDocument, spreadDeprecation, toSearchItem } from '../src/package/document.js';
import type { PackageDocument } from '../src/index/format.js';
import type { PackageSource } from '../src/package/source.js';
import { CATEGORIES } from '../src/package/categories.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EPR = path.resolve(here, '../../shared/testdata/epr');
const skip = existsSync(EPR) ? false : `EPR testdata not found at ${EPR}`;

/** Stale goldens: expected bodies in Elastic's test data that no longer match Elastic's own registry (its golden-cases.json leaves them out). */
const STALE = new Set(['deprecated_integration_input/0.0.1', 'deprecated_integration_stream/0.0.1', 'fakeapm/1.0.0', 'ilmpolicy/1.0.0']);

function packageDir(name: string, version: string): string | undefined {
  // FS_BOTH: second_package_path first, then package (first configured path wins)
  for (const root of ['second_package_path', 'package']) {
    const d = path.join(EPR, root, name, version);
    if (existsSync(path.join(d, 'manifest.yml'))) return d;
  }
  return undefined;
}

function assertSameJson(actual: unknown, expected: unknown, label: string): void {
  assert.deepEqual(actual, expected, `${label}: documents differ`);
  assert.equal(JSON.stringify(actual, null, 2), JSON.stringify(expected, null, 2), `${label}: key order differs`);
}

/**
 * The document of the folder package `dir` as the registry serves it: derived, then with the deprecation
 * of the highest deprecated version of the same name copied onto it (docs/http-api.md §4.3). The goldens show this is done
 * over the merged folder sources (second_package_path's multiversion 1.1.0 gets package/'s 1.2.0 block).
 */
async function servedFolderDocument(dir: string): Promise<PackageDocument> {
  const name = path.basename(path.dirname(dir));
  const byVersion = new Map<string, PackageDocument>();
  for (const root of ['second_package_path', 'package']) {
    const nameDir = path.join(EPR, root, name);
    if (!existsSync(nameDir)) continue;
    for (const v of readdirSync(nameDir).sort()) {
      if (byVersion.has(v) || !existsSync(path.join(nameDir, v, 'manifest.yml'))) continue;
      byVersion.set(v, await withSource(openFolder(path.join(nameDir, v)), (s) => deriveDocument(s)));
    }
  }
  const version = path.basename(dir);
  return spreadDeprecation([...byVersion.values()], semver.compare).find((d) => d.version === version)!;
}

async function withSource<T>(open: Promise<PackageSource>, fn: (s: PackageSource) => Promise<T>): Promise<T> {
  const s = await open;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const goldens: { name: string; version: string; file: string }[] = [];
if (!skip) {
  const gen = path.join(EPR, 'generated/package');
  for (const name of readdirSync(gen).sort()) {
    for (const version of readdirSync(path.join(gen, name)).sort()) {
      const file = path.join(gen, name, version, 'index.json');
      if (existsSync(file)) goldens.push({ name, version, file });
    }
  }
}

test('package documents match the generated/package goldens', { skip }, async (t) => {
  let checked = 0;
  for (const g of goldens) {
    const key = `${g.name}/${g.version}`;
    const dir = packageDir(g.name, g.version);
    if (!dir) continue;
    await t.test(key, { skip: STALE.has(key) ? 'stale golden (see STALE above)' : false }, async () => {
      const expected = JSON.parse(readFileSync(g.file, 'utf8'));
      const doc = await servedFolderDocument(dir);
      assertSameJson(doc, expected, key);
      // normalizing an already-normal document changes nothing
      assertSameJson(normalizeDocument(expected), expected, `${key} (normalize)`);
    });
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} goldens had a package folder`);
});

test('zip package document matches generated/package-zip.json', { skip }, async () => {
  const expected = JSON.parse(readFileSync(path.join(EPR, 'generated/package-zip.json'), 'utf8'));
  const doc = await withSource(openZip(path.join(EPR, 'local-storage/example-1.0.1.zip')), (s) => deriveDocument(s, { signed: true }));
  assertSameJson(doc, expected, 'example-1.0.1.zip');
});

test('zip without directory entries derives the same document shape', { skip }, async () => {
  const golden = path.join(EPR, 'generated/package-zip-nodirentries.json');
  const doc = await withSource(openZip(path.join(EPR, 'local-storage/nodirentries-1.0.0.zip')), (s) => deriveDocument(s, { signed: true }));
  if (existsSync(golden)) {
    assertSameJson(doc, JSON.parse(readFileSync(golden, 'utf8')), 'nodirentries-1.0.0.zip');
  } else {
    // the golden is not in shared/testdata: the zip holds the same files as example-1.0.1.zip, so its
    // document is that one with the names replaced (and its own description and manifest fields)
    assert.equal(doc.name, 'nodirentries');
    assert.deepEqual(
      (doc.data_streams as { dataset: string }[]).map((d) => d.dataset),
      ['nodirentries.foo'],
    );
    const example = JSON.parse(readFileSync(path.join(EPR, 'generated/package-zip.json'), 'utf8'));
    const swap = (a: string[]) => a.map((x) => x.replace('/example/1.0.1/', '/nodirentries/1.0.0/'));
    assert.deepEqual(doc.assets, swap(example.assets));
  }
});

test('search items match the generated/search*.json goldens', { skip }, async (t) => {
  const items = new Map<string, unknown>();
  for (const f of readdirSync(path.join(EPR, 'generated')).filter((f) => /^search.*\.json$/.test(f)).sort()) {
    for (const it of JSON.parse(readFileSync(path.join(EPR, 'generated', f), 'utf8')) as { name: string; version: string }[]) {
      items.set(`${it.name}/${it.version}`, it);
    }
  }
  let checked = 0;
  for (const [key, expected] of [...items].sort()) {
    const [name, version] = key.split('/') as [string, string];
    const zip = path.join(EPR, 'local-storage', `${name}-${version}.zip`);
    const dir = packageDir(name, version);
    const open = existsSync(zip) ? openZip(zip) : dir ? openFolder(dir) : undefined;
    if (!open) continue;
    await t.test(key, async () => {
      const doc = existsSync(zip)
        ? await withSource(open, (s) => deriveDocument(s, { signed: existsSync(`${zip}.sig`) }))
        : (await open.then((s) => s.close()), await servedFolderDocument(dir!));
      assertSameJson(toSearchItem(doc), expected, key);
    });
    checked++;
  }
  assert.ok(checked >= 30, `only ${checked} search items had a package`);
});

test('category titles and parents match the /categories goldens', { skip }, () => {
  let n = 0;
  for (const f of readdirSync(path.join(EPR, 'generated')).filter((f) => /^categories.*\.json$/.test(f))) {
    for (const c of JSON.parse(readFileSync(path.join(EPR, 'generated', f), 'utf8')) as Record<string, string>[]) {
      const info = CATEGORIES[c.id!];
      assert.equal(c.title, info ? info.title : c.id, `${f}: ${c.id}`);
      assert.equal(c.parent_id, info?.parent_id, `${f}: ${c.id} parent`);
      assert.equal(c.parent_title, info?.parent_title, `${f}: ${c.id} parent title`);
      n++;
    }
  }
  assert.ok(n > 20);
});
