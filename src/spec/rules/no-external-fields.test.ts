import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './no-external-fields.js';
import { has, runRule } from './testing.js';

test('no-external-fields: accepts materialized fields in build mode', async () => {
  assert.deepEqual((await runRule(rule, { 'data_stream/d/fields/f.yml': [{ name: 'a', type: 'keyword' }] }, { mode: 'build' })).messages, []);
});

test('no-external-fields: refuses external fields in build mode', async () => {
  assert.ok(has(await runRule(rule, { 'data_stream/d/fields/f.yml': [{ name: 'a', external: 'ecs' }] }, { mode: 'build' }), 'field a has external: ecs reference; external fields must be materialized before packaging'));
});

test('no-external-fields: build mode only', async () => {
  assert.equal((await runRule(rule, { 'data_stream/d/fields/f.yml': [{ name: 'a', external: 'ecs' }] })).ran, false);
});
