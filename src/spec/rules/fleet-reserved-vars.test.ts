import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './fleet-reserved-vars.js';
import { has, runRule, justBefore } from './testing.js';

const ds = (type: string, input: string, vars: object[], extra: object = {}) => ({ 'data_stream/d/manifest.yml': { title: 'd', type, streams: [{ input, vars, ...extra }] } });

test('fleet-reserved-vars: accepts use_apm (bool, otelcol, traces) and data_stream.dataset (text) on streams', async () => {
  assert.deepEqual((await runRule(rule, ds('traces', 'otelcol', [{ name: 'use_apm', type: 'bool' }, { name: 'data_stream.dataset', type: 'text' }]), { version: '3.6.1' })).messages, []);
  assert.deepEqual((await runRule(rule, ds('logs', 'otelcol', [{ name: 'use_apm', type: 'bool' }], { dynamic_signal_types: true }), { version: '3.6.1' })).messages, []);
});

test('fleet-reserved-vars: refuses wrong type, input, data stream type, and scope', async () => {
  const r = await runRule(rule, ds('logs', 'logfile', [{ name: 'use_apm', type: 'text' }]), { version: '3.6.1' });
  assert.equal(r.messages.length, 3);
  assert.ok(has(r, 'stream with input type "logfile": variable "use_apm" must be "otelcol" input, got "logfile"'));
  assert.ok(has(r, 'variable "use_apm" must be type "bool", got "text"'));
  assert.ok(has(r, 'variable "use_apm" must be "traces" data stream type or "dynamic_signal_types: true", got "logs" data stream type'));
  assert.ok(has(await runRule(rule, {}, { version: '3.6.1', manifest: { vars: [{ name: 'use_apm', type: 'bool' }] } }), 'package root vars: variable "use_apm" must only be declared at stream level'));
  const input = await runRule(rule, {}, { version: '3.6.1', type: 'input', manifest: { policy_templates: [{ name: 'sample', input: 'otelcol', type: 'traces', vars: [{ name: 'data_stream.dataset', type: 'bool' }] }] } });
  assert.ok(has(input, 'policy template "sample": variable "data_stream.dataset" must be type "text", got "bool"'));
});

test('fleet-reserved-vars: gate 3.6.1; not for content', async () => {
  const bad = ds('logs', 'logfile', [{ name: 'use_apm', type: 'text' }]);
  assert.equal((await runRule(rule, bad, { version: justBefore('3.6.1') })).ran, false);
  assert.equal((await runRule(rule, bad, { version: '3.6.1' })).messages.length, 3);
  assert.equal((await runRule(rule, {}, { version: '3.6.1', type: 'content' })).ran, false);
});
