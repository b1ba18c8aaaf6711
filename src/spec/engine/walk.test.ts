/** The tree walk on small in-memory packages: Go's folder-validator behaviour and hostile input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { PackageEntry, PackageSource } from '../../package/source.js';
import { validatePackage } from '../index.js';

function mem(files: Record<string, string>, origin = '/pkg/demo', kind?: 'zip' | 'folder', sizes: Record<string, number> = {}): PackageSource {
  const entries = new Map<string, PackageEntry>();
  for (const [p, c] of Object.entries(files)) {
    entries.set(p, { path: p, type: 'file', size: sizes[p] ?? Buffer.byteLength(c) });
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) entries.set(parts.slice(0, i).join('/'), { path: parts.slice(0, i).join('/'), type: 'dir', size: 0 });
  }
  const list = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    origin,
    rootName: 'demo',
    kind,
    entries: () => list,
    has: (p) => p in files,
    readFile: async (p) => Buffer.from(files[p]!),
    openStream: async (p) => Readable.from([Buffer.from(files[p]!)]),
    close: async () => {},
  };
}

const base = (name = 'demo', fv = '3.0.0'): Record<string, string> => ({
  'manifest.yml': `format_version: ${fv}\nname: "${name}"\ntitle: Demo\ndescription: A demo\nversion: 0.1.0\ntype: integration\nowner:\n  github: elastic/foo\n  type: elastic\nconditions:\n  kibana:\n    version: ^8.10.0\n`,
  'changelog.yml': '- version: "0.1.0"\n  changes:\n    - description: first\n      type: enhancement\n      link: https://github.com/elastic/integrations/pull/1\n',
  'docs/README.md': '# Demo\n',
});
const messages = async (files: Record<string, string>, kind?: 'zip' | 'folder'): Promise<string[]> => (await validatePackage(mem(files, '/pkg/demo', kind))).errors.map((e) => e.message);

test('a hostile package name cannot inject a backtracking pattern into {PACKAGE_NAME}', async () => {
  const files = { ...base('(a+)+$'), [`kibana/dashboard/${'a'.repeat(40)}!.json`]: '{}' };
  const t0 = Date.now();
  const m = await messages(files);
  assert.ok(Date.now() - t0 < 5000, 'validation took too long');
  assert.ok(m.some((x) => x.includes('field name: Does not match pattern')), m.join('\n'));
  assert.ok(m.includes(`item [${'a'.repeat(40)}!.json] is not allowed in folder [/pkg/demo/kibana/dashboard]`), m.join('\n'));
});

test('hidden files are validated like any other (Go lists them): docs/.missing is not allowed', async () => {
  assert.deepEqual(await messages({ ...base(), 'docs/.missing': 'x' }), ['item [.missing] is not allowed in folder [/pkg/demo/docs]']);
});

test('in a zip, a .link file cannot be opened: two errors, as Go reports them', async () => {
  const m = await messages({ ...base(), 'LICENSE.txt.link': 'x 1' }, 'zip');
  assert.deepEqual(m, [
    'file "/pkg/demo/LICENSE.txt.link" is invalid: linked files are not supported in this filesystem',
    'failed to obtain file size for "/pkg/demo/LICENSE.txt.link": linked files are not supported in this filesystem',
  ]);
});

test('limits and media types: entry counts, empty files, document dashes, unlisted dashed folders', async () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 501; i++) many[`data_stream/ds${String(i).padStart(3, '0')}/manifest.yml`] = 'title: x\ntype: logs\n';
  assert.deepEqual(await messages({ ...base(), ...many }), ['folder [/pkg/demo/data_stream] exceeds the limit of 500 files']);
  assert.deepEqual(await messages({ ...base(), 'NOTICE.txt': '' }), ['file "/pkg/demo/NOTICE.txt" is invalid: file is empty, but media type is defined']);
  const pipe = 'elasticsearch/ingest_pipeline/default.yml';
  assert.deepEqual(await messages({ ...base(), [pipe]: 'processors: []\n' }), [`file "/pkg/demo/${pipe}" is invalid: document dashes are required (start the document with '---')`]);
  assert.deepEqual(await messages({ ...base(), 'my-stuff/x.txt': 'x' }), ['file "/pkg/demo/my-stuff" is invalid: directory name inside package demo contains -: my-stuff']);
  const folderAsFile = await messages({ ...base(), 'changelog.yml/x': 'x' });
  assert.deepEqual(folderAsFile.slice(0, 2), ['[changelog.yml] is a folder but is expected to be a file', 'expecting to find [changelog.yml] file in folder [/pkg/demo]']);
});

test('a linked file is validated through its target (schema of the item it stands for)', async () => {
  const { createHash } = await import('node:crypto');
  const target = '- name: a\n  type: nonsense\n';
  const sum = createHash('sha256').update(target).digest('hex');
  const files = {
    ...base(),
    'data_stream/logs/manifest.yml': 'title: Logs\ntype: logs\n',
    'data_stream/logs/fields/base.yml': '- name: "@timestamp"\n  type: date\n',
    '_dev/shared/fields.yml': target,
    'data_stream/logs/fields/shared.yml.link': `../../../_dev/shared/fields.yml ${sum}`,
  };
  const m = await messages(files);
  assert.ok(m.some((x) => x.startsWith('file "/pkg/demo/data_stream/logs/fields/shared.yml.link" is invalid: field 0.type: 0.type must be one of the following:')), m.join('\n'));
});

test('size and count limits of the spec (the cases of package-spec limits_test.go)', async () => {
  const MB = 1024 * 1024;
  const good = { ...base(), 'img/kibana-system.png': 'png', 'manifest.yml': `${base()['manifest.yml']}icons:\n  - src: /img/kibana-system.png\n`, 'agent/input/stream.yml.hbs': 'x', '_dev/deploy/docker/docker-compose.yml': 'version: 2.3\n', '_dev/deploy/docker/entrypoint.sh': 'x' };
  const run = async (sizes: Record<string, number>, extra: Record<string, string> = {}): Promise<string[]> => (await validatePackage(mem({ ...good, ...extra }, '/pkg/demo', undefined, sizes))).errors.map((e) => e.message);
  assert.deepEqual(await run({}), []);
  assert.deepEqual(await run({ 'manifest.yml': 10 * MB }), ['file "/pkg/demo/manifest.yml" is invalid: file size (10MB) is bigger than expected (5MB)']);
  assert.deepEqual(await run({ 'docs/README.md': 200 * MB }), ['file "/pkg/demo/docs/README.md" is invalid: file size (200MB) is bigger than expected (150MB)']);
  assert.deepEqual(await run({ 'docs/other.md': 140 * MB, 'docs/someother.md': 140 * MB }, { 'docs/other.md': 'x', 'docs/someother.md': 'x' }), [
    // the limit is inherited: docs/ and the root both exceed it
    'folder [/pkg/demo/docs] exceeds the total size limit of 250MB',
    'folder [/pkg/demo] exceeds the total size limit of 250MB',
  ]);
  assert.deepEqual(await run({ 'img/kibana-system.png': 10 * MB }), ['file "/pkg/demo/manifest.yml" is invalid: field icons.0.src: relative path is invalid, target doesn\'t exist or it exceeds the file size limit']);
  assert.deepEqual(await run({ 'agent/input/stream.yml.hbs': 6 * MB }), ['file "/pkg/demo/agent/input/stream.yml.hbs" is invalid: file size (6MB) is bigger than expected (2MB)']);
  const pipe = await run({ 'elasticsearch/ingest_pipeline/pipeline.yml': 4 * MB }, { 'elasticsearch/ingest_pipeline/pipeline.yml': '---\n' });
  assert.deepEqual(pipe, ['file "/pkg/demo/elasticsearch/ingest_pipeline/pipeline.yml" is invalid: file size (4MB) is bigger than expected (3MB)']);
  assert.deepEqual(await run({ '_dev/deploy/docker/entrypoint.sh': 2048 * MB }), [], 'development files are not counted');
  const docs: Record<string, string> = {};
  for (let i = 0; i < 65536; i++) docs[`docs/f${i}.md`] = 'x';
  assert.deepEqual(await run({}, docs), ['folder [/pkg/demo/docs] exceeds the limit of 65535 files']);
});

test('source/build modes: the technical-preview notice is a warning, an error with warnings-as-errors (Go)', async () => {
  const r = await validatePackage(mem(base()), { mode: 'source' });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((w) => w.message), ["Warning: validation mode 'source' is in technical preview"]);
  const w = await validatePackage(mem(base()), { mode: 'build', warningsAsErrors: true });
  assert.deepEqual(w.errors.map((e) => e.message), ["validation mode 'build' is in technical preview"]);
  assert.equal(w.valid, false);
});
