/** Unit tests of the spec validator on small in-memory packages (no test data needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { PackageEntry, PackageSource } from '../package/source.js';
import { validatePackage, SUPPORTED_FORMAT_VERSIONS } from './index.js';
import { resolveFormatVersion } from './versions.js';
import { expandDotted, parseYaml } from './context.js';

/** A PackageSource over a map of path → content. */
function mem(files: Record<string, string | Buffer>, origin = '/pkg/demo'): PackageSource {
  const entries = new Map<string, PackageEntry>();
  for (const [p, c] of Object.entries(files)) {
    entries.set(p, { path: p, type: 'file', size: Buffer.byteLength(c) });
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      entries.set(d, { path: d, type: 'dir', size: 0 });
    }
  }
  const list = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    origin,
    rootName: origin.split('/').pop()!,
    entries: () => list,
    has: (p) => p in files,
    readFile: async (p) => Buffer.from(files[p]!),
    openStream: async (p) => Readable.from([Buffer.from(files[p]!)]),
    close: async () => {},
  };
}

const manifest = (extra = '', fv = '3.0.0', version = '1.0.0'): string => `format_version: ${fv}
name: demo
title: Demo
description: A demo
version: ${version}
type: integration
owner:
  github: elastic/foo
  type: elastic
conditions:
  kibana:
    version: ^8.10.0
${extra}`;
const changelog = (v = '1.0.0'): string => `- version: "${v}"
  changes:
    - description: first
      type: enhancement
      link: https://github.com/elastic/integrations/pull/1
`;
const baseFields = `- name: data_stream.type
  type: constant_keyword
- name: data_stream.dataset
  type: constant_keyword
- name: data_stream.namespace
  type: constant_keyword
- name: '@timestamp'
  type: date
`;
function pkg(over: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string | undefined> = {
    'manifest.yml': manifest(),
    'changelog.yml': changelog(),
    'docs/README.md': '# Demo\n',
    'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\n',
    'data_stream/logs/fields/base-fields.yml': baseFields,
    ...over,
  };
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
const messages = async (files: Record<string, string>, opts = {}): Promise<string[]> => (await validatePackage(mem(files), opts)).errors.map((e) => e.message);

test('a minimal integration package is valid', async () => {
  const r = await validatePackage(mem(pkg()));
  assert.deepEqual(r.errors, []);
  assert.equal(r.valid, true);
});

test('format_version must be exactly a supported spec version', async () => {
  assert.equal(resolveFormatVersion('3.6.6'), '3.6.6');
  assert.equal(resolveFormatVersion('3.6.7'), undefined);
  assert.equal(resolveFormatVersion('1.1'), '1.1.0');
  assert.equal(resolveFormatVersion('4.0.0'), undefined);
  assert.equal(SUPPORTED_FORMAT_VERSIONS[0], '1.0.0');
  assert.equal(SUPPORTED_FORMAT_VERSIONS.at(-1), '3.7.0');
  const m = await messages(pkg({ 'manifest.yml': manifest('', '3.6.7') }));
  assert.deepEqual(m, ['could not load specification for version [3.6.7]: spec version "3.6.7" not found']);
});

test('missing manifest, type, version', async () => {
  assert.match((await messages({ 'docs/README.md': 'x' }))[0]!, /^no package manifest file found at \/pkg\/demo\/manifest\.yml/);
  const noType = manifest().replace('type: integration\n', '');
  assert.deepEqual(await messages(pkg({ 'manifest.yml': noType })), ['package type undefined in the package manifest file']);
  assert.match((await messages(pkg({ 'manifest.yml': manifest().replace('format_version: 3.0.0\n', '') })))[0]!, /could not read specification version/);
  assert.deepEqual(await messages(pkg({ 'manifest.yml': manifest().replace('type: integration', 'type: foo') })), ['could not read root folder spec file: package type "foo" not supported (open foo/spec.yml: file does not exist)']);
});

test('required files and allowed items, in Go wording', async () => {
  const m = await messages(pkg({ 'docs/README.md': undefined, 'docs/other.md': 'x', 'data_stream/logs/foo.txt': 'x', 'data_stream/integration/manifest.yml': 'title: x' }));
  assert.ok(m.includes('expecting to find [README.md] file in folder [/pkg/demo/docs]'), m.join('\n'));
  assert.ok(m.includes('item [foo.txt] is not allowed in folder [/pkg/demo/data_stream/logs]'));
  assert.ok(m.includes('item [integration] is not allowed in folder [/pkg/demo/data_stream]'));
  const c = await messages(pkg({ 'changelog.yml': undefined }));
  assert.ok(c.includes('expecting to find [changelog.yml] file in folder [/pkg/demo]'));
});

test('schema errors carry the field path, Go descriptions, code, file and line', async () => {
  const r = await validatePackage(mem(pkg({ 'manifest.yml': manifest().replace('type: elastic', 'type: someone').replace('github: elastic/foo', 'github: "bad owner"') })));
  const e = r.errors.find((x) => x.message.includes('owner.type'));
  assert.ok(e);
  assert.equal(e.code, 'SPEC_SCHEMA');
  assert.equal(e.file, 'manifest.yml');
  assert.equal(e.line, 9);
  assert.equal(e.message, 'file "/pkg/demo/manifest.yml" is invalid: field owner.type: owner.type must be one of the following: "elastic", "partner", "community"');
  assert.ok(r.errors.some((x) => x.message.endsWith("field owner.github: Does not match pattern '^(([a-zA-Z0-9-_]+)|([a-zA-Z0-9-_]+\\/[a-zA-Z0-9-_]+))$'")));
  const add = await messages(pkg({ 'manifest.yml': manifest('foo: bar') }));
  assert.ok(add.includes('file "/pkg/demo/manifest.yml" is invalid: field (root): Additional property foo is not allowed'));
});

test('version gates: owner.type required from 3.0.0, secret vars from 3.0.2, requires only from 3.6.0', async () => {
  const noType = manifest().replace('  type: elastic\n', '');
  assert.ok((await messages(pkg({ 'manifest.yml': noType }))).some((m) => m.endsWith('field owner: type is required')));
  assert.deepEqual(await messages(pkg({ 'manifest.yml': noType.replace('3.0.0', '2.12.0') })), []);
  const secret = manifest('vars:\n  - name: api_key\n    type: text\n', '3.0.2');
  assert.ok((await messages(pkg({ 'manifest.yml': secret }))).some((m) => m.endsWith('field vars.0: variable identified as possible secret, secret parameter required to be set to true or false')));
  assert.deepEqual(await messages(pkg({ 'manifest.yml': secret.replace('3.0.2', '3.0.1') })), []);
  const req = manifest('requires:\n  input:\n    - package: foo\n      version: 1.0.0\n', '3.5.0');
  assert.ok((await messages(pkg({ 'manifest.yml': req }))).some((m) => m.endsWith('field (root): Additional property requires is not allowed')));
  assert.deepEqual(await messages(pkg({ 'manifest.yml': req.replace('3.5.0', '3.6.0') })), []);
});

test('changelog integrity', async () => {
  assert.ok((await messages(pkg({ 'changelog.yml': changelog('0.9.0') }))).some((m) => m.includes("current manifest version doesn't have changelog entry")));
  const twice = changelog('1.0.0') + changelog('1.0.0');
  assert.ok((await messages(pkg({ 'changelog.yml': twice }))).some((m) => m.includes('versions in changelog must be unique, found at least two same versions (1.0.0)')));
  assert.ok((await messages(pkg({ 'manifest.yml': manifest('', '3.0.0', '0.1.0-beta1'), 'changelog.yml': changelog('0.1.0-beta1') }))).some((m) => m.includes('prerelease')));
});

test('fields: required, duplicates, group unit', async () => {
  const m = await messages(pkg({ 'data_stream/logs/fields/base-fields.yml': baseFields.replace('- name: data_stream.type\n  type: constant_keyword\n', '').replace('data_stream.dataset\n  type: constant_keyword', 'data_stream.dataset\n  type: keyword'), 'data_stream/logs/fields/more.yml': "- name: '@timestamp'\n  type: date\n- name: g\n  type: group\n  unit: ms\n  fields:\n    - name: x\n      type: long\n" }));
  assert.ok(m.includes('expected field "data_stream.type" with type "constant_keyword" not found in datastream "logs"'), m.join('\n'));
  assert.ok(m.some((x) => x.includes('expected type "constant_keyword" for required field "data_stream.dataset", found "keyword" in')));
  assert.ok(m.some((x) => x.startsWith('field "@timestamp" is defined multiple times for data stream "logs", found in:')));
  assert.ok(m.some((x) => x.endsWith(`field "g" can't have unit property'`)));
});

test('relative-path images and data-stream-name', async () => {
  const m = await messages(pkg({ 'manifest.yml': manifest('icons:\n  - src: /img/logo.svg\n    type: image/svg+xml\npolicy_templates:\n  - name: t\n    title: T\n    description: d\n    data_streams: [logs, nope]\n') }));
  assert.ok(m.includes(`file "/pkg/demo/manifest.yml" is invalid: field icons.0.src: relative path is invalid, target doesn't exist or it exceeds the file size limit`));
  assert.ok(m.includes(`file "/pkg/demo/manifest.yml" is invalid: field policy_templates.0.data_streams.1: data stream doesn't exist`));
  const ok = await messages(pkg({ 'img/logo.svg': '<svg/>', 'manifest.yml': manifest('icons:\n  - src: /img/logo.svg\n') }));
  assert.deepEqual(ok, []);
  const big = await messages(pkg({ 'img/logo.svg': 'x'.repeat(3 * 1024 * 1024 + 1), 'manifest.yml': manifest('icons:\n  - src: /img/logo.svg\n') }));
  assert.equal(big.length, 1);
});

test('ingest pipelines need leading dashes', async () => {
  const m = await messages(pkg({ 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml': 'processors: []\n' }));
  assert.deepEqual(m, [`file "/pkg/demo/data_stream/logs/elasticsearch/ingest_pipeline/default.yml" is invalid: document dashes are required (start the document with '---')`]);
});

test('validation.yml exclusions drop coded errors only', async () => {
  const files = pkg({ 'kibana/tags.yml': '- text: A\n  asset_types: [dashboard]\n- text: A\n  asset_types: [search]\n' });
  const withDup = await validatePackage(mem(files));
  assert.ok(withDup.errors.some((e) => e.code === 'SVR00007'));
  const excluded = await validatePackage(mem({ ...files, 'validation.yml': 'errors:\n  exclude_checks:\n    - SVR00007\n' }));
  assert.deepEqual(excluded.errors, []);
  const notApplied = await validatePackage(mem({ ...files, 'validation.yml': 'errors:\n  exclude_checks:\n    - SVR00007\n' }), { applyValidationYml: false });
  assert.equal(notApplied.valid, false);
});

test('SVR00005 is a warning before 3.0.0 unless warnings are errors', async () => {
  const files = pkg({ 'manifest.yml': manifest().replace('^8.10.0', '^8.0.0').replace('3.0.0', '2.10.0'), 'kibana/tags.yml': '- text: A\n  asset_types: [dashboard]\n' });
  const r = await validatePackage(mem(files));
  assert.equal(r.valid, true);
  assert.equal(r.warnings[0]?.code, 'SVR00005');
  const w = await validatePackage(mem(files), { warningsAsErrors: true });
  assert.equal(w.valid, false);
  assert.equal(w.errors[0]?.code, 'SVR00005');
});

test('modes: _dev is rejected in build mode, links too; links resolve with their checksum', async () => {
  const { createHash } = await import('node:crypto');
  const lic = 'Apache-2.0\n';
  const sum = createHash('sha256').update(lic).digest('hex');
  const files = pkg({ '_dev/build/build.yml': 'dependencies:\n  ecs:\n    reference: git@v8.6.0\n', '_dev/shared/LICENSE.txt': lic, 'LICENSE.txt.link': `_dev/shared/LICENSE.txt ${sum}` });
  assert.deepEqual(await messages(files), []);
  const stale = await messages({ ...files, 'LICENSE.txt.link': '_dev/shared/LICENSE.txt 123' });
  assert.ok(stale.includes('file "/pkg/demo/LICENSE.txt.link" is invalid: linked file LICENSE.txt.link is not up to date'), stale.join('\n'));
  const outside = await messages({ ...files, 'LICENSE.txt.link': `../x ${sum}` });
  assert.ok(outside.some((m) => m.includes('could not collect file ../x')), outside.join('\n'));
  const b = await messages(files, { mode: 'build' });
  assert.ok(b.some((m) => m.includes('source-only folder is not allowed in build packages')));
  assert.ok(b.some((m) => m.includes('.link files are not allowed in built packages')));
});

test('our legacy re-publish mode checks only document essentials', async () => {
  const files = pkg({ 'manifest.yml': manifest('foo: bar').replace('type: elastic', 'type: nobody'), 'changelog.yml': undefined });
  assert.equal((await validatePackage(mem(files))).valid, false);
  assert.deepEqual((await validatePackage(mem(files), { legacy: true })).errors, []);
  const bad = await validatePackage(mem(pkg({ 'manifest.yml': manifest('icons:\n  - src: /img/none.png\n').replace('name: demo', 'name: Demo-X'), 'docs/README.md': undefined })), { legacy: true });
  const msgs = bad.errors.map((e) => e.message);
  assert.equal(bad.errors.every((e) => e.code === 'SPEC_LEGACY'), true);
  assert.ok(msgs.some((m) => m.includes('field name:')));
  assert.ok(msgs.some((m) => m.includes('icons.0.src')));
  assert.ok(msgs.some((m) => m.includes('expecting to find [README.md] file')));
});

test('content packages: unknown root items rejected; type exists from 3.3.0', async () => {
  const content = (fv: string): Record<string, string> => ({
    'manifest.yml': manifest('', fv).replace('type: integration', 'type: content'),
    'changelog.yml': changelog(),
    'docs/README.md': 'x',
  });
  assert.deepEqual(await messages(content('3.4.0')), []);
  assert.ok((await messages({ ...content('3.4.0'), 'data_stream/x/manifest.yml': 'title: x' })).includes('item [data_stream] is not allowed in folder [/pkg/demo]'));
  assert.equal((await validatePackage(mem(content('3.2.0')))).valid, false);
});

test('YAML helpers: lines and dotted keys', () => {
  const p = parseYaml('a:\n  b:\n    - x\n    - y\n');
  assert.ok(p.doc);
  assert.equal(p.doc.lineOf(['a', 'b', 1]), 4);
  assert.deepEqual(expandDotted({ 'kibana.version': '^8', kibana: { x: 1 } }), { kibana: { version: '^8', x: 1 } });
  assert.ok(parseYaml('a: [').error);
});

test('DocsStructure is opt-in and honours skips', async () => {
  const readme = '# Demo\n## Overview\n## What data does this integration collect?\n## What do I need to use this integration?\n## How do I deploy this integration?\n## Troubleshooting\n';
  const vy = 'docs_structure_enforced:\n  enabled: true\n  version: 1\n';
  assert.deepEqual(await messages(pkg({ 'docs/README.md': readme })), []);
  const m = await messages(pkg({ 'docs/README.md': readme, 'validation.yml': vy }));
  assert.equal(m.length, 1);
  assert.equal(m[0]!, "missing required section 'Performance and scaling' in file 'README.md'");
  assert.deepEqual(await messages(pkg({ 'docs/README.md': readme, 'validation.yml': `${vy}  skip:\n    - title: Performance and scaling\n      reason: x\n` })), []);
});

test('JSE00001: renaming message to event.original needs guards (from 3.1.0)', async () => {
  const pipeline = '---\nprocessors:\n  - rename:\n      field: message\n      target_field: event.original\n';
  const bad = await validatePackage(mem(pkg({ 'manifest.yml': manifest('', '3.1.0'), 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml': pipeline })));
  assert.deepEqual(bad.errors.map((e) => e.code), ['JSE00001', 'JSE00001']);
  const good = `${pipeline}      if: ctx.event?.original == null\n  - remove:\n      field: message\n      if: ctx.event?.original != null\n`;
  assert.deepEqual(await messages(pkg({ 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml': good })), []);
  const old = await messages(pkg({ 'manifest.yml': manifest('', '3.0.4'), 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml': pipeline }));
  assert.deepEqual(old, []);
});

test('size limits and dashboards without filters', async () => {
  const { formatSize } = await import('./engine/folders.js');
  assert.equal(formatSize(150 * 1024 * 1024), '150MB');
  assert.equal(formatSize(1025), '1025B');
  const big = await messages(pkg({ 'data_stream/logs/fields/big.yml': `# ${'x'.repeat(5 * 1024 * 1024)}\n` }));
  assert.ok(big.some((m) => m.endsWith('is bigger than expected (5MB)')), big.join('\n'));
  const mkDash = (filter: unknown[]): string =>
    JSON.stringify({ id: 'demo-d1', type: 'dashboard', attributes: { title: 'D', panelsJSON: JSON.stringify([{ type: 'lens', embeddableConfig: { attributes: { state: { filters: [] } } } }]), kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter }) } } });
  const dash = mkDash([]);
  const m = await validatePackage(mem(pkg({ 'kibana/dashboard/demo-d1.json': dash })));
  assert.deepEqual(m.errors.map((e) => e.code), ['SVR00002']);
  // No by-value panel: nothing to filter, no error (Go's KibanaFilterPresent).
  const noPanels = dash.replace(/"panelsJSON":"[^]*?\]",/, '"panelsJSON":"[]",');
  assert.notEqual(noPanels, dash);
  assert.deepEqual(await messages(pkg({ 'kibana/dashboard/demo-d1.json': noPanels })), []);
  const filtered = mkDash([{ query: { match_phrase: { 'data_stream.dataset': 'demo.logs' } } }]);
  assert.deepEqual(await messages(pkg({ 'kibana/dashboard/demo-d1.json': filtered })), []);
  const v2 = await messages(pkg({ 'manifest.yml': manifest('', '2.12.0'), 'kibana/dashboard/demo-d1.json': dash }));
  assert.deepEqual(v2, []);
});

test('hostile or odd content never crashes a rule', async () => {
  const fc = (await import('fast-check')).default;
  const odd = ['[]', '"x"', '42', 'null', '{a: [1, {b: null}]}', '[[], {}, "s", 1]', '{}'];
  const slots = (v: string): Record<string, string>[] => [
    { 'manifest.yml': `${manifest()}policy_templates: ${v}\nvars: ${v}\n` },
    { 'manifest.yml': `${manifest()}policy_templates:\n  - name: t\n    inputs: ${v}\n    vars: ${v}\n    deployment_modes: ${v}\n` },
    { 'data_stream/logs/manifest.yml': `title: Logs\ntype: logs\nstreams: ${v}\nelasticsearch: ${v}\n` },
    { 'data_stream/logs/fields/base-fields.yml': `${v}\n` },
    { 'changelog.yml': `${v}\n` },
    { 'kibana/tags.yml': `${v}\n` },
    { 'kibana/dashboard/demo-x.json': JSON.stringify({ id: 'demo-x', attributes: { panelsJSON: v, kibanaSavedObjectMeta: { searchSourceJSON: v } }, references: [] }) },
    { 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml': `---\nprocessors: ${v}\non_failure: ${v}\n` },
    { 'validation.yml': `errors: ${v}\ndocs_structure_enforced: ${v}\n` },
    { '_dev/test/config.yml': `system: ${v}\n` },
  ];
  const check = async (files: Record<string, string>): Promise<void> => {
    const r = await validatePackage(mem(pkg(files)));
    const internal = r.errors.filter((e) => e.code === 'SPEC_INTERNAL');
    assert.deepEqual(internal, [], JSON.stringify(files));
  };
  for (const v of odd) for (const s of slots(v)) await check(s);
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.nat(9), async (val, slot) => {
      await check(slots(JSON.stringify(val))[slot]!);
    }),
    { numRuns: 150 },
  );
  // not a mapping at all
  assert.equal((await validatePackage(mem(pkg({ 'manifest.yml': '- a\n- b\n' })))).valid, false);
  assert.equal((await validatePackage(mem(pkg({ 'manifest.yml': 'a: [' })))).valid, false);
});

test('every code used by the validator is documented (codes.ts or the error catalog)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { ELASTIC_CODES, SPEC_CODES } = await import('./codes.js');
  const dir = new URL('.', import.meta.url).pathname;
  const files = (readdirSync(dir, { recursive: true }) as string[]).map((f) => `${dir}${f}`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/data/'));
  const used = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/'((?:SPEC_[A-Z_]+)|(?:SVR|PSR|JSE)\d{5})'/g)) used.add(m[1]!);
  const { ERROR_CATALOG } = await import('../errors.js');
  const known = new Set([...Object.keys(ELASTIC_CODES), ...Object.keys(SPEC_CODES), ...Object.keys(ERROR_CATALOG)]);
  assert.ok(used.size > 10);
  assert.deepEqual([...used].filter((c) => !known.has(c)), []);
});

test('assertValidPackage throws SPEC_INVALID / SPEC_VERSION_UNSUPPORTED with the issues', async () => {
  const { assertValidPackage } = await import('./index.js');
  assert.equal((await assertValidPackage(mem(pkg()))).valid, true);
  await assert.rejects(assertValidPackage(mem(pkg({ 'changelog.yml': undefined }))), (e: { code: string; data: { errors: unknown[] } }) => e.code === 'SPEC_INVALID' && e.data.errors.length >= 1);
  await assert.rejects(assertValidPackage(mem(pkg({ 'manifest.yml': manifest('', '9.9.9') }))), (e: { code: string }) => e.code === 'SPEC_VERSION_UNSUPPORTED');
});
