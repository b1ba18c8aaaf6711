import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './integration-policy-templates.js';
import { has, runRule } from './testing.js';

const ds = (stream: object, files: Record<string, string> = {}) => ({ 'data_stream/datasets/manifest.yml': { title: 'd', streams: [{ input: 'logfile', ...stream }] }, ...files });

test('integration-policy-templates: accepts the default stream.yml.hbs, named templates, suffix matches, package streams', async () => {
  assert.deepEqual((await runRule(rule, ds({}, { 'data_stream/datasets/agent/stream/stream.yml.hbs': 'x' }))).messages, []);
  assert.deepEqual((await runRule(rule, ds({ template_path: 'log.yml.hbs' }, { 'data_stream/datasets/agent/stream/filestream-log.yml.hbs': 'x' }))).messages, []);
  assert.deepEqual((await runRule(rule, ds({ input: undefined, package: 'sql_input' }))).messages, []);
  const inputs = { policy_templates: [{ name: 'sample', inputs: [{ type: 'logfile', template_path: 'input.yml.hbs' }] }] };
  assert.deepEqual((await runRule(rule, { 'agent/input/input.yml.hbs': 'x' }, { manifest: inputs })).messages, []);
});

test('integration-policy-templates: refuses missing stream and input templates', async () => {
  assert.ok(has(await runRule(rule, ds({})), 'file "/pkg/data_stream/datasets/manifest.yml" is invalid: data stream "data_stream/datasets" stream input "logfile": template file not found'));
  const inputs = { policy_templates: [{ name: 'sample', inputs: [{ type: 'logfile', template_path: 'missing.yml.hbs' }] }] };
  assert.ok(has(await runRule(rule, {}, { manifest: inputs }), 'policy template "sample": failed validation for policy input "logfile": template file not found'));
});

test('integration-policy-templates: integration only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'input' })).ran, false);
});
