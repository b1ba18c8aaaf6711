/**
 * Version gates of the spec's `versions:` patches, as accept/refuse pairs: a minimal package using one
 * feature is validated at the format version that introduced (or dropped) it and at the format version just
 * before, and must be accepted on one side and refused on the other. A second test checks, for every patch
 * entry of every spec file, that the resolved spec changes exactly at its `before` version (so no gate is
 * silently off by one), and a third that features without a gate are accepted at every version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import semver from 'semver';
import type { PackageEntry, PackageSource } from '../src/package/source.js';
import { validatePackage } from '../src/spec/index.js';
import { SPEC_FILES } from '../src/spec/data/index.js';
import { resolvedSpec } from '../src/spec/engine/resolve.js';
import { FORMAT_VERSIONS } from '../src/spec/engine/versions.js';

type Files = Record<string, string>;

function mem(files: Files, origin = '/pkg/demo'): PackageSource {
  const entries = new Map<string, PackageEntry>();
  for (const [p, c] of Object.entries(files)) {
    entries.set(p, { path: p, type: 'file', size: Buffer.byteLength(c) });
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) entries.set(parts.slice(0, i).join('/'), { path: parts.slice(0, i).join('/'), type: 'dir', size: 0 });
  }
  const list = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    origin,
    rootName: 'demo',
    entries: () => list,
    has: (p) => p in files,
    readFile: async (p) => Buffer.from(files[p]!),
    openStream: async (p) => Readable.from([Buffer.from(files[p]!)]),
    close: async () => {},
  };
}

const FIELDS = `- name: data_stream.type
  type: constant_keyword
- name: data_stream.dataset
  type: constant_keyword
- name: data_stream.namespace
  type: constant_keyword
- name: '@timestamp'
  type: date
`;
const CHANGELOG = `- version: "0.1.0"
  changes:
    - description: first
      type: enhancement
      link: https://github.com/elastic/integrations/pull/1
`;

/** A minimal integration package at format version `fv`; `manifestExtra` is appended to the manifest. */
function integration(fv: string, manifestExtra = '', over: Record<string, string | undefined> = {}): Files {
  const files: Record<string, string | undefined> = {
    'manifest.yml': `format_version: ${fv}\nname: demo\ntitle: Demo\ndescription: A demo\nversion: 0.1.0\ntype: integration\nowner:\n  github: elastic/foo\n  type: elastic\nconditions:\n  kibana:\n    version: ^8.10.0\n${manifestExtra}`,
    'changelog.yml': CHANGELOG,
    'docs/README.md': '# Demo\n',
    'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\n',
    'data_stream/logs/fields/base-fields.yml': FIELDS,
    ...over,
  };
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Files;
}

function inputPkg(fv: string, over: Record<string, string | undefined> = {}, ptExtra = ''): Files {
  const files: Record<string, string | undefined> = {
    'manifest.yml': `format_version: ${fv}\nname: demo\ntitle: Demo\ndescription: A demo\nversion: 0.1.0\ntype: input\nowner:\n  github: elastic/foo\n  type: elastic\nconditions:\n  kibana:\n    version: ^8.10.0\npolicy_templates:\n  - name: demo\n    type: logs\n    title: Demo\n    description: Demo logs\n    input: logfile\n    template_path: input.yml.hbs\n${ptExtra}`,
    'changelog.yml': CHANGELOG,
    'docs/README.md': '# Demo\n',
    'agent/input/input.yml.hbs': 'paths: {{paths}}\n',
    'fields/base-fields.yml': FIELDS,
    ...over,
  };
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Files;
}

function content(fv: string): Files {
  return {
    'manifest.yml': `format_version: ${fv}\nname: demo\ntitle: Demo\ndescription: A demo\nversion: 0.1.0\ntype: content\nowner:\n  github: elastic/foo\n  type: elastic\nconditions:\n  kibana:\n    version: ^8.10.0\n`,
    'changelog.yml': CHANGELOG,
    'docs/README.md': '# Demo\n',
  };
}

