import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './minimum-agent-version.js';
import { has, runRule } from './testing.js';

test('minimum-agent-version: accepts constraints (nested or dotted key), and none', async () => {
  for (const c of ['^8.13.0', '>= 8.0.0, < 9.0.0', '>=8.10.0 || ^9.0.0', '8.x']) {
    assert.deepEqual((await runRule(rule, {}, { manifest: { conditions: { agent: { version: c } } } })).messages, [], c);
  }
  assert.deepEqual((await runRule(rule, {}, { manifest: { conditions: { 'agent.version': '^8.0.0' } } })).messages, []);
  assert.deepEqual((await runRule(rule, {}, {})).messages, []);
});

test('minimum-agent-version: refuses what is not a constraint, and a non-string', async () => {
  assert.ok(has(await runRule(rule, {}, { manifest: { conditions: { agent: { version: 'version' } } } }), 'invalid agent.version condition: improper constraint: "version"'), 'package-spec bad_agent_version_v3');
  assert.ok(has(await runRule(rule, {}, { manifest: { conditions: { agent: { version: 8 } } } }), 'manifest agent version is not a string'));
});

test('minimum-agent-version: no gate, all types', async () => {
  assert.equal((await runRule(rule, {}, { version: '1.0.0', type: 'input', manifest: { conditions: { agent: { version: 'x y' } } } })).messages.length, 1);
});
