import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FsStore } from '../storage/fs.js';
import { KEYS } from '../index/format.js';
import { revEntry, serializeIndexAll } from '../index/revision.js';
import { loadFullCatalog } from './loader.js';
import { search, categories, packageIndex, parseGoQuery } from './service.js';
import type { Catalog } from './catalog.js';

const doc = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, title: name, description: `${name} d`, type: 'integration', format_version: '3.0.0', release: 'ga', ...extra });

const DOCS = [
  doc('a', '1.0.0', { categories: ['web'], conditions: { kibana: { version: '^8.0.0' } } }),
  doc('a', '1.1.0', { categories: ['web'], description: 'line\nbreak and \u2028 separator' }),
  doc('b', '2.0.0', { categories: ['aws'], discovery: { fields: [{ name: 'x' }] } }),
  doc('c', '0.1.0', { release: 'beta', deprecated: { since: '0.1.0', description: 'gone' } }),
  doc('c', '0.0.1'),
];

async function store(t: { after: (fn: () => Promise<void>) => void }): Promise<FsStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loader-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return FsStore.open(dir);
}

function answers(c: Catalog): string[] {
  const out = [String(search(c, parseGoQuery('all=true&prerelease=true')).body), String(categories(c, parseGoQuery('')).body)];
  for (const e of c.entries) out.push(String(packageIndex(c, e.name, e.version).body));
  return out;
}

test('our line layout, Elastic compact and pretty formatting load to the same catalog; bad entries skipped', async (t) => {
  const s = await store(t);
  const bad = [{ name: 'Bad-Name', version: '1.0.0' }, { name: 'x', version: '1.0' }];
  const wrapped = [...DOCS, ...bad].map((d) => ({ package_manifest: d }));
  const layouts: Record<string, string> = {
    ours: serializeIndexAll(wrapped.map((w) => ({ ...revEntry(w as never) }))),
    compact: JSON.stringify({ packages: wrapped }),
    pretty: JSON.stringify({ generated: 'x', packages: [...wrapped, 42] }, null, 2),
    crlf: serializeIndexAll(wrapped.map((w) => revEntry(w as never))).replace(/\n/g, '\r\n'),
  };
  assert.ok(layouts.ours!.startsWith('{"packages":[\n'), 'our layout is one entry per line');
  const results: Record<string, string[]> = {};
  for (const [name, text] of Object.entries(layouts)) {
    await s.put(KEYS.indexAll(name), text);
    const badSeen: string[] = [];
    const c = await loadFullCatalog(s, name, (w) => badSeen.push(w));
    assert.equal(c.size, DOCS.length, name);
    assert.equal(badSeen.length, name === 'pretty' ? 3 : 2, `${name}: bad entries reported once each: ${badSeen.join('; ')}`);
    results[name] = answers(c);
  }
  for (const name of ['compact', 'pretty', 'crlf']) assert.deepEqual(results[name], results.ours, name);
  assert.match(results.ours![0]!, /\\u2028/, 'line separators stay escaped');
  assert.match(results.ours!.find((b) => b.includes('"name": "c"') && b.includes('0.0.1'))!, /"deprecated"/, 'deprecation spread onto older versions');
});

test('a broken line in our layout falls back to the scanner, which rejects a body that is not an index', async (t) => {
  const s = await store(t);
  const good = serializeIndexAll(DOCS.map((d) => revEntry({ package_manifest: d })));
  await s.put(KEYS.indexAll('1'), good.replace('"name":"b"', '"name":"b"}}garbage'));
  await assert.rejects(loadFullCatalog(s, '1', () => undefined), (e: { code?: string }) => e.code === 'INDEX_INVALID');
  await s.put(KEYS.indexAll('2'), good.slice(0, -5));
  await assert.rejects(loadFullCatalog(s, '2', () => undefined), (e: { code?: string }) => e.code === 'INDEX_INVALID', 'truncated');
  await s.put(KEYS.indexAll('3'), '{"packages":[]}\n');
  assert.equal((await loadFullCatalog(s, '3', () => undefined)).size, 0);
  await s.put(KEYS.indexAll('4'), good.replace('\n]}\n', ',\n]}\n'));
  assert.equal((await loadFullCatalog(s, '4', () => undefined)).size, DOCS.length, 'a trailing comma is not our layout; the tolerant scanner reads it');
});

test('memory after a load does not grow with document size: documents stay in the spool', async (t) => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const s = await store(t);
  const big = 'x'.repeat(60 * 1024);
  const n = 800; // ~48 MB of documents
  await s.put(KEYS.indexAll('1'), serializeIndexAll(Array.from({ length: n }, (_, i) => revEntry({ package_manifest: doc(`p${i % 50}`, `1.0.${i}`, { description: big }) }))));
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external + m.arrayBuffers;
  };
  used();
  const before = used();
  const c = await loadFullCatalog(s, '1', () => undefined);
  for (const e of c.entries) void e.key;
  const after = used();
  assert.equal(c.size, n);
  const grew = (after - before) / 1024 / 1024;
  t.diagnostic(`catalog of ${n} x 60 KB documents: +${grew.toFixed(1)} MB`);
  assert.ok(grew < 30, `held ${grew.toFixed(1)} MB after loading ${(n * big.length) / 1024 / 1024} MB of documents`);
  // and the answers are still right, read back from the spool
  const body = JSON.parse(String(packageIndex(c, 'p7', '1.0.7').body)) as { description: string };
  assert.equal(body.description, big);
});
