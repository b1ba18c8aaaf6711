import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './sections.js';
import { has, runRule } from './testing.js';

test('sections: accepts unique sections referenced in their scope', async () => {
  const manifest = { sections: [{ name: 'auth', title: 'A' }], vars: [{ name: 'k', type: 'text', section: 'auth' }], policy_templates: [{ name: 'pt', sections: [{ name: 's' }], vars: [{ name: 'v', section: 's' }], inputs: [{ type: 'x', vars: [{ name: 'i' }] }] }] };
  assert.deepEqual((await runRule(rule, {}, { manifest })).messages, []);
});

test('sections: refuses duplicates and undefined references, at every scope', async () => {
  assert.ok(has(await runRule(rule, {}, { manifest: { sections: [{ name: 'auth_section' }, { name: 'auth_section' }] } }), 'duplicate section name "auth_section" in package root'));
  assert.ok(has(await runRule(rule, {}, { manifest: { vars: [{ name: 'secret_access_key', section: 'nonexistent_section' }] } }), 'var "secret_access_key" references undefined section "nonexistent_section" in package root'));
  assert.ok(has(await runRule(rule, {}, { manifest: { policy_templates: [{ name: 'pt', inputs: [{ type: 'x', vars: [{ name: 'v', section: 'root_only' }] }] }], sections: [{ name: 'root_only' }] } }), 'var "v" references undefined section "root_only" in input'));
  assert.ok(has(await runRule(rule, { 'data_stream/d/manifest.yml': { title: 'd', streams: [{ input: 'logfile', vars: [{ name: 'v', section: 'x' }] }] } }), 'var "v" references undefined section "x" in stream "logfile"'));
});

test('sections: no version gate (ungated patch-release feature)', async () => {
  assert.equal((await runRule(rule, {}, { version: '3.3.2', manifest: { vars: [{ name: 'v', section: 'x' }] } })).messages.length, 1);
});
