import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './no-dangling-object-ids.js';
import { runRule, justBefore } from './testing.js';

const files = (refType: string, refId: string) => ({
  'kibana/dashboard/pkg-d.json': { id: 'pkg-d', type: 'dashboard', references: [{ id: refId, name: 'n', type: refType }, { id: 'logs-*', name: 'i', type: 'index-pattern' }] },
  'kibana/search/pkg-s.json': { id: 'pkg-s', type: 'search', references: [] },
});

test('no-dangling-object-ids: accepts references to objects of the package (and index patterns)', async () => {
  assert.deepEqual((await runRule(rule, files('search', 'pkg-s'))).messages, []);
});

test('no-dangling-object-ids: refuses a reference with no object of that id and type (SVR00003)', async () => {
  const r = await runRule(rule, files('search', 'pkg-missing'));
  assert.deepEqual(r.messages, ['file "/pkg/kibana/dashboard/pkg-d.json" is invalid: dangling reference found: pkg-missing (search) (SVR00003)']);
  assert.equal(r.errors[0]!.code, 'SVR00003');
  assert.equal((await runRule(rule, files('visualization', 'pkg-s'))).messages.length, 1, 'the type must match too');
});

test('no-dangling-object-ids: gate 3.0.0, every type', async () => {
  assert.equal((await runRule(rule, files('search', 'x'), { version: justBefore('3.0.0') })).ran, false);
  assert.equal((await runRule(rule, files('search', 'x'), { version: '3.0.0' })).messages.length, 1);
  assert.equal((await runRule(rule, files('search', 'x'), { version: '3.3.1', type: 'content' })).messages.length, 1);
});
