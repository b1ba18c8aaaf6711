import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './required-var-groups.js';
import { has, runRule } from './testing.js';

const manifest = (vars: object[], required_vars: object) => ({
  vars: [{ name: 'url', type: 'text' }],
  policy_templates: [{ name: 'pt', inputs: [{ type: 'httpjson', vars, required_vars }] }],
});

test('required-var-groups: accepts groups of optional vars defined in scope (package, template, input)', async () => {
  const r = await runRule(rule, {}, { manifest: manifest([{ name: 'api_key', type: 'password' }], { key: [{ name: 'api_key' }], url: [{ name: 'url' }] }) });
  assert.deepEqual(r.messages, []);
});

test('required-var-groups: refuses undefined vars and always-required ones, in the manifest and in data streams', async () => {
  const r = await runRule(rule, {}, { manifest: manifest([{ name: 'api_key', type: 'password', required: true }], { a: [{ name: 'api_key' }, { name: 'password' }] }) });
  assert.ok(has(r, 'file "/pkg/manifest.yml" is invalid: required var "api_key" in optional group is defined as always required'));
  assert.ok(has(r, 'required var "password" in optional group is not defined'));
  const ds = await runRule(rule, { 'data_stream/a/manifest.yml': { title: 'a', streams: [{ input: 'httpjson', vars: [], required_vars: { g: [{ name: 'nope' }] } }] } }, { manifest: manifest([], {}) });
  assert.ok(has(ds, 'file "/pkg/data_stream/a/manifest.yml" is invalid: required var "nope" in optional group is not defined'));
});

test('required-var-groups: no gate (runs from 1.0.0, all types)', async () => {
  assert.equal((await runRule(rule, {}, { version: '1.0.0', manifest: manifest([], { a: [{ name: 'x' }] }) })).messages.length, 1);
});
