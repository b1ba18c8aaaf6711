import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './prerelease.js';
import { has, runRule } from './testing.js';

test('prerelease: accepts the allowed tags and numbered variants', async () => {
  for (const version of ['1.0.0', '1.0.0-next', '1.0.0-SNAPSHOT', '1.0.0-beta', '1.0.0-beta1', '1.0.0-beta-1', '1.0.0-rc.1.2', '2.0.0-preview3', '0.1.0']) {
    assert.deepEqual((await runRule(rule, {}, { manifest: { version } })).messages, [], version);
  }
});

test('prerelease: refuses other tags and any prerelease below 1.0.0', async () => {
  assert.ok(has(await runRule(rule, {}, { manifest: { version: '1.0.0-alpha1' } }), 'prerelease tag (alpha1) should be one of [next, SNAPSHOT], or one of [beta, rc, preview] followed by numbers'));
  assert.ok(has(await runRule(rule, {}, { manifest: { version: '1.0.0-betax' } }), 'prerelease tag (betax)'));
  assert.ok(has(await runRule(rule, {}, { manifest: { version: '0.5.0-beta1' } }), 'versions below 1.0.0 are considered technical previews, please remove prerelease tag (version: 0.5.0-beta1)'));
});

test('prerelease: no version gate', async () => {
  assert.equal((await runRule(rule, {}, { version: '1.0.0', manifest: { version: '1.0.0-foo' } })).messages.length, 1);
});
