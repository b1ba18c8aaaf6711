import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './deployment-modes.js';
import { has, runRule } from './testing.js';

const pt = (deployment_modes: object | undefined, inputs: object[]) => ({ policy_templates: [{ name: 'test', deployment_modes, inputs }] });

test('deployment-modes: accepts inputs covering the enabled modes', async () => {
  assert.deepEqual((await runRule(rule, {}, { manifest: pt({ agentless: { enabled: true } }, [{ type: 'a' }]) })).messages, []);
  assert.deepEqual((await runRule(rule, {}, { manifest: pt({ default: { enabled: false }, agentless: { enabled: true } }, [{ type: 'a', deployment_modes: ['agentless'] }]) })).messages, []);
});

test('deployment-modes: refuses an unsupported enabled mode, an input listing a disabled mode, and agentless.release when agentless is the only mode', async () => {
  assert.ok(has(await runRule(rule, {}, { manifest: pt({ agentless: { enabled: true } }, [{ type: 'a', deployment_modes: ['default'] }]) }), 'policy template "test" enables deployment mode "agentless" but no input supports this mode'));
  assert.ok(has(await runRule(rule, {}, { manifest: pt({}, [{ type: 'a', deployment_modes: ['default', 'agentless'] }]) }), 'input "a" in policy template "test" specifies unsupported deployment mode "agentless"'));
  assert.ok(has(await runRule(rule, {}, { manifest: pt({ default: { enabled: false }, agentless: { enabled: true, release: 'beta' } }, [{ type: 'a' }]) }), 'policy template "test" sets agentless.release but agentless is the only deployment mode; use the package version to indicate maturity instead'));
});

test('deployment-modes: agentless.release is fine with two templates; integration only', async () => {
  const two = { policy_templates: [{ name: 'a', deployment_modes: { default: { enabled: false }, agentless: { enabled: true, release: 'beta' } }, inputs: [{ type: 'x' }] }, { name: 'b', inputs: [{ type: 'y' }] }] };
  assert.deepEqual((await runRule(rule, {}, { manifest: two })).messages, []);
  assert.equal((await runRule(rule, {}, { type: 'input' })).ran, false);
});
