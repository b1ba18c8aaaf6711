import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './ilm-policy-present.js';
import { has, runRule, justBefore } from './testing.js';

const ds = (ilm: string, extra: Record<string, string> = {}) => ({ 'data_stream/logs/manifest.yml': { title: 'l', type: 'logs', ilm_policy: ilm }, ...extra });

test('ilm-policy-present: accepts a policy with the prefix and its file', async () => {
  assert.deepEqual((await runRule(rule, ds('logs-pkg.logs-diagnostics', { 'data_stream/logs/elasticsearch/ilm/diagnostics.json': '{}' }))).messages, []);
});

test('ilm-policy-present: refuses a wrong prefix and a missing policy file', async () => {
  assert.ok(has(await runRule(rule, ds('other-policy')), 'field ilm_policy must start with "logs-pkg.logs-", found "other-policy"'));
  assert.ok(has(await runRule(rule, ds('logs-pkg.logs-missing')), 'field ilm_policy: ILM policy "logs-pkg.logs-missing" not found in package, expected definition in "/pkg/data_stream/logs/elasticsearch/ilm/missing.json"'));
});

test('ilm-policy-present: gate 2.0.0, integration only', async () => {
  assert.equal((await runRule(rule, ds('x'), { version: justBefore('2.0.0') })).ran, false);
  assert.equal((await runRule(rule, ds('x'), { version: '2.0.0' })).messages.length, 1);
  assert.equal((await runRule(rule, ds('x'), { type: 'input' })).ran, false);
});
