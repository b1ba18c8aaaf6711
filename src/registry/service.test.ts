import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeltas, buildCatalog } from './catalog.js';
import { categories, packageIndex, parseGoQuery, search } from './service.js';

const doc = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, title: name, description: 'd', type: 'integration', format_version: '3.0.0', release: 'ga', ...extra });

test('search/categories/package as pure functions over a catalog', async () => {
  const bad: string[] = [];
  const c = await buildCatalog('1', [doc('a', '1.0.0', { categories: ['web'] }), doc('a', '1.0.0'), doc('b', '2.0.0', { categories: ['aws'], discovery: { fields: [{ name: 'x' }] } }), { name: 'c' }], (w) => bad.push(w));
  assert.equal(c.size, 2);
  assert.equal(bad.length, 2, 'duplicate and version-less entries reported');
  const r = search(c, parseGoQuery('discovery=fields:x,y'));
  assert.equal(r.status, 200);
  assert.deepEqual((JSON.parse(String(r.body)) as { name: string }[]).map((p) => p.name), ['b']);
  assert.equal(search(c, parseGoQuery('prerelease=true&discovery=fields:x')).body, search(c, parseGoQuery('discovery=fields:x&prerelease=true')).body, 'cache key ignores key order');
  assert.equal(String(search(c, parseGoQuery('discovery=datasets:x')).body), '[]\n', 'no datasets declared: no match');
  const cat = categories(c, parseGoQuery(''));
  assert.deepEqual(JSON.parse(String(cat.body)), [
    { id: 'aws', title: 'AWS', count: 1 },
    { id: 'web', title: 'Web Server', count: 1, parent_id: 'observability', parent_title: 'Observability' },
  ]);
  assert.equal(packageIndex(c, 'a', '1.0.0').status, 200);
  assert.equal(packageIndex(c, 'a', '01.0.0').status, 400);
});

test('applyDeltas reuses unchanged entries and never lets added overwrite', async () => {
  const c1 = await buildCatalog('1', [doc('a', '1.0.0'), doc('b', '1.0.0')], () => undefined);
  const c2 = applyDeltas(c1, '2', [{ added: [doc('a', '1.0.0', { title: 'other' }), doc('c', '1.0.0')], updated: [doc('b', '1.0.0', { title: 'B2' })], removed: [] }], () => undefined);
  assert.equal(c2.byKey.get('a-1.0.0'), c1.byKey.get('a-1.0.0'), 'same object: not rebuilt');
  assert.notEqual(c2.byKey.get('b-1.0.0'), c1.byKey.get('b-1.0.0'));
  assert.ok(c2.byKey.has('c-1.0.0'));
  assert.equal(c1.size, 2, 'the old catalog is untouched');
  const c3 = applyDeltas(c2, '3', [{ added: [], updated: [], removed: [{ name: 'a', version: '1.0.0' }] }], () => undefined);
  assert.deepEqual(c3.entries.map((e) => e.key), ['b-1.0.0', 'c-1.0.0']);
});
