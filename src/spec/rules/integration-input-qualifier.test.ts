import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './integration-input-qualifier.js';
import { has, runRule, justBefore } from './testing.js';

const m = (inputs: object[]) => ({ manifest: { policy_templates: [{ name: 'p', inputs }] } });

test('integration-input-qualifier: accepts repeated types that all have a name', async () => {
  assert.deepEqual((await runRule(rule, {}, m([{ type: 'logfile', name: 'a' }, { type: 'logfile', name: 'b' }, { type: 'udp' }]))).messages, []);
});

test('integration-input-qualifier: refuses a repeated type without name, once per type (SVR00010)', async () => {
  const r = await runRule(rule, {}, m([{ type: 'logfile' }, { type: 'logfile' }, { type: 'logfile', name: 'x' }]));
  assert.equal(r.messages.length, 1);
  assert.ok(has(r, 'policy template "p": input with type "logfile" must have a name when multiple inputs of the same type are present (SVR00010)'));
  assert.equal(r.errors[0]!.code, 'SVR00010');
});

test('integration-input-qualifier: gate 3.6.0; legacy and build modes only', async () => {
  const bad = m([{ type: 'logfile' }, { type: 'logfile' }]);
  assert.equal((await runRule(rule, {}, { ...bad, version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, mode: 'source' })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, mode: 'build' })).messages.length, 1);
});
