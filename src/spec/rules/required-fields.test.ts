import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './required-fields.js';
import { has, runRule, BASE_FIELDS } from './testing.js';

test('required-fields: accepts the four fields with their types (external ones untyped); transforms exempt', async () => {
  const files = {
    'data_stream/a/fields/base.yml': [...BASE_FIELDS.slice(0, 3), { name: '@timestamp', external: 'ecs' }],
    'elasticsearch/transform/t/fields/f.yml': [{ name: 'x', type: 'keyword' }],
  };
  assert.deepEqual((await runRule(rule, files)).messages, []);
});

test('required-fields: refuses a missing field and a wrong type', async () => {
  const r = await runRule(rule, { 'data_stream/foo/fields/base.yml': [{ name: 'data_stream.dataset', type: 'keyword' }, ...BASE_FIELDS.slice(2)] });
  assert.equal(r.messages.length, 2);
  assert.ok(has(r, 'expected type "constant_keyword" for required field "data_stream.dataset", found "keyword" in "/pkg/data_stream/foo/fields/base.yml"'));
  assert.ok(has(r, 'expected field "data_stream.type" with type "constant_keyword" not found in datastream "foo"'));
  const input = await runRule(rule, { 'fields/base.yml': BASE_FIELDS.slice(1) }, { type: 'input' });
  assert.deepEqual(input.messages, ['expected field "data_stream.type" with type "constant_keyword" not found']);
});

test('required-fields: a data stream without fields is not checked (Go keys on the fields found); content not run', async () => {
  assert.deepEqual((await runRule(rule, { 'data_stream/a/manifest.yml': { title: 'a' } })).messages, []);
  assert.equal((await runRule(rule, {}, { type: 'content' })).ran, false);
});
