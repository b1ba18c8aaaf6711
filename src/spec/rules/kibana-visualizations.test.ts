import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byValuePanels, dashboardFilterError, describeSavedObject } from './kibana-visualizations.js';

const dash = (panels: object[] | string | undefined) => ({ attributes: { title: 'D', panelsJSON: typeof panels === 'string' || panels === undefined ? panels : JSON.stringify(panels) } });

test('kbncontent: by-value panels are visualizations with savedVis and lens/map with attributes', () => {
  const panels = byValuePanels(dash([
    { type: 'visualization', embeddableConfig: { savedVis: { type: 'pie' } } },
    { type: 'lens', embeddableConfig: { attributes: {} } },
    { type: 'map', embeddableConfig: { attributes: {} } },
    { type: 'visualization', panelRefName: 'panel_0' },
    { type: 'lens', embeddableConfig: { savedVis: {} } },
    { embeddableConfig: { savedVis: {} } },
  ]));
  assert.deepEqual(panels.map((p) => p.savedObjectType), ['visualization', 'lens', 'map']);
  assert.deepEqual(byValuePanels({ attributes: { panelsJSON: [] } }), [], 'decoded (source) panels');
  assert.throws(() => byValuePanels(dash(undefined)), /panelsJSON is of unexpected type/);
  assert.throws(() => byValuePanels(dash('{not json')), /failed to parse panels JSON/);
});

test('kbncontent: legacy editors and semantic types', () => {
  const p = (savedVis: object) => byValuePanels(dash([{ type: 'visualization', title: 'T', embeddableConfig: { savedVis } }]))[0]!;
  assert.deepEqual([p({ type: 'metrics', params: { type: 'gauge' } })].map((v) => [v.isLegacy, v.semanticType, v.editor]), [[true, 'gauge', 'TSVB']]);
  assert.equal(p({ type: 'metrics', params: { type: 'markdown' } }).isLegacy, false);
  for (const t of ['markdown', 'vega', 'input_control_vis']) assert.equal(p({ type: t }).isLegacy, false, t);
  assert.deepEqual([p({ type: 'timelion' })].map((v) => [v.isLegacy, v.editor]), [[true, 'Timelion']]);
  assert.deepEqual([p({})].map((v) => [v.isLegacy, v.semanticType, v.editor]), [[true, '', 'Aggs-based']], 'no type: aggregation-based, as kbncontent');
  assert.equal(p({ type: 'pie' }).title, 'T');
  const so = describeSavedObject({ type: 'visualization', attributes: { title: 'V', visState: JSON.stringify({ type: 'metrics', params: { type: 'timeseries' } }) } });
  assert.deepEqual([so.isLegacy, so.semanticType, so.editor, so.title], [true, 'timeseries', 'TSVB', 'V']);
  assert.throws(() => describeSavedObject({ attributes: {} }), /`type` in visualization is not present/);
  assert.throws(() => describeSavedObject({ type: 'visualization', attributes: { visState: '{' } }), /failed to decode embedded json in "attributes.visState"/);
});

test('kbncontent: which panels can and do filter', () => {
  const p = (panel: object) => byValuePanels(dash([panel]))[0]!;
  assert.equal(p({ type: 'visualization', embeddableConfig: { savedVis: { type: 'markdown' } } }).canUseFilter, false);
  assert.equal(p({ type: 'visualization', embeddableConfig: { savedVis: { type: 'input_control_vis' } } }).canUseFilter, true);
  assert.equal(p({ type: 'lens', embeddableConfig: { attributes: { state: { query: { query: 'a: b' } } } } }).hasFilters(), true, 'a query counts');
  assert.equal(p({ type: 'lens', embeddableConfig: { attributes: { state: { filters: [{ meta: {} }] } } } }).hasFilters(), true);
  assert.equal(p({ type: 'map', embeddableConfig: { attributes: { mapStateJSON: JSON.stringify({ filters: [{ q: 1 }] }) } } }).hasFilters(), true, 'embedded JSON decoded');
  assert.equal(p({ type: 'visualization', embeddableConfig: { savedVis: { type: 'pie', data: { searchSource: { filter: [] } } } } }).hasFilters(), false);
  assert.throws(() => p({ type: 'map', embeddableConfig: { attributes: { mapStateJSON: '{' } } }).hasFilters(), /failed to decode embedded json/);
});

test('kbncontent: the dashboard\'s own filter', () => {
  const d = (ss: unknown) => ({ attributes: { kibanaSavedObjectMeta: { searchSourceJSON: ss } } });
  assert.equal(dashboardFilterError(d(JSON.stringify({ filter: [{}] }))), undefined);
  assert.equal(dashboardFilterError(d({ filter: [{}] })), undefined, 'decoded (source) dashboards');
  assert.deepEqual(dashboardFilterError(d(JSON.stringify({ filter: [], query: { query: 'x' } }))), { msg: 'saved query found, but no filter', queryNoFilter: true });
  assert.deepEqual(dashboardFilterError(d({ filter: [] })), { msg: 'no filter found', queryNoFilter: false });
  assert.match(dashboardFilterError({ attributes: {} })!.msg, /unable to find search definition/);
});
