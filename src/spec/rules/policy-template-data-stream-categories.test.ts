import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './policy-template-data-stream-categories.js';
import { has, runRule } from './testing.js';

const files = (dsCats: string[]) => ({ 'data_stream/mylogs/manifest.yml': { title: 'l', categories: dsCats } });
const pt = (extra: object) => ({ manifest: { policy_templates: [{ name: 'mytemplate', categories: ['observability'], ...extra }] } });

test('policy-template-data-stream-categories: accepts data streams carrying the template categories; templates without data_streams are skipped', async () => {
  assert.deepEqual((await runRule(rule, files(['observability', 'security']), pt({ data_streams: ['mylogs'] }))).messages, []);
  assert.deepEqual((await runRule(rule, files(['security']), pt({}))).messages, []);
});

test('policy-template-data-stream-categories: refuses a named data stream missing a template category', async () => {
  const r = await runRule(rule, files(['security']), pt({ data_streams: ['mylogs'] }));
  assert.ok(has(r, 'data stream "mylogs" manifest categories [security] are missing policy template "mytemplate" categories [observability] (defined in "/pkg/data_stream/mylogs/manifest.yml")'));
});

test('policy-template-data-stream-categories: integration only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'input' })).ran, false);
});
