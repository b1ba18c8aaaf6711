import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './external-fields-with-dev-folder.js';
import { has, runRule } from './testing.js';

const ext = { 'data_stream/a/fields/f.yml': [{ name: 'container.id', external: 'ecs' }] };

test('external-fields-with-dev-folder: accepts external fields with a build.yml dependency', async () => {
  assert.deepEqual((await runRule(rule, { ...ext, '_dev/build/build.yml': { dependencies: { ecs: { reference: 'git@v8.0.0' } } } })).messages, []);
});

test('external-fields-with-dev-folder: refuses without build.yml or without the dependency', async () => {
  assert.ok(has(await runRule(rule, ext), 'field container.id with external key defined ("ecs") but no _dev/build/build.yml found'));
  assert.ok(has(await runRule(rule, { ...ext, '_dev/build/build.yml': { dependencies: { other: {} } } }), 'field container.id with external key defined ("ecs") but no definition found for it (_dev/build/build.yml)'));
});

test('external-fields-with-dev-folder: legacy and source modes only', async () => {
  assert.equal((await runRule(rule, ext, { mode: 'source' })).messages.length, 1);
  const b = await runRule(rule, ext, { mode: 'build' });
  assert.equal(b.ran, false);
  assert.equal(b.messages.length, 0);
});
