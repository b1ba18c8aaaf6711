import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './unique-fields.js';
import { has, runRule, justBefore } from './testing.js';

const dup = {
  'data_stream/a/fields/base.yml': [{ name: 'event', type: 'group', fields: [{ name: 'dataset', type: 'keyword' }] }],
  'data_stream/a/fields/more.yml': [{ name: 'event.dataset', type: 'keyword' }],
};

test('unique-fields: accepts repeated parents and the same field in two data streams', async () => {
  const files = {
    'data_stream/a/fields/x.yml': [{ name: 'event', type: 'group', fields: [{ name: 'a', type: 'keyword' }] }, { name: 'event', type: 'group', fields: [{ name: 'b', type: 'keyword' }] }],
    'data_stream/b/fields/x.yml': [{ name: 'event.a', type: 'keyword' }],
  };
  assert.deepEqual((await runRule(rule, files)).messages, []);
});

test('unique-fields: refuses a leaf defined twice, naming the data stream / transform and the sorted files', async () => {
  const r = await runRule(rule, dup);
  assert.deepEqual(r.messages, ['field "event.dataset" is defined multiple times for data stream "a", found in: /pkg/data_stream/a/fields/base.yml, /pkg/data_stream/a/fields/more.yml']);
  assert.ok(has(await runRule(rule, { 'elasticsearch/transform/t/fields/f.yml': [{ name: 'x' }, { name: 'x' }] }), 'field "x" is defined multiple times for transform "t", found in:'));
  assert.ok(has(await runRule(rule, { 'fields/a.yml': [{ name: 'x' }], 'fields/b.yml': [{ name: 'x' }] }, { type: 'input' }), 'field "x" is defined multiple times, found in:'));
});

test('unique-fields: gate 2.0.0 (not run just before)', async () => {
  assert.equal((await runRule(rule, dup, { version: justBefore('2.0.0') })).messages.length, 0);
  assert.equal((await runRule(rule, dup, { version: '1.18.0' })).ran, false);
  assert.equal((await runRule(rule, dup, { version: '2.0.0' })).messages.length, 1);
});
