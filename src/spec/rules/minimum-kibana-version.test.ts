import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, kibanaConditionAtLeast } from './minimum-kibana-version.js';
import { has, runRule, BASE_FIELDS } from './testing.js';

const kibana = (v: string) => ({ conditions: { kibana: { version: v } } });
const tags = { 'kibana/tags.yml': [{ text: 'T', asset_types: ['dashboard'] }] };

test('minimum-kibana-version: the constraint comparison is Go\'s (every x.y.z >= min)', () => {
  assert.ok(kibanaConditionAtLeast('^8.10.0', '8.10.0'));
  assert.ok(kibanaConditionAtLeast('^8.12.0 || ^9.0.0', '8.10.0'));
  assert.ok(!kibanaConditionAtLeast('^8.8.0 || ^9.0.0', '8.10.0'));
  assert.ok(!kibanaConditionAtLeast('', '8.8.0'));
});

test('minimum-kibana-version: accepts tags.yml / runtime fields / GA input packages with a recent enough Kibana', async () => {
  assert.deepEqual((await runRule(rule, tags, { manifest: kibana('^8.10.0') })).messages, []);
  assert.deepEqual((await runRule(rule, { 'data_stream/a/fields/f.yml': [...BASE_FIELDS, { name: 'r', type: 'keyword', runtime: true }] }, { manifest: kibana('^8.11.0') })).messages, []);
  assert.deepEqual((await runRule(rule, {}, { type: 'input', manifest: kibana('^8.8.0') })).messages, []);
  assert.deepEqual((await runRule(rule, {}, { type: 'input', manifest: { version: '0.9.0' } })).messages, [], 'experimental input package');
});

test('minimum-kibana-version: refuses each feature without the Kibana it needs; only tags.yml is SVR00005', async () => {
  const t = await runRule(rule, tags, { manifest: kibana('^8.8.0') });
  assert.ok(has(t, 'conditions.kibana.version must be ^8.10.0 or greater to include saved object tags file: kibana/tags.yml (SVR00005)'));
  assert.equal(t.errors[0]!.code, 'SVR00005');
  const rt = await runRule(rule, { 'data_stream/a/fields/f.yml': [...BASE_FIELDS, { name: 'r', type: 'keyword', runtime: "emit('x')" }] }, { manifest: kibana('^8.8.0') });
  assert.deepEqual(rt.messages, ['conditions.kibana.version must be ^8.10.0 or greater to include runtime fields']);
  assert.ok(has(await runRule(rule, {}, { type: 'input', manifest: { version: '1.1.0-beta1', ...kibana('^8.7.0') } }), 'must be ^8.8.0 or greater for non experimental input packages'));
});

test('minimum-kibana-version: before 3.0.0 the coded error is a warning (uncoded ones stay errors); an error at 3.0.0', async () => {
  const before = await runRule(rule, tags, { version: '2.99.99', manifest: kibana('^8.8.0') });
  assert.equal(before.errors.length, 0);
  assert.equal(before.warnings[0]?.code, 'SVR00005');
  const promoted = await runRule(rule, tags, { version: '2.10.0', warningsAsErrors: true, manifest: kibana('^8.8.0') });
  assert.equal(promoted.errors[0]?.code, 'SVR00005');
  const input = await runRule(rule, {}, { version: '2.9.0', type: 'input' });
  assert.ok(has(input, 'non experimental input packages'), 'uncoded errors are not turned into warnings');
  assert.equal((await runRule(rule, tags, { version: '3.0.0', manifest: kibana('^8.8.0') })).errors[0]?.code, 'SVR00005');
});
