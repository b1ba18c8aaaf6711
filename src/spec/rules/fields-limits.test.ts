import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, FIELDS_PER_DATA_STREAM_LIMIT } from './fields-limits.js';
import { has, runRule } from './testing.js';

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'keyword' }));

test('fields-limits: accepts exactly the limit (groups are not counted)', async () => {
  const fields = [{ name: 'g', type: 'group', fields: many(FIELDS_PER_DATA_STREAM_LIMIT) }];
  assert.deepEqual((await runRule(rule, { 'data_stream/a/fields/f.yml': fields })).messages, []);
});

test('fields-limits: refuses one more, per data stream, transform and input package', async () => {
  const n = FIELDS_PER_DATA_STREAM_LIMIT + 1;
  assert.ok(has(await runRule(rule, { 'data_stream/a/fields/f.yml': many(n) }), `data stream a has more than ${FIELDS_PER_DATA_STREAM_LIMIT} fields (${n})`));
  assert.ok(has(await runRule(rule, { 'elasticsearch/transform/t/fields/f.yml': many(n) }), `transform t has more than ${FIELDS_PER_DATA_STREAM_LIMIT} fields (${n})`));
  assert.ok(has(await runRule(rule, { 'fields/f.yml': many(n) }, { type: 'input' }), `input package has more than ${FIELDS_PER_DATA_STREAM_LIMIT} fields`));
});

test('fields-limits: not run for content packages', async () => {
  const r = await runRule(rule, { 'fields/f.yml': many(FIELDS_PER_DATA_STREAM_LIMIT + 1) }, { type: 'content' });
  assert.equal(r.ran, false);
  assert.equal(r.messages.length, 0);
});
