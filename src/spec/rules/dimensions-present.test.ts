import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './dimensions-present.js';
import { has, runRule, justBefore } from './testing.js';

const tsds = (fields: object[]) => ({ 'data_stream/m/manifest.yml': { title: 'm', type: 'metrics', elasticsearch: { index_mode: 'time_series' } }, 'data_stream/m/fields/f.yml': fields });

test('dimensions-present: accepts a time-series data stream with a dimension', async () => {
  assert.deepEqual((await runRule(rule, tsds([{ name: 'host', type: 'keyword', dimension: true }]))).messages, []);
});

test('dimensions-present: refuses one without', async () => {
  assert.ok(has(await runRule(rule, tsds([{ name: 'host', type: 'keyword' }])), 'file "/pkg/data_stream/m/manifest.yml" is invalid: time series mode enabled but no dimensions configured'));
});

test('dimensions-present: gate 3.0.1', async () => {
  assert.equal((await runRule(rule, tsds([]), { version: justBefore('3.0.1') })).ran, false);
  assert.equal((await runRule(rule, tsds([]), { version: '3.0.1' })).messages.length, 1);
});
