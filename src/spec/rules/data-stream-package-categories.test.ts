import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './data-stream-package-categories.js';
import { has, runRule } from './testing.js';

const files = (dsCats: string[]) => ({ 'data_stream/mylogs/manifest.yml': { title: 'l', categories: dsCats } });

test('data-stream-package-categories: accepts data stream categories whose parents the package lists', async () => {
  assert.deepEqual((await runRule(rule, files(['custom_logs', 'security']), { manifest: { categories: ['custom', 'security'] } })).messages, []);
});

test('data-stream-package-categories: refuses a missing parent and an unknown category', async () => {
  assert.ok(has(await runRule(rule, files(['security']), { manifest: { categories: ['observability'] } }), 'package manifest categories [observability] are missing parent categories [security] from data stream "mylogs" (defined in "/pkg/data_stream/mylogs/manifest.yml")'));
  assert.ok(has(await runRule(rule, files(['no_such_category']), { manifest: { categories: ['security'] } }), 'data stream "mylogs" has unrecognized category "no_such_category"'));
});

test('data-stream-package-categories: integration only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'content', version: '3.3.1' })).ran, false);
});
