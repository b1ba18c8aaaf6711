import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './kibana-tag-duplicates.js';
import { has, runRule } from './testing.js';

const tag = (name: string) => ({ id: `pkg-${name}`, type: 'tag', attributes: { name } });

test('kibana-tag-duplicates: accepts distinct names', async () => {
  assert.deepEqual((await runRule(rule, { 'kibana/tags.yml': [{ text: 'A' }, { text: 'B' }], 'kibana/tag/pkg-c.json': tag('C') })).messages, []);
});

test('kibana-tag-duplicates: refuses duplicates in tags.yml, among tag objects, and across both (SVR00007)', async () => {
  const r = await runRule(rule, { 'kibana/tags.yml': [{ text: 'Tag One' }, { text: 'Tag One' }], 'kibana/tag/pkg-a.json': tag('X'), 'kibana/tag/pkg-b.json': tag('X'), 'kibana/tag/pkg-c.json': tag('Tag One') });
  assert.ok(has(r, "duplicate tag name 'Tag One' found (SVR00007)"));
  assert.ok(has(r, "duplicate package tag name 'X' found (SVR00007)"));
  assert.ok(has(r, "tag name 'Tag One' is already defined in tags.yml (SVR00007)"));
  assert.ok(r.errors.every((e) => e.code === 'SVR00007'));
});

test('kibana-tag-duplicates: every type and version', async () => {
  assert.equal((await runRule(rule, { 'kibana/tags.yml': [{ text: 'A' }, { text: 'A' }] }, { type: 'content', version: '3.3.1' })).messages.length, 1);
});
