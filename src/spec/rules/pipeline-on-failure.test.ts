import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './pipeline-on-failure.js';
import { has, runRule, justBefore } from './testing.js';

const pl = (onFailure: object[]) => ({ 'data_stream/d/elasticsearch/ingest_pipeline/default.yml': { processors: [], on_failure: onFailure } });
const kind = { set: { field: 'event.kind', value: 'pipeline_error' } };
const msg = { append: { field: 'error.message', value: "Processor '{{{ _ingest.on_failure_processor_type }}}' with tag '{{{ _ingest.on_failure_processor_tag }}}' in pipeline '{{{ _ingest.pipeline }}}' failed with message '{{{ _ingest.on_failure_message }}}'" } };

test('pipeline-on-failure: accepts event.kind + a complete error.message', async () => {
  assert.deepEqual((await runRule(rule, pl([kind, msg]))).messages, []);
});

test('pipeline-on-failure: refuses a missing handler (SVR00008, SVR00009) and an incomplete message', async () => {
  const r = await runRule(rule, pl([]));
  assert.deepEqual(r.errors.map((e) => e.code), ['SVR00008', 'SVR00009']);
  assert.ok(has(r, 'pipeline on_failure handler must set event.kind to "pipeline_error" (SVR00008)'));
  assert.ok(has(r, 'pipeline on_failure handler must set error.message (SVR00009)'));
  const inc = await runRule(rule, pl([{ set: { field: 'event.kind', value: 'x' } }, { set: { field: 'error.message', value: '{{ _ingest.on_failure_message }}' } }]));
  assert.equal(inc.messages.length, 4);
  assert.ok(has(inc, 'pipeline on_failure error.message must include "_ingest.on_failure_processor_type" (SVR00009)'));
});

test('pipeline-on-failure: gate 3.6.0', async () => {
  assert.equal((await runRule(rule, pl([]), { version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, pl([]), { version: '3.6.0' })).messages.length, 2);
});
