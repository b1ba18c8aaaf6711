import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './no-embedded-ecs.js';
import { has, runRule } from './testing.js';

const ds = (name: string) => ({ 'data_stream/d/manifest.yml': { title: 'd', elasticsearch: { index_template: { mappings: { dynamic_templates: [{ [name]: { mapping: { type: 'keyword' } } }] } } } } });

test('no-embedded-ecs: accepts ordinary dynamic templates in source mode', async () => {
  assert.deepEqual((await runRule(rule, ds('strings_as_keyword'), { mode: 'source' })).messages, []);
});

test('no-embedded-ecs: refuses _embedded_ecs* in source mode', async () => {
  assert.ok(has(await runRule(rule, ds('_embedded_ecs-x'), { mode: 'source' }), 'dynamic template "_embedded_ecs-x" starts with "_embedded_ecs"; this key is auto-injected at build time and must not appear in source packages'));
});

test('no-embedded-ecs: source mode only (legacy accepts, as bad_embedded_ecs shows)', async () => {
  assert.equal((await runRule(rule, ds('_embedded_ecs-x'))).ran, false);
  assert.equal((await runRule(rule, ds('_embedded_ecs-x'), { mode: 'build' })).messages.length, 0);
});
