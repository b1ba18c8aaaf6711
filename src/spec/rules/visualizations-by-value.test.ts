import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './visualizations-by-value.js';
import { runRule } from './testing.js';

const dash = (refs: object[]) => ({ 'kibana/dashboard/pkg-d.json': { id: 'pkg-d', type: 'dashboard', attributes: {}, references: refs } });

test('visualizations-by-value: accepts dashboards referencing searches / index patterns only', async () => {
  assert.deepEqual((await runRule(rule, dash([{ id: 's', name: 'n', type: 'search' }, { id: 'i', name: 'n', type: 'index-pattern' }]))).messages, []);
});

test('visualizations-by-value: refuses lens/map/visualization references (SVR00004), listing them', async () => {
  const r = await runRule(rule, dash([{ id: 'v1', name: 'a', type: 'visualization' }, { id: 'l1', name: 'b', type: 'lens' }, { id: 'm1', name: 'c', type: 'map' }]));
  assert.deepEqual(r.messages, ['references found in dashboard kibana/dashboard/pkg-d.json: v1 (visualization), l1 (lens), m1 (map) (SVR00004)']);
  assert.equal(r.errors[0]!.code, 'SVR00004');
});

test('visualizations-by-value: a warning before 3.0.0 (error with warnings-as-errors), an error at 3.0.0; integration and content only', async () => {
  const refs = dash([{ id: 'v1', name: 'a', type: 'visualization' }]);
  const before = await runRule(rule, refs, { version: '2.99.99' });
  assert.equal(before.errors.length, 0);
  assert.equal(before.warnings.length, 1);
  assert.equal((await runRule(rule, refs, { version: '2.13.0', warningsAsErrors: true })).errors.length, 1);
  assert.equal((await runRule(rule, refs, { version: '3.0.0' })).errors.length, 1);
  assert.equal((await runRule(rule, refs, { version: '3.3.1', type: 'content' })).errors.length, 1);
  assert.equal((await runRule(rule, refs, { type: 'input' })).ran, false);
});
