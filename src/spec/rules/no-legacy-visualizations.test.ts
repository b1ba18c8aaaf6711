import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './no-legacy-visualizations.js';
import { has, runRule, justBefore } from './testing.js';

const vis = (type: string, params: object = {}) => ({ 'kibana/visualization/pkg-v.json': { id: 'pkg-v', type: 'visualization', attributes: { title: 'V', visState: JSON.stringify({ type, params, title: 'V' }) } } });
const dash = (savedVis: object) => ({ 'kibana/dashboard/pkg-d.json': { id: 'pkg-d', attributes: { title: 'D', panelsJSON: JSON.stringify([{ type: 'visualization', title: 'P', embeddableConfig: { savedVis } }]) } } });

test('no-legacy-visualizations: accepts Lens / markdown', async () => {
  assert.deepEqual((await runRule(rule, vis('markdown'))).messages, []);
  assert.deepEqual((await runRule(rule, vis('metrics', { type: 'markdown' }))).messages, []);
});

test('no-legacy-visualizations: refuses TSVB, aggregation-based and Timelion, standalone and by value', async () => {
  assert.ok(has(await runRule(rule, vis('metrics', { type: 'timeseries' })), 'found legacy visualization "V" (timeseries, TSVB)'));
  assert.ok(has(await runRule(rule, vis('pie')), 'found legacy visualization "V" (pie, Aggs-based)'));
  assert.ok(has(await runRule(rule, dash({ type: 'timelion', title: 'T' })), '"D" contains legacy visualization: "P" (timelion, Timelion)'));
});

test('no-legacy-visualizations: gate 3.0.0; integration and content only', async () => {
  assert.equal((await runRule(rule, vis('pie'), { version: justBefore('3.0.0') })).ran, false);
  assert.equal((await runRule(rule, vis('pie'), { version: '3.0.0' })).messages.length, 1);
  assert.equal((await runRule(rule, vis('pie'), { type: 'input' })).ran, false);
});

test('no-legacy-visualizations: a 3.x dashboard whose panels cannot be described is an error (as kbncontent)', async () => {
  const r = await runRule(rule, { 'kibana/dashboard/pkg-d.json': { id: 'pkg-d', attributes: { title: 'D' } } });
  assert.ok(has(r, 'error describing dashboard panels: panelsJSON is of unexpected type'));
});
