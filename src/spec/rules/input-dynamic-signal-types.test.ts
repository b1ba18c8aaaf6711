import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './input-dynamic-signal-types.js';
import { has, runRule, justBefore } from './testing.js';

const inputPkg = (pt: object) => ({ type: 'input' as const, manifest: { policy_templates: [{ name: 'sample', ...pt }] } });

test('input-dynamic-signal-types: accepts dynamic signal types with otelcol and no type', async () => {
  assert.deepEqual((await runRule(rule, {}, inputPkg({ input: 'otelcol', dynamic_signal_types: true }))).messages, []);
  assert.deepEqual((await runRule(rule, {}, { manifest: { policy_templates: [{ name: 's', inputs: [{ type: 'otelcol', dynamic_signal_types: true }] }] } })).messages, []);
});

test('input-dynamic-signal-types: refuses another input, or a type with it', async () => {
  assert.ok(has(await runRule(rule, {}, inputPkg({ input: 'logfile', dynamic_signal_types: true })), `policy template "sample": dynamic_signal_types is only allowed when input is 'otelcol', got 'logfile'`));
  assert.ok(has(await runRule(rule, {}, inputPkg({ input: 'otelcol', type: 'logs', dynamic_signal_types: true })), 'policy template "sample": type field must not be set when dynamic_signal_types is true'));
  assert.ok(has(await runRule(rule, {}, { manifest: { policy_templates: [{ name: 'sample', inputs: [{ type: 'logfile', dynamic_signal_types: true }] }] } }), `policy template "sample": input type "logfile": dynamic_signal_types is only allowed when input is 'otelcol'`));
  assert.ok(has(await runRule(rule, { 'data_stream/d/manifest.yml': { title: 'd', streams: [{ input: 'logfile', dynamic_signal_types: true }] } }), `stream with input type "logfile": dynamic_signal_types is only allowed when input is 'otelcol'`));
});

test('input-dynamic-signal-types: gate 3.6.0', async () => {
  const bad = inputPkg({ input: 'logfile', dynamic_signal_types: true });
  assert.equal((await runRule(rule, {}, { ...bad, version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, version: '3.6.0' })).messages.length, 1);
});
