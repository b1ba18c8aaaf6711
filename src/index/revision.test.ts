import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleRevision, checkDocument, emptyRevision, entryOf, isConstraint, parseIndexAll, planRevision, revEntry, serializeIndexAll, serializeIndexState, type BaseRevision, type ReadOutcome } from './revision.js';
import type { PackageDocument } from './format.js';

const doc = (name: string, version: string, extra: Record<string, unknown> = {}): PackageDocument => ({ name, version, title: name, ...extra });
const ok = (d: PackageDocument): ReadOutcome => ({ doc: d });

function base(entries: [PackageDocument, string | undefined][]): BaseRevision {
  const b = emptyRevision();
  b.cursor = '00000000000000000001';
  for (const [d, etag] of entries) {
    b.entries.set(`${d.name}-${d.version}`, revEntry({ package_manifest: d }));
    if (etag !== undefined) b.etags.set(`${d.name}-${d.version}`, etag);
  }
  return b;
}

test('only new or changed documents are read', () => {
  const b = base([[doc('a', '1.0.0'), 'e1'], [doc('b', '1.0.0'), 'e2'], [doc('f', '1.0.0'), undefined]]);
  const listed = new Map([['a-1.0.0', 'e1'], ['b-1.0.0', 'e2-changed'], ['c-1.0.0', 'e3'], ['f-1.0.0', 'ef']]);
  assert.deepEqual(planRevision(b, listed).toRead, ['b-1.0.0', 'c-1.0.0', 'f-1.0.0']);
});

test('assemble: add, update, remove, carry, keep foreign, and a delta against the base', () => {
  const a = doc('a', '1.0.0');
  const b = base([[a, 'e1'], [doc('b', '1.0.0'), 'e2'], [doc('gone', '2.0.0'), 'e9'], [doc('foreign', '1.0.0'), undefined]]);
  const listed = new Map([['a-1.0.0', 'e1'], ['b-1.0.0', 'e2x'], ['c-0.1.0', 'e3']]);
  const reads = new Map<string, ReadOutcome>([['b-1.0.0', ok(doc('b', '1.0.0', { title: 'B2' }))], ['c-0.1.0', ok(doc('c', '0.1.0'))]]);
  const r = assembleRevision(b, listed, reads);
  assert.equal(r.changed, true);
  assert.deepEqual(r.entries.map((e) => `${e.name}-${e.version}`), ['a-1.0.0', 'b-1.0.0', 'c-0.1.0', 'foreign-1.0.0']);
  assert.equal(entryOf(r.entries[0]!).package_manifest, a, 'unchanged entries are carried, not re-read');
  assert.deepEqual(r.delta.added.map((e) => e.package_manifest.name), ['c']);
  assert.deepEqual(r.delta.updated.map((e) => e.package_manifest.title), ['B2']);
  assert.deepEqual(r.delta.removed, [{ name: 'gone', version: '2.0.0' }]);
  assert.deepEqual(r.etags, { 'a-1.0.0': 'e1', 'b-1.0.0': 'e2x', 'c-0.1.0': 'e3' });
});

test('assemble: nothing listed changed means not changed', () => {
  const b = base([[doc('a', '1.0.0'), 'e1']]);
  const r = assembleRevision(b, new Map([['a-1.0.0', 'e1']]), new Map());
  assert.equal(r.changed, false);
  assert.equal(r.entries.length, 1);
});

test('assemble: adopting a foreign entry with an identical document only records the etag', () => {
  const b = base([[doc('a', '1.0.0'), undefined]]);
  const r = assembleRevision(b, new Map([['a-1.0.0', 'e1']]), new Map([['a-1.0.0', ok(doc('a', '1.0.0'))]]));
  assert.equal(r.changed, true);
  assert.deepEqual(r.delta, { added: [], updated: [], removed: [] });
  assert.deepEqual(r.etags, { 'a-1.0.0': 'e1' });
});

test('assemble: a bad document is skipped; a previous entry for it is kept and re-read next time', () => {
  const b = base([[doc('a', '1.0.0'), 'e1']]);
  const listed = new Map([['a-1.0.0', 'e1-corrupt'], ['bad-1.0.0', 'eb']]);
  const r = assembleRevision(b, listed, new Map<string, ReadOutcome>([['a-1.0.0', { error: 'not JSON' }], ['bad-1.0.0', { error: 'not JSON' }]]));
  assert.deepEqual(r.skipped.map((s) => s.key), ['a-1.0.0', 'bad-1.0.0']);
  assert.deepEqual(r.entries.map((e) => e.name), ['a']);
  assert.deepEqual(r.etags, { 'a-1.0.0': 'e1' });
  assert.equal(r.changed, false);
});

