import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './capabilities-required.js';
import { has, runRule, justBefore } from './testing.js';

const rules = { 'kibana/security_rule/r.json': { id: 'r', attributes: { rule_id: 'r' } } };

test('capabilities-required: accepts security rules with the security capability (nested or dotted key)', async () => {
  assert.deepEqual((await runRule(rule, rules, { manifest: { conditions: { elastic: { capabilities: ['security'] } } } })).messages, []);
  assert.deepEqual((await runRule(rule, rules, { manifest: { conditions: { 'elastic.capabilities': ['security', 'observability'] } } })).messages, []);
  assert.deepEqual((await runRule(rule, {})).messages, []);
});

test('capabilities-required: refuses security rules without it', async () => {
  assert.ok(has(await runRule(rule, rules, { manifest: { conditions: { elastic: { capabilities: ['observability'] } } } }), 'found security rule assets in package but security capability is missing'));
});

test('capabilities-required: gate 2.10.0', async () => {
  assert.equal((await runRule(rule, rules, { version: justBefore('2.10.0') })).ran, false);
  assert.equal((await runRule(rule, rules, { version: '2.10.0' })).messages.length, 1);
});
