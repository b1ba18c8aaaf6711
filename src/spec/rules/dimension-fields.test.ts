import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './dimension-fields.js';
import { has, runRule } from './testing.js';

test('dimension-fields: accepts keyword, numeric and ip dimensions, and external ones', async () => {
  const fields = [{ name: 'a', type: 'keyword', dimension: true }, { name: 'b', type: 'long', dimension: true }, { name: 'c', type: 'ip', dimension: true }, { name: 'd', external: 'ecs', dimension: true }];
  assert.deepEqual((await runRule(rule, { 'data_stream/a/fields/f.yml': fields })).messages, []);
});

test('dimension-fields: refuses a dimension of another type', async () => {
  const r = await runRule(rule, { 'data_stream/a/fields/f.yml': [{ name: 'x', type: 'text', dimension: true }] });
  assert.ok(has(r, `field "x" of type text can't be a dimension, allowed types for dimensions: constant_keyword, keyword, long`));
  assert.equal(r.errors[0]!.line, 1);
});

test('dimension-fields: integration and input only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'content' })).ran, false);
  assert.equal((await runRule(rule, { 'fields/f.yml': [{ name: 'x', type: 'text', dimension: true }] }, { type: 'input', version: '1.0.0' })).messages.length, 1);
});
