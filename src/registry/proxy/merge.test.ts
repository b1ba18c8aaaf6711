import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoQuery } from '../service.js';
import { mergeCategories, mergeSearch } from './merge.js';

const it = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, ...extra });
const ids = (s: string) => (JSON.parse(s) as { name: string; version: string }[]).map((i) => `${i.name}-${i.version}`);

test('search: local wins per name+version, newest per name, sorted by name then semver', () => {
  const local = JSON.stringify([it('b', '1.0.0', { title: 'local' }), it('a', '2.0.0')]);
  const up = [it('b', '1.0.0', { title: 'upstream' }), it('b', '1.10.0'), it('b', '1.9.0'), it('a', '1.0.0'), it('c', '0.1.0')];
  assert.deepEqual(ids(mergeSearch(local, up, parseGoQuery(''))), ['a-2.0.0', 'b-1.10.0', 'c-0.1.0']);
  const all = mergeSearch(local, up, parseGoQuery('all=true'));
  assert.deepEqual(ids(all), ['a-1.0.0', 'a-2.0.0', 'b-1.0.0', 'b-1.9.0', 'b-1.10.0', 'c-0.1.0']);
  assert.equal((JSON.parse(all) as { title?: string }[])[2]!.title, 'local');
  assert.equal(mergeSearch('[]\n', [], parseGoQuery('')), '[]\n');
});

test('search: legacy experimental=true prefers a version without prerelease tag', () => {
  const up = [it('a', '2.0.0-rc1'), it('a', '1.5.0')];
  assert.deepEqual(ids(mergeSearch('[]', up, parseGoQuery('experimental=true'))), ['a-1.5.0']);
  assert.deepEqual(ids(mergeSearch('[]', up, parseGoQuery('prerelease=true'))), ['a-2.0.0-rc1']);
});

test('search: hostile upstream items are dropped', () => {
  const up = [null, 3, 'x', it('../etc', '1.0.0'), it('a', 'latest'), { name: 'a' }, it('a', '1.0.0')];
  assert.deepEqual(ids(mergeSearch('[]', up, parseGoQuery(''))), ['a-1.0.0']);
  assert.deepEqual(ids(mergeSearch('[]', { not: 'an array' }, parseGoQuery(''))), []);
});

test('categories: counts summed, local title and parent kept, sorted by id', () => {
  const local = JSON.stringify([{ id: 'web', title: 'Web Server', count: 2, parent_id: 'observability', parent_title: 'Observability' }]);
  const up = [{ id: 'web', title: 'Other', count: 3 }, { id: 'aws', title: 'AWS', count: 1 }, { id: 'bad', count: 'x' }, { title: 'no id', count: 1 }];
  assert.deepEqual(JSON.parse(mergeCategories(local, up)), [
    { id: 'aws', title: 'AWS', count: 1 },
    { id: 'web', title: 'Web Server', count: 5, parent_id: 'observability', parent_title: 'Observability' },
  ]);
});

test('search: an upstream item cannot point its download, path or signature elsewhere', () => {
  const up = [it('a', '1.0.0', { download: 'http://evil.example/x.zip', path: '/../../x', signature_path: 'https://evil.example/s', title: 't' })];
  assert.deepEqual(JSON.parse(mergeSearch('[]', up, parseGoQuery(''))), [
    { name: 'a', version: '1.0.0', download: '/epr/a/a-1.0.0.zip', path: '/package/a/1.0.0', signature_path: '/epr/a/a-1.0.0.zip.sig', title: 't' },
  ]);
});
