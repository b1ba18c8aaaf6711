import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './date-fields.js';
import { has, runRule } from './testing.js';

test('date-fields: accepts date_format on date fields', async () => {
  assert.deepEqual((await runRule(rule, { 'data_stream/a/fields/f.yml': [{ name: 't', type: 'date', date_format: 'epoch_millis' }] })).messages, []);
});

test('date-fields: refuses date_format elsewhere', async () => {
  const r = await runRule(rule, { 'data_stream/a/fields/f.yml': [{ name: 't', type: 'keyword', date_format: 'x' }] });
  assert.ok(has(r, `field "t" of type keyword can't set date_format. date_format is allowed for date field type only`));
});

test('date-fields: integration and input only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'content' })).ran, false);
});
