import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './package-references.js';
import { has, runRule, justBefore } from './testing.js';

const m = (requires: object, inputPkg = 'sql_input') => ({ manifest: { requires, policy_templates: [{ name: 'p', inputs: [{ package: inputPkg }] }] } });

test('package-references: accepts a package input listed in requires.input with an exact version', async () => {
  assert.deepEqual((await runRule(rule, {}, m({ input: [{ package: 'sql_input', version: '1.2.3' }] }))).messages, []);
});

test('package-references: refuses unlisted packages, content packages, and version constraints', async () => {
  assert.ok(has(await runRule(rule, {}, m({}, 'missing_package')), 'policy_templates[0].inputs[0] references package "missing_package" which is not listed in requires section'));
  assert.ok(has(await runRule(rule, {}, m({ content: [{ package: 'sql_input', version: '1.0.0' }] })), 'which is a content package, only input packages allowed'));
  assert.ok(has(await runRule(rule, {}, m({ input: [{ package: 'sql_input', version: '^1.2.0' }] })), 'field requires.input.0.version: version "^1.2.0" for package "sql_input" must be a valid semantic version, constraints are not allowed'));
  const ds = await runRule(rule, { 'data_stream/d/manifest.yml': { title: 'd', streams: [{ package: 'nope' }] } }, { manifest: {} });
  assert.ok(has(ds, 'file "data_stream/d/manifest.yml" is invalid: streams[0] references package "nope" which is not listed in manifest requires section'));
});

test('package-references: gate 3.6.0, integration only', async () => {
  assert.equal((await runRule(rule, {}, { ...m({}, 'x'), version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { type: 'input' })).ran, false);
});
