import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './field-groups.js';
import { has, runRule } from './testing.js';

const f = (fields: object[]) => ({ 'data_stream/a/fields/f.yml': fields });

test('field-groups: accepts units on leaf fields', async () => {
  assert.deepEqual((await runRule(rule, f([{ name: 'g', type: 'group', fields: [{ name: 'x', type: 'long', unit: 'byte', metric_type: 'gauge' }] }]))).messages, []);
});

test('field-groups: refuses unit or metric_type on a group (unit reported first)', async () => {
  const r = await runRule(rule, f([{ name: 'g', type: 'group', unit: 'byte', metric_type: 'gauge', fields: [{ name: 'x', type: 'long' }] }, { name: 'h', type: 'group', metric_type: 'gauge' }]));
  assert.equal(r.messages.length, 2);
  assert.ok(has(r, `field "g" can't have unit property'`));
  assert.ok(has(r, `field "h" can't have metric type property'`));
});

test('field-groups: runs for every version and type (input root fields too)', async () => {
  const r = await runRule(rule, { 'fields/f.yml': [{ name: 'g', type: 'group', unit: 'ms' }] }, { version: '1.0.0', type: 'input' });
  assert.equal(r.messages.length, 1);
});