const prev = (v: string): string => FORMAT_VERSIONS[FORMAT_VERSIONS.indexOf(v) - 1]!;

interface Gate {
  feature: string;
  /** The first format version where the feature's behaviour holds. */
  gate: string;
  /** 'added': refused before, accepted at the gate; 'removed' / 'enforced': accepted before, refused at the gate. */
  kind: 'added' | 'removed' | 'enforced';
  pkg: (fv: string) => Files;
}

const PIPE = 'data_stream/logs/elasticsearch/ingest_pipeline/default.yml';
const RENAME = '---\nprocessors:\n  - rename:\n      field: message\n      target_field: event.original\n';

const GATES: Gate[] = [
  { feature: 'license (manifest)', gate: '2.0.0', kind: 'removed', pkg: (v) => integration(v, 'license: basic\n') },
  { feature: 'field type array', gate: '2.0.0', kind: 'removed', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: a\n  type: array\n' }) },
  { feature: 'release (manifest)', gate: '2.3.0', kind: 'removed', pkg: (v) => integration(v, 'release: beta\n') },
  { feature: 'input package elasticsearch settings', gate: '2.3.0', kind: 'added', pkg: (v) => inputPkg(v, { 'manifest.yml': `${inputPkg(v)['manifest.yml']}elasticsearch:\n  index_template:\n    mappings:\n      dynamic: false\n` }) },
  { feature: 'var type select', gate: '2.6.0', kind: 'added', pkg: (v) => integration(v, 'vars:\n  - name: s\n    type: select\n    title: S\n    options:\n      - value: a\n        text: A\n') },
  { feature: 'data stream type profiles', gate: '2.7.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/manifest.yml': 'title: Logs\ntype: profiles\n' }) },
  { feature: 'field type aggregate_metric_double', gate: '2.7.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: a\n  type: aggregate_metric_double\n  metrics: [min, max]\n  default_metric: max\n' }) },
  { feature: 'runtime fields', gate: '2.8.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: a\n  type: keyword\n  runtime: true\n' }) },
  { feature: 'routing_rules.yml', gate: '2.9.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\ndataset: demo.logs\n', 'data_stream/logs/routing_rules.yml': '- source_dataset: demo.logs\n  rules:\n    - target_dataset: demo.other\n      if: ctx.x != null\n      namespace: default\n' }) },
  { feature: 'var secret', gate: '2.9.0', kind: 'added', pkg: (v) => integration(v, 'vars:\n  - name: pw\n    type: password\n    title: PW\n    secret: true\n') },
  { feature: 'lifecycle.yml (data stream)', gate: '2.10.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/lifecycle.yml': 'data_retention: 7d\n' }) },
  // the input root takes additional contents, so before 2.10.0 the file is merely not checked
  { feature: 'lifecycle.yml schema (input package)', gate: '2.10.0', kind: 'enforced', pkg: (v) => inputPkg(v, { 'lifecycle.yml': 'retention: 7d\n' }) },
  { feature: 'kibana/tags.yml', gate: '2.10.0', kind: 'added', pkg: (v) => integration(v, '', { 'kibana/tags.yml': '- text: Foo\n  asset_types: [dashboard]\n' }) },
  { feature: 'conditions.elastic.capabilities', gate: '2.10.0', kind: 'added', pkg: (v) => integration(v, '  elastic:\n    capabilities: [observability]\n') },
  { feature: 'agent.privileges (manifest)', gate: '2.12.0', kind: 'added', pkg: (v) => integration(v, 'agent:\n  privileges:\n    root: true\n') },
  { feature: 'agent.privileges (data stream)', gate: '2.12.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\nagent:\n  privileges:\n    root: true\n' }) },
  { feature: 'owner.type required', gate: '3.0.0', kind: 'enforced', pkg: (v) => ({ ...integration(v), 'manifest.yml': integration(v)['manifest.yml']!.replace('  type: elastic\n', '') }) },
  { feature: 'ingest pipeline schema', gate: '3.0.0', kind: 'enforced', pkg: (v) => integration(v, '', { [PIPE]: '---\nfoo: bar\n' }) },
  { feature: 'secret required on password-like vars', gate: '3.0.2', kind: 'enforced', pkg: (v) => integration(v, 'vars:\n  - name: api_key\n    type: text\n    title: Key\n') },
  { feature: 'JSE00001 rename message guards', gate: '3.1.0', kind: 'enforced', pkg: (v) => integration(v, '', { [PIPE]: RENAME }) },
  { feature: 'field subobjects', gate: '3.1.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: o\n  type: object\n  object_type: keyword\n  subobjects: false\n' }) },
  { feature: 'var hide_in_deployment_modes', gate: '3.1.4', kind: 'added', pkg: (v) => integration(v, 'vars:\n  - name: x\n    type: text\n    title: X\n    hide_in_deployment_modes: [agentless]\n') },
  { feature: 'field store', gate: '3.2.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: a\n  type: keyword\n  store: true\n' }) },
  // img/ (3.2.2) is not observable in a package: before it the root's additional contents take it unchecked;
  // its gate is covered by the resolved-spec test below
  { feature: 'content packages (beta before 3.3.1)', gate: '3.3.1', kind: 'added', pkg: (v) => content(v) },
  { feature: 'terminate processor', gate: '3.3.2', kind: 'added', pkg: (v) => integration(v, '', { [PIPE]: '---\nprocessors:\n  - terminate: {}\n' }) },
  { feature: 'kibana/alerting_rule_template', gate: '3.4.0', kind: 'added', pkg: (v) => integration(v, '', { 'kibana/alerting_rule_template/demo-rule.json': '{"id": "demo-rule", "type": "alerting_rule_template", "attributes": {}}' }) },
  { feature: 'duration vars', gate: '3.5.0', kind: 'added', pkg: (v) => integration(v, 'vars:\n  - name: d\n    type: duration\n    title: D\n    min_duration: 1s\n') },
  { feature: 'input package fields/ optional', gate: '3.5.0', kind: 'added', pkg: (v) => inputPkg(v, { 'fields/base-fields.yml': undefined }) },
  { feature: 'elasticsearch/esql_view', gate: '3.6.0', kind: 'added', pkg: (v) => integration(v, '', { 'elasticsearch/esql_view/demo.yml': 'name: demo\nquery: FROM logs-*\n' }) },
  { feature: 'changelog type deprecation', gate: '3.6.0', kind: 'added', pkg: (v) => integration(v, '', { 'changelog.yml': CHANGELOG.replace('enhancement', 'deprecation') }) },
  { feature: 'deprecated (manifest)', gate: '3.6.0', kind: 'added', pkg: (v) => integration(v, 'deprecated:\n  description: use foo\n  since: 0.1.0\n') },
  { feature: 'field type semantic_text', gate: '3.7.0', kind: 'added', pkg: (v) => integration(v, '', { 'data_stream/logs/fields/more.yml': '- name: s\n  type: semantic_text\n' }) },
];

