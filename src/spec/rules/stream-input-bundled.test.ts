import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './stream-input-bundled.js';
import { has, runRule } from './testing.js';

test('stream-input-bundled: accepts bundled streams and inputs', async () => {
  assert.deepEqual((await runRule(rule, { 'data_stream/d/manifest.yml': { title: 'd', streams: [{ input: 'sql', template_paths: ['a.hbs'] }] } }, { mode: 'build', manifest: { policy_templates: [{ name: 'p', inputs: [{ type: 'sql' }] }] } })).messages, []);
});

test('stream-input-bundled: refuses package: references in a built package', async () => {
  const r = await runRule(rule, { 'data_stream/d/manifest.yml': { title: 'd', streams: [{ package: 'sql_input' }] } }, { mode: 'build', manifest: { policy_templates: [{ name: 'p', inputs: [{ package: 'sql_input' }] }] } });
  assert.ok(has(r, "stream[0] has 'package:' which is source-only; build packages must use 'input:' + 'template_paths:'"));
  assert.ok(has(r, `policy_template "p" input[0] has 'package:' which is source-only; build packages must use 'type:'`));
});

test('stream-input-bundled: build mode, integration only', async () => {
  assert.equal((await runRule(rule, {}, {})).ran, false);
  assert.equal((await runRule(rule, {}, { mode: 'build', type: 'input' })).ran, false);
});
