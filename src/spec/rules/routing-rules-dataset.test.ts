import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './routing-rules-dataset.js';
import { has, runRule, justBefore } from './testing.js';

const rr = [{ source_dataset: 'rules', rules: [{ target_dataset: 'x', if: 'true', namespace: 'default' }] }];

test('routing-rules-dataset: accepts routing rules with a dataset, and no rules at all', async () => {
  assert.deepEqual((await runRule(rule, { 'data_stream/rules/manifest.yml': { title: 'r', dataset: 'pkg.rules' }, 'data_stream/rules/routing_rules.yml': rr }, { version: '2.9.0' })).messages, []);
  assert.deepEqual((await runRule(rule, { 'data_stream/rules/manifest.yml': { title: 'r' }, 'data_stream/rules/routing_rules.yml': '[]' }, { version: '2.9.0' })).messages, []);
});

test('routing-rules-dataset: refuses routing rules without dataset', async () => {
  const r = await runRule(rule, { 'data_stream/rules/manifest.yml': { title: 'r' }, 'data_stream/rules/routing_rules.yml': rr }, { version: '2.9.0' });
  assert.ok(has(r, 'routing rules defined in data stream "rules" but dataset field is missing: dataset field is required in manifest for data stream "rules"'));
});

test('routing-rules-dataset: gate 2.9.0', async () => {
  const files = { 'data_stream/rules/manifest.yml': { title: 'r' }, 'data_stream/rules/routing_rules.yml': rr };
  assert.equal((await runRule(rule, files, { version: justBefore('2.9.0') })).ran, false);
  assert.equal((await runRule(rule, files, { version: '2.8.0' })).messages.length, 0);
});