for (const g of GATES) {
  test(`version gate ${g.gate}: ${g.feature} (${g.kind})`, async () => {
    const before = prev(g.gate);
    const rb = await validatePackage(mem(g.pkg(before)));
    const ra = await validatePackage(mem(g.pkg(g.gate)));
    const show = (r: typeof ra): string => r.errors.map((e) => `${e.code} ${e.message}`).join('\n');
    if (g.kind === 'added') {
      assert.equal(rb.valid, false, `${before} should refuse ${g.feature}`);
      assert.equal(ra.valid, true, `${g.gate} should accept ${g.feature}:\n${show(ra)}`);
    } else {
      assert.equal(rb.valid, true, `${before} should accept ${g.feature}:\n${show(rb)}`);
      assert.equal(ra.valid, false, `${g.gate} should refuse ${g.feature}`);
    }
  });
}

test('ungated features are accepted at every format version where their file exists (issue 13 false rejections)', async () => {
  const probes: [string, string, (v: string) => Files][] = [
    ['data stream release', '1.0.0', (v) => integration(v, '', { 'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\nrelease: beta\n' })],
    ['show_divider on a policy template input', '1.0.0', (v) => integration(v, 'policy_templates:\n  - name: logs\n    title: Logs\n    description: Logs\n    data_streams: [logs]\n    inputs:\n      - type: logfile\n        title: Logs\n        description: Logs\n        show_divider: true\n', { 'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\nstreams:\n  - input: logfile\n    title: Logs\n    description: Logs\n', 'data_stream/logs/agent/stream/stream.yml.hbs': 'paths: {{paths}}\n' })],
  ];
  for (const [what, from, mk] of probes) {
    for (const v of FORMAT_VERSIONS.filter((x) => semver.gte(x, from))) {
      const r = await validatePackage(mem(mk(v)));
      assert.equal(r.valid, true, `${what} at ${v}: ${r.errors.map((e) => e.message).join(' | ')}`);
    }
  }
});

