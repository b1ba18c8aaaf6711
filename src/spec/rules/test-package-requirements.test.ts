import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './test-package-requirements.js';
import { has, runRule, justBefore } from './testing.js';

const manifest = { requires: { input: [{ package: 'sql_input', version: '^1.2.0' }] } };

test('test-package-requirements: accepts requirements listed in the manifest with a satisfying version, and existing sources', async () => {
  const files = { '_dev/test/config.yml': { system: { requires: [{ package: 'sql_input', version: '1.3.0' }, { source: 'data_stream' }] } }, 'data_stream/d/manifest.yml': { title: 'd' } };
  assert.deepEqual((await runRule(rule, files, { manifest })).messages, []);
});

test('test-package-requirements: refuses unlisted packages, unsatisfied versions, absolute or missing sources', async () => {
  assert.ok(has(await runRule(rule, { '_dev/test/config.yml': { policy: { requires: [{ package: 'missing_package', version: '1.0.0' }] } } }, { manifest }), 'policy.requires[0] references package "missing_package" which is not listed in manifest requires section'));
  assert.ok(has(await runRule(rule, { '_dev/test/config.yml': { system: { requires: [{ package: 'sql_input', version: '2.0.0' }] } } }, { manifest }), 'system.requires[0] package "sql_input" version "2.0.0" does not satisfy constraint "^1.2.0"'));
  assert.ok(has(await runRule(rule, { 'data_stream/d/_dev/test/system/test-default-config.yml': { requires: [{ source: '/abs/path' }] } }, { manifest }), 'source path to required package "/abs/path" must be relative'));
  assert.ok(has(await runRule(rule, { 'data_stream/d/_dev/test/policy/test-a.yml': { requires: [{ source: 'nowhere' }] } }, { manifest }), 'source path to required package "nowhere" does not exist'));
});

test('test-package-requirements: gate 3.6.0; legacy and source modes only', async () => {
  const bad = { '_dev/test/config.yml': { policy: { requires: [{ package: 'missing_package', version: '1.0.0' }] } } };
  assert.equal((await runRule(rule, bad, { manifest, version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, bad, { manifest, mode: 'build' })).ran, false);
  assert.equal((await runRule(rule, bad, { manifest, mode: 'source' })).messages.length, 1);
});
