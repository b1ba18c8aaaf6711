import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './version-integrity.js';
import { has, runRule } from './testing.js';

const cl = (...vs: string[]) => vs.map((version) => ({ version, changes: [{ description: 'x', type: 'enhancement', link: 'https://github.com/o/r/pull/1' }] }));

test('version-integrity: accepts a manifest version equal to the newest entry, and a -next entry on top', async () => {
  assert.deepEqual((await runRule(rule, { 'changelog.yml': cl('1.0.0', '0.9.0') })).messages, []);
  assert.deepEqual((await runRule(rule, { 'changelog.yml': cl('1.0.1-next', '1.0.0') })).messages, []);
});

test('version-integrity: refuses duplicates, a missing entry, an older first entry, a missing changelog', async () => {
  assert.ok(has(await runRule(rule, { 'changelog.yml': cl('1.0.0', '1.0.0') }), 'versions in changelog must be unique, found at least two same versions (1.0.0)'));
  assert.ok(has(await runRule(rule, { 'changelog.yml': cl('0.9.0') }), "current manifest version doesn't have changelog entry"));
  assert.ok(has(await runRule(rule, { 'changelog.yml': cl('1.0.0', '1.1.0') }), 'changelog entry 1.1.0 is greater than or equal to first changelog entry: 1.0.0'));
  assert.ok(has(await runRule(rule, {}), 'single changelog file expected'));
});

test('version-integrity: runs at every format version and type', async () => {
  for (const [version, type] of [['1.0.0', 'integration'], ['3.3.1', 'content'], ['2.0.0', 'input']] as const) {
    assert.ok(has(await runRule(rule, { 'changelog.yml': cl('0.9.0') }, { version, type }), "doesn't have changelog entry"));
  }
});