test('format versions: exactly the changelog entries (1.8.1, 1.12.1, 2.8.1, 3.5.8 exist; 1.2.1, 1.3.1, 2.3.1, 3.4.3 do not)', async () => {
  for (const v of ['1.8.1', '1.12.1', '2.8.1', '3.5.8']) {
    const r = await validatePackage(mem(integration(v)));
    assert.equal(r.valid, true, `${v}: ${r.errors.map((e) => e.message).join(' | ')}`);
  }
  for (const v of ['1.2.1', '1.3.1', '2.3.1', '3.4.3', '3.6.7']) {
    const r = await validatePackage(mem(integration(v)));
    assert.deepEqual(r.errors.map((e) => e.message), [`could not load specification for version [${v}]: spec version "${v}" not found`]);
  }
  assert.equal(FORMAT_VERSIONS.length, 79);
  // Go reads format_version as text: an unquoted 1.20 is version 1.20.0 (unknown), not the float 1.2; and, being
  // a number in the JSON the schema sees, an unquoted 1.10 resolves but fails the manifest schema
  const r20 = await validatePackage(mem(integration('1.20')));
  assert.deepEqual(r20.errors.map((e) => e.message), ['could not load specification for version [1.20.0]: spec version "1.20.0" not found']);
  const r10 = await validatePackage(mem(integration('1.10')));
  assert.deepEqual(r10.errors.map((e) => e.message), ['file "/pkg/demo/manifest.yml" is invalid: field format_version: Invalid type. Expected: string, given: number']);
  assert.equal((await validatePackage(mem(integration('"1.10.0"')))).valid, true);
  // loose parse and normalized messages, as Masterminds semver: v-prefix, missing patch; garbage refused early
  // (`v3.0` resolves to 3.0.0; only the manifest schema's own pattern then refuses the text)
  const loose = await validatePackage(mem(integration('"v3.0"')));
  assert.deepEqual(loose.errors.map((e) => e.message.replace(/Does not match pattern .*/, 'Does not match pattern')), ['file "/pkg/demo/manifest.yml" is invalid: field format_version: Does not match pattern']);
  const junk = await validatePackage(mem(integration('next')));
  assert.deepEqual(junk.errors.map((e) => e.message), ['could not read specification version from package manifest file [next]: invalid semantic version']);
});

test('every patch entry of every spec file changes the resolved spec exactly at its `before` version', () => {
  let entries = 0;
  for (const [id, f] of Object.entries(SPEC_FILES)) {
    for (const v of f.versions ?? []) {
      if (!FORMAT_VERSIONS.includes(v.before)) continue; // a gate between versions cannot be probed
      const at = JSON.stringify(resolvedSpec(id, v.before));
      const before = JSON.stringify(resolvedSpec(id, prev(v.before)));
      assert.notEqual(at, before, `${id}: the patch before ${v.before} changes nothing at ${prev(v.before)}`);
      entries++;
    }
  }
  assert.equal(entries, 61, 'patch entries probed (src/spec/README.md quotes this figure)');
  assert.equal(GATES.length, 32, 'accept/refuse pairs (src/spec/README.md quotes this figure)');
});