test('entries sort by name then semver (not string) order', () => {
  const listed = new Map([['a-1.10.0', '1'], ['a-1.9.0', '2'], ['a-1.9.0-rc1', '3'], ['B-1.0.0', '4']]);
  const reads = new Map<string, ReadOutcome>([...listed.keys()].map((k) => {
    const i = k.indexOf('-');
    return [k, ok(doc(k.slice(0, i), k.slice(i + 1)))];
  }));
  const r = assembleRevision(emptyRevision(), listed, reads);
  assert.deepEqual(r.entries.map((e) => `${e.name}-${e.version}`), ['B-1.0.0', 'a-1.9.0-rc1', 'a-1.9.0', 'a-1.10.0']);
});

test('serialized index round-trips, stays exactly Elastic\'s shape, and with its state is read back without parsing entries', () => {
  const entries = [{ package_manifest: doc('a', '1.0.0', { description: 'line\nbreak, "quoted",\n' }) }, { package_manifest: doc('b', '2.0.0') }];
  const revs = entries.map(revEntry);
  const text = serializeIndexAll(revs);
  const state = serializeIndexState(revs, { 'a-1.0.0': 'e1' });
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['packages'], 'nothing but Elastic\'s key');
  assert.deepEqual(parsed.packages, entries);
  const b = parseIndexAll(text, 'c', undefined, state);
  assert.equal(b.etags.get('a-1.0.0'), 'e1');
  assert.equal(b.etags.has('b-2.0.0'), false);
  const ea = b.entries.get('a-1.0.0')!;
  assert.equal(ea.entry, undefined, 'entries are kept as text until needed');
  assert.deepEqual(entryOf(ea), entries[0]);
  assert.deepEqual([...b.entries.keys()], ['a-1.0.0', 'b-2.0.0']);
  // re-serializing carried entries gives the same bytes
  assert.equal(serializeIndexAll([...b.entries.values()]), text);
  // without its state (or with a state of another index) the index still parses, with no etags
  const noState = parseIndexAll(text, 'c');
  assert.deepEqual([...noState.entries.keys()], ['a-1.0.0', 'b-2.0.0']);
  assert.equal(noState.etags.size, 0);
  const otherState = serializeIndexState([revEntry({ package_manifest: doc('z', '1.0.0') })], { 'z-1.0.0': 'e9' });
  assert.equal(parseIndexAll(text, 'c', undefined, otherState).etags.size, 0);
  assert.equal(parseIndexAll(text, 'c', undefined, 'not json').etags.size, 0);
  // empty index
  const empty = serializeIndexAll([]);
  assert.deepEqual(JSON.parse(empty), { packages: [] });
  assert.equal(parseIndexAll(empty, 'c', undefined, serializeIndexState([], {})).entries.size, 0);
  // a foreign index (no bookkeeping, other whitespace) parses with no etags; broken entries are dropped and reported
  const bad: string[] = [];
  const f = parseIndexAll(JSON.stringify({ packages: [{ package_manifest: doc('x', '1.0.0') }, { nope: 1 }] }, null, 2), 'c', (w) => bad.push(w));
  assert.equal(f.entries.size, 1);
  assert.equal(f.etags.size, 0);
  assert.equal(bad.length, 1);
  assert.throws(() => parseIndexAll('{"nothing":[]}', 'c'));
});

test('checkDocument refuses what would break a registry loading the index', () => {
  const nv = { name: 'a', version: '1.0.0' };
  assert.equal(checkDocument(JSON.stringify(doc('a', '1.0.0', { conditions: { kibana: { version: '^7.16.0 || ^8.0.0' } } })), nv).name, 'a');
  assert.throws(() => checkDocument('{', nv), /not JSON/);
  assert.throws(() => checkDocument('[]', nv), /object/);
  assert.throws(() => checkDocument(JSON.stringify(doc('b', '1.0.0')), nv), /name/);
  assert.throws(() => checkDocument(JSON.stringify(doc('a', '1.0.1')), nv), /version/);
  assert.throws(() => checkDocument(JSON.stringify(doc('a', '1.0', {})), { name: 'a', version: '1.0' }), /semver/);
  assert.throws(() => checkDocument(JSON.stringify(doc('a', '1.0.0', { format_version: 'one' })), nv), /format_version/);
  assert.throws(() => checkDocument(JSON.stringify(doc('a', '1.0.0', { conditions: { kibana: { version: 'banana' } } })), nv), /constraint/);
});

test('constraints use Elastic\'s syntax', () => {
  for (const c of ['^7.16.0 || ^8.0.0', '>=7.0.0,<8.0.0', '=>7.10.0', '7.x', '~7.x.x', '8.0.0', '>= 8.1.0', '']) assert.ok(isConstraint(c), c);
  for (const c of ['banana', '^x.y', '>=1.0.0 <']) assert.equal(isConstraint(c), false, c);
});
