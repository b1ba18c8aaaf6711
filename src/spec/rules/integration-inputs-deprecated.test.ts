import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './integration-inputs-deprecated.js';
import { has, runRule, justBefore } from './testing.js';

const dep = { since: '1.0.0', description: 'gone' };
const m = (inputs: object[], extra: object = {}) => ({ manifest: { policy_templates: [{ name: 'p', inputs }], ...extra } });

test('integration-inputs-deprecated: accepts some deprecated inputs, or a deprecated package', async () => {
  assert.deepEqual((await runRule(rule, {}, m([{ type: 'a', deprecated: dep }, { type: 'b' }]))).messages, []);
  assert.deepEqual((await runRule(rule, {}, m([{ type: 'a', deprecated: dep }], { deprecated: dep }))).messages, []);
});

test('integration-inputs-deprecated: refuses all inputs deprecated in a live package', async () => {
  assert.ok(has(await runRule(rule, {}, m([{ type: 'a', deprecated: dep }])), 'all inputs are deprecated but the integration package is not marked as deprecated'));
});

test('integration-inputs-deprecated: gate 3.6.0', async () => {
  assert.equal((await runRule(rule, {}, { ...m([{ type: 'a', deprecated: dep }]), version: justBefore('3.6.0') })).ran, false);
});
