/**
 * Regressions of the hand-tuned `semantic.ts` this folder replaced, through the shared entry point
 * (`../semantic.js` `runSemanticRules`): false rejections of packages Elastic's validator accepts, and
 * refusals it makes that were missed. Each test failed on the old code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSemanticRules } from '../semantic.js';
import { Ctx } from '../context.js';
import { SpecVersion } from '../versions.js';
import { memSource, type Files, BASE_FIELDS } from './testing.js';

async function run(files: Files, version: string, manifest: Record<string, unknown> = {}, type = 'integration'): Promise<{ errors: string[]; warnings: string[] }> {
  const m = { format_version: version, name: 'pkg', title: 'P', version: '1.0.0', type, ...manifest };
  const cl = [{ version: String(m.version), changes: [{ description: 'd', type: 'enhancement', link: 'https://github.com/o/r/pull/1' }] }];
  const ctx = new Ctx(memSource({ 'manifest.yml': m, 'changelog.yml': cl, ...files }));
  ctx.version = new SpecVersion(version);
  ctx.type = type;
  ctx.manifest = m;
  await runSemanticRules(ctx);
  return { errors: ctx.errors.map((e) => e.message), warnings: ctx.warnings.map((e) => e.message) };
}

const ds = { 'data_stream/d/manifest.yml': { title: 'd', type: 'logs' }, 'data_stream/d/fields/base.yml': BASE_FIELDS, 'data_stream/d/agent/stream/stream.yml.hbs': 'x' };

test('regression: JSE00001 is not applied before 3.1.0 (3.0.x packages with an unguarded rename are valid)', async () => {
  const pl = { 'data_stream/d/elasticsearch/ingest_pipeline/default.yml': { processors: [{ rename: { field: 'message', target_field: 'event.original' } }] } };
  assert.deepEqual((await run({ ...ds, ...pl }, '3.0.4')).errors, []);
});

test('regression: a dashboard without by-value panels needs no filter (KibanaFilterPresent)', async () => {
  const d = { 'kibana/dashboard/pkg-d.json': { id: 'pkg-d', type: 'dashboard', attributes: { title: 'D', panelsJSON: '[]', kibanaSavedObjectMeta: { searchSourceJSON: '{"filter":[],"query":{"query":"","language":"kuery"}}' } }, references: [] } };
  assert.deepEqual((await run({ ...ds, ...d }, '3.0.0', { conditions: { kibana: { version: '^8.10.0' } } })).errors, []);
});

test('regression: the enforced README sections are the spec\'s (Performance and scaling, not Reference)', async () => {
  const sections = ['Overview', 'What data does this integration collect?', 'What do I need to use this integration?', 'How do I deploy this integration?', 'Troubleshooting', 'Performance and scaling'];
  const files = { ...ds, 'validation.yml': { docs_structure_enforced: { enabled: true, version: 1 } }, 'docs/README.md': sections.map((s) => `## ${s}\n`).join('\n') };
  assert.deepEqual((await run(files, '3.6.0')).errors, []);
});

test('regression: policy templates without data_streams are not matched against data stream categories', async () => {
  const files = { ...ds, 'data_stream/d/manifest.yml': { title: 'd', type: 'logs', categories: ['security'] } };
  const r = await run(files, '3.6.0', { categories: ['security'], policy_templates: [{ name: 'pt', categories: ['observability'], inputs: [{ type: 'logfile' }] }] });
  assert.deepEqual(r.errors, []);
});

test('regression: runtime fields without Kibana ^8.10.0 are an error even before 3.0.0 (uncoded, not a warning)', async () => {
  const files = { ...ds, 'data_stream/d/fields/base.yml': [...BASE_FIELDS, { name: 'r', type: 'keyword', runtime: true }] };
  const r = await run(files, '2.13.0', { conditions: { kibana: { version: '^8.8.0' } } });
  assert.deepEqual(r.errors, ['conditions.kibana.version must be ^8.10.0 or greater to include runtime fields']);
});

test('regression: a security rule file is named after its object id (Go checks it after the rule_id prefix)', async () => {
  const files = { ...ds, 'kibana/security_rule/other.json': { id: 'r1-v2', type: 'security-rule', attributes: { rule_id: 'r1' } } };
  const r = await run(files, '2.9.0');
  assert.ok(r.errors.some((e) => e.includes('defines non-matching ID [r1-v2]')), r.errors.join('\n'));
});

test('regression: a dangling reference is matched by object type, not by folder', async () => {
  const files = {
    ...ds,
    'kibana/dashboard/pkg-d.json': { id: 'pkg-d', type: 'dashboard', attributes: { title: 'D' }, references: [{ id: 'pkg-s', name: 'n', type: 'search' }] },
    'kibana/search/pkg-s.json': { id: 'pkg-s', type: 'visualization' },
  };
  const r = await run(files, '3.0.0', { conditions: { kibana: { version: '^8.10.0' } } });
  assert.ok(r.errors.some((e) => e.includes('dangling reference found: pkg-s (search) (SVR00003)')), r.errors.join('\n'));
});

test('regression: a prerelease input package >= 1.0.0 still needs Kibana ^8.8.0', async () => {
  const r = await run({ 'agent/input/i.yml.hbs': 'x' }, '3.0.0', { version: '1.1.0-beta1', policy_templates: [{ name: 'p', type: 'logs', input: 'x', template_path: 'i.yml.hbs' }] }, 'input');
  assert.ok(r.errors.some((e) => e.includes('must be ^8.8.0 or greater for non experimental input packages')), r.errors.join('\n'));
});

test('regression: a duplicate pipeline tag is not SVR00006-coded, so validation.yml cannot exclude it', async () => {
  const { Ctx: C } = await import('../context.js');
  const { applyValidationYmlExclusions } = await import('./index.js');
  const m = { format_version: '3.6.0', name: 'pkg', title: 'P', version: '1.0.0', type: 'integration' };
  const pl = 'processors:\n  - set: {tag: t, field: a}\n  - set: {tag: t, field: b}\non_failure:\n  - set: {field: event.kind, value: pipeline_error}\n  - set: {field: error.message, value: "{{ _ingest.on_failure_processor_type }} {{ _ingest.on_failure_processor_tag }} {{ _ingest.on_failure_message }} {{ _ingest.pipeline }}"}\n';
  const ctx = new C(memSource({ 'manifest.yml': m, ...ds, 'data_stream/d/elasticsearch/ingest_pipeline/default.yml': pl, 'validation.yml': { errors: { exclude_checks: ['SVR00006'] } } }));
  ctx.version = new SpecVersion('3.6.0');
  ctx.type = 'integration';
  ctx.manifest = m;
  await runSemanticRules(ctx);
  await applyValidationYmlExclusions(ctx);
  assert.ok(ctx.errors.some((e) => e.message.includes('has duplicate tag value: "t"')), ctx.errors.map((e) => e.message).join('\n'));
});
