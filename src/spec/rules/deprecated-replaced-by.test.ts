import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './deprecated-replaced-by.js';
import { has, runRule, justBefore } from './testing.js';

const dep = (replaced_by: object) => ({ since: '1.0.0', description: 'd', replaced_by });

test('deprecated-replaced-by: accepts replaced_by naming its own level', async () => {
  const manifest = { deprecated: dep({ package: 'new' }), policy_templates: [{ name: 'p', deprecated: dep({ policy_template: 'q' }), inputs: [{ type: 'a', deprecated: dep({ input: 'b' }) }] }] };
  const files = { 'data_stream/d/manifest.yml': { title: 'd', deprecated: dep({ data_stream: 'e' }), streams: [{ input: 'a', vars: [{ name: 'v', deprecated: dep({ variable: 'w' }) }] }] } };
  assert.deepEqual((await runRule(rule, files, { manifest })).messages, []);
});

test('deprecated-replaced-by: refuses replaced_by without its level key', async () => {
  const manifest = { deprecated: dep({ input: 'x' }), policy_templates: [{ name: 'p', deprecated: dep({ package: 'x' }), inputs: [{ type: 'a', deprecated: dep({ package: 'x' }) }] }] };
  const files = { 'data_stream/d/manifest.yml': { title: 'd', deprecated: dep({ package: 'x' }), streams: [{ input: 'a', vars: [{ name: 'v', deprecated: dep({ package: 'x' }) }] }] } };
  const r = await runRule(rule, files, { manifest });
  assert.equal(r.messages.length, 5);
  assert.ok(has(r, 'deprecated.replaced_by.package must be specified when deprecated.replaced_by is used'));
  assert.ok(has(r, 'policy_template deprecated.replaced_by.policy_template must be specified'));
  assert.ok(has(r, 'input deprecated.replaced_by.input must be specified'));
  assert.ok(has(r, 'file "/pkg/data_stream/d/manifest.yml" is invalid: deprecated.replaced_by.data_stream must be specified'));
  assert.ok(has(r, 'variable deprecated.replaced_by.variable must be specified'));
});

test('deprecated-replaced-by: gate 3.6.0', async () => {
  const bad = { manifest: { deprecated: dep({}) } };
  assert.equal((await runRule(rule, {}, { ...bad, version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, version: '3.6.0' })).messages.length, 1);
});
