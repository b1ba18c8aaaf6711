import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './kibana-filter-present.js';
import { has, runRule, justBefore } from './testing.js';

const lensPanel = (filters: object[]) => ({ type: 'lens', embeddableConfig: { attributes: { state: { filters, query: { query: '' } } } } });
const dash = (search: object, panels: object[]) => ({
  'kibana/dashboard/pkg-d.json': { id: 'pkg-d', type: 'dashboard', attributes: { title: 'D', panelsJSON: JSON.stringify(panels), kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(search) } } },
});
const filter = { filter: [{ query: { match_phrase: { 'data_stream.dataset': 'x' } } }], query: { query: '', language: 'kuery' } };
const none = { filter: [], query: { query: '', language: 'kuery' } };
const query = { filter: [], query: { query: 'data_stream.dataset: x', language: 'kuery' } };

test('kibana-filter-present: accepts a dashboard filter, filtered by-value panels, and dashboards without by-value panels', async () => {
  assert.deepEqual((await runRule(rule, dash(filter, [lensPanel([])]))).messages, []);
  assert.deepEqual((await runRule(rule, dash(none, [lensPanel([{ query: {} }])]))).messages, []);
  assert.deepEqual((await runRule(rule, dash(none, [{ type: 'visualization', panelRefName: 'panel_0' }]))).messages, [], 'no by-value panel: nothing to check (Go)');
});

test('kibana-filter-present: refuses an unfiltered by-value panel on an unfiltered dashboard (SVR00001 with a query, else SVR00002)', async () => {
  const q = await runRule(rule, dash(query, [lensPanel([])]));
  assert.ok(has(q, 'expected filter in dashboard: saved query found, but no filter and at least one panel does not have a filter (SVR00001)'));
  assert.equal(q.errors[0]!.code, 'SVR00001');
  const n = await runRule(rule, dash(none, [lensPanel([])]));
  assert.ok(has(n, 'expected filter in dashboard: no filter found and at least one panel does not have a filter (SVR00002)'));
  assert.equal(n.errors[0]!.code, 'SVR00002');
});

test('kibana-filter-present: gate 3.0.0', async () => {
  assert.equal((await runRule(rule, dash(none, [lensPanel([])]), { version: justBefore('3.0.0') })).ran, false);
  assert.equal((await runRule(rule, dash(none, [lensPanel([])]), { version: '3.0.0' })).messages.length, 1);
});

test('kibana-filter-present: input controls must filter too; markdown need not', async () => {
  const ic = { type: 'visualization', embeddableConfig: { savedVis: { type: 'input_control_vis' } } };
  const md = { type: 'visualization', embeddableConfig: { savedVis: { type: 'markdown' } } };
  assert.equal((await runRule(rule, dash(none, [ic]))).messages.length, 1);
  assert.deepEqual((await runRule(rule, dash(none, [md]))).messages, []);
});
