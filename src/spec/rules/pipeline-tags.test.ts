import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './pipeline-tags.js';
import { has, runRule, justBefore } from './testing.js';

const pl = (yaml: string) => ({ 'data_stream/example/elasticsearch/ingest_pipeline/default.yml': yaml });
const good = `---
processors:
  - set:
      tag: set_a
      field: a
      value: "1"
      on_failure:
        - set:
            tag: set_a_failed
            field: b
            value: x
on_failure:
  - set:
      field: event.kind
      value: pipeline_error
`;

test('pipeline-tags: accepts unique tags (the global on_failure is exempt)', async () => {
  assert.deepEqual((await runRule(rule, pl(good))).messages, []);
});

test('pipeline-tags: refuses missing, empty, non-string and duplicate tags, by line; duplicates are uncoded', async () => {
  const bad = `---
processors:
  - set:
      field: a
      value: "1"
  - set:
      tag: ""
      field: b
  - set:
      tag: 3
      field: c
  - set:
      tag: t
      field: d
  - set:
      tag: t
      field: e
`;
  const r = await runRule(rule, pl(bad));
  assert.ok(has(r, 'set processor at line 3 missing required tag (SVR00006)'));
  assert.ok(has(r, 'set processor at line 6 has empty tag value (SVR00006)'));
  assert.ok(has(r, 'set processor at line 9 has invalid tag value (SVR00006)'));
  assert.ok(has(r, 'set processor at line 15 has duplicate tag value: "t"'));
  assert.equal(r.errors.find((e) => e.message.includes('duplicate'))!.code, 'SPEC_PIPELINE');
  assert.ok(has(await runRule(rule, { 'elasticsearch/ingest_pipeline/p.json': JSON.stringify({ processors: [{ set: { field: 'x' } }] }) }), 'missing required tag'), 'root pipelines and JSON too');
});

test('pipeline-tags: gate 3.6.0', async () => {
  const bad = pl('processors:\n  - set: {field: a}\n');
  assert.equal((await runRule(rule, bad, { version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, bad, { version: '3.6.0' })).messages.length, 1);
});
