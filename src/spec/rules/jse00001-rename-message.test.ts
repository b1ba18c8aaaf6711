import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './jse00001-rename-message.js';
import { has, runRule, justBefore } from './testing.js';

const pl = (procs: object[]) => ({ 'data_stream/d/elasticsearch/ingest_pipeline/default.yml': { processors: procs } });
const set = { set: { field: 'sample_field', value: '1' } };
const rename = (extra: object = {}) => ({ rename: { field: 'message', target_field: 'event.original', ...extra } });
const goodRemove = { remove: { field: 'message', ignore_missing: true, if: 'ctx.event?.original != null' } };

test('jse00001: accepts a guarded rename with its guarded remove (field as list too), and pipelines without the rename', async () => {
  assert.deepEqual((await runRule(rule, pl([set, rename({ if: 'ctx.event?.original == null' }), goodRemove]))).messages, []);
  assert.deepEqual((await runRule(rule, pl([rename({ if: 'ctx.event?.original == null' }), { remove: { ...goodRemove.remove, field: ['x', 'message'] } }]))).messages, []);
  assert.deepEqual((await runRule(rule, pl([set]))).messages, []);
});

test('jse00001: refuses an unguarded rename and a missing or wrong remove (package-spec bad_rename_message cases)', async () => {
  const a = await runRule(rule, pl([set, rename()]));
  assert.ok(has(a, `field processors.1.rename: rename "message" to "event.original" processor requires if: 'ctx.event?.original == null' (JSE00001)`));
  assert.ok(has(a, 'field processors.0: rename "message" to "event.original" processor requires remove "message" processor (JSE00001)'));
  assert.equal(a.messages.length, 2);
  const b = await runRule(rule, pl([set, rename({ ignore_missing: true, if: 'ctx.event?.original == null' }), { remove: { field: 'event.original', if: 'ctx?.tags == null', ignore_failure: true, ignore_missing: true } }]));
  assert.ok(has(b, 'field processors.2.remove.field: rename "message" to "event.original" processor requires remove "message" processor (JSE00001)'));
  assert.ok(has(b, `field processors.2.remove.if: rename "message" to "event.original" processor requires remove "message" processor with if: 'ctx.event?.original != null' (JSE00001)`));
  assert.equal(b.messages.length, 2);
  assert.ok(b.errors.every((e) => e.code === 'JSE00001'));
});

test('jse00001: gate 3.1.0 (refused just before would be a false rejection)', async () => {
  assert.equal((await runRule(rule, pl([set, rename()]), { version: justBefore('3.1.0') })).ran, false);
  assert.equal((await runRule(rule, pl([set, rename()]), { version: '3.0.4' })).messages.length, 0);
  assert.equal((await runRule(rule, pl([set, rename()]), { version: '3.1.0' })).messages.length, 2);
});
