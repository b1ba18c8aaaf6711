import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './kibana-object-ids.js';
import { has, runRule } from './testing.js';

test('kibana-object-ids: accepts matching ids, and a security rule whose file name is its id starting with the rule id', async () => {
  const files = {
    'kibana/dashboard/pkg-a.json': { id: 'pkg-a', type: 'dashboard' },
    'kibana/security_rule/r1-v2.json': { id: 'r1-v2', type: 'security-rule', attributes: { rule_id: 'r1' } },
  };
  assert.deepEqual((await runRule(rule, files)).messages, []);
});

test('kibana-object-ids: refuses a non-matching id and a security rule id without its rule id', async () => {
  assert.ok(has(await runRule(rule, { 'kibana/dashboard/pkg-a.json': { id: 'pkg-b' } }), 'kibana object file [/pkg/kibana/dashboard/pkg-a.json] defines non-matching ID [pkg-b]'));
  assert.ok(has(await runRule(rule, { 'kibana/security_rule/x.json': { id: 'saved_object_id', attributes: { rule_id: 'rule_id' } } }), 'kibana object ID [saved_object_id] should start with rule ID [rule_id]'));
  // Go also checks the file name of security rules once the prefix holds.
  assert.ok(has(await runRule(rule, { 'kibana/security_rule/other.json': { id: 'r1-v2', attributes: { rule_id: 'r1' } } }), 'defines non-matching ID [r1-v2]'));
});

test('kibana-object-ids: integration and content, every version', async () => {
  assert.equal((await runRule(rule, { 'kibana/search/a.json': { id: 'b' } }, { version: '1.0.0' })).messages.length, 1);
  assert.equal((await runRule(rule, { 'kibana/search/a.json': { id: 'b' } }, { version: '3.3.1', type: 'content' })).messages.length, 1);
  assert.equal((await runRule(rule, {}, { type: 'input' })).ran, false);
});
