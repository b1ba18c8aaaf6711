import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './profiles-non-ga.js';
import { has, runRule } from './testing.js';

const ds = { 'data_stream/p/manifest.yml': { title: 'p', type: 'profiles' } };

test('profiles-non-ga: accepts a profiles data stream in a beta / 0.x package', async () => {
  assert.deepEqual((await runRule(rule, ds, { manifest: { version: '1.0.0-beta1' } })).messages, []);
  assert.deepEqual((await runRule(rule, ds, { manifest: { version: '0.3.0' } })).messages, []);
});

test('profiles-non-ga: refuses it in a GA package', async () => {
  assert.ok(has(await runRule(rule, ds, { version: '2.7.0' }), 'file "/pkg/data_stream/p/manifest.yml" is invalid: profiles data type cannot be used in GA packages'));
});

test('profiles-non-ga: integration only, every version', async () => {
  assert.equal((await runRule(rule, ds, { version: '1.0.0' })).messages.length, 1);
  assert.equal((await runRule(rule, ds, { type: 'input' })).ran, false);
});
