/**
 * Rules of the package document that the EPR goldens do not pin down (the golden walk is in
 * test/package-documents.test.ts). Packages here are in-memory PackageSources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { PackageEntry, PackageSource } from './source.js';
import { compareBytewise, deriveDocument, normalizeDocument, toSearchItem, spreadDeprecation, ingestionMethod, ASSET_MAX_DEPTH } from './document.js';
import { CATEGORIES, categoryTitle, isKnownCategory } from './categories.js';
import { isPsError } from '../errors.js';

function memSource(files: Record<string, string>, kind: 'zip' | 'folder' = 'folder', archiveOrder?: string[]): PackageSource {
  const entries: PackageEntry[] = [];
  const dirs = new Set<string>();
  const order = archiveOrder ?? Object.keys(files);
  const archive: PackageEntry[] = [];
  for (const p of order) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        archive.push({ path: d, type: 'dir', size: 0 });
      }
    }
    archive.push({ path: p, type: 'file', size: files[p]!.length });
  }
  entries.push(...archive);
  entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    kind,
    origin: 'mem',
    rootName: 'mem',
    entries: () => entries,
    archiveEntries: kind === 'zip' ? () => archive : undefined,
    has: (p) => p in files,
    readFile: async (p) => {
      if (!(p in files)) throw new Error(`missing ${p}`);
      return Buffer.from(files[p]!);
    },
    openStream: async (p) => Readable.from([Buffer.from(files[p]!)]),
    close: async () => {},
  };
}

const BASE_MANIFEST = 'format_version: 3.0.0\nname: demo\ntitle: Demo\nversion: 1.0.0\ndescription: A demo\n';

test('defaults: type, release (0.x and prerelease are beta), license from subscription', async () => {
  let d = await deriveDocument(memSource({ 'manifest.yml': BASE_MANIFEST }));
  assert.equal(d.type, 'integration');
  assert.equal(d.release, 'ga');
  assert.equal(d.license, 'basic');
  assert.equal(d.download, '/epr/demo/demo-1.0.0.zip');
  assert.equal(d.path, '/package/demo/1.0.0');
  assert.equal(d.readme, undefined, 'no docs/README.md, no readme');
  assert.equal(d.signature_path, undefined);
  d = await deriveDocument(memSource({ 'manifest.yml': BASE_MANIFEST.replace('1.0.0', '0.9.0') }));
  assert.equal(d.release, 'beta');
  d = await deriveDocument(memSource({ 'manifest.yml': BASE_MANIFEST.replace('1.0.0', '2.0.0-next.1') }));
  assert.equal(d.release, 'beta');
  d = await deriveDocument(memSource({ 'manifest.yml': `${BASE_MANIFEST}conditions:\n  elastic.subscription: platinum\n` }));
  assert.equal(d.license, 'platinum');
  d = await deriveDocument(memSource({ 'manifest.yml': `${BASE_MANIFEST}license: basic\nconditions:\n  elastic.subscription: gold\n` }));
  assert.equal(d.license, 'basic');
  d = await deriveDocument(memSource({ 'manifest.yml': BASE_MANIFEST }), { signed: true });
  assert.equal(d.signature_path, '/epr/demo/demo-1.0.0.zip.sig');
});

test('subscription is never omitted; title is kept even empty; format_version always written', async () => {
  const d = await deriveDocument(
    memSource({ 'manifest.yml': 'name: demo\nversion: 1.0.0\ntitle: ""\ndescription: x\nconditions:\n  elastic:\n    capabilities: [security]\n' }),
  );
  assert.deepEqual(d.conditions, { elastic: { subscription: '', capabilities: ['security'] } });
  assert.equal(d.title, '');
  assert.equal(d.format_version, '');
  assert.deepEqual(Object.keys(d).slice(0, 3), ['name', 'title', 'version']);
});

test('unknown package categories are dropped with a warning; policy template categories are kept', async () => {
  const warnings: string[] = [];
  const d = await deriveDocument(
    memSource({
      'manifest.yml': `${BASE_MANIFEST}categories: [security, made_up, web]\npolicy_templates:\n  - name: t\n    title: T\n    description: D\n    categories: [compute]\n`,
    }),
    { onWarning: (m) => warnings.push(m) },
  );
  assert.deepEqual(d.categories, ['security', 'web']);
  assert.deepEqual((d.policy_templates as { categories: string[] }[])[0]!.categories, ['compute']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /made_up/);
});

test('policy templates: multiple defaults to true but false is kept, readme when docs/<name>.md exists, image paths', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': `${BASE_MANIFEST}icons:\n  - src: /img/a.svg\n    type: image/svg+xml\npolicy_templates:\n  - name: one\n    title: One\n    description: D\n    multiple: false\n    vars:\n      - name: dropped\n        type: text\n  - name: two\n    title: Two\n    description: D\n    screenshots:\n      - src: img/s.png\n        title: S\n`,
      'docs/README.md': '# x',
      'docs/two.md': '# two',
    }),
  );
  const pts = d.policy_templates as Record<string, unknown>[];
  assert.deepEqual(pts[0], { name: 'one', title: 'One', description: 'D', multiple: false });
  assert.deepEqual(pts[1], {
    name: 'two',
    title: 'Two',
    description: 'D',
    multiple: true,
    screenshots: [{ src: 'img/s.png', path: '/package/demo/1.0.0/img/s.png', title: 'S' }],
    readme: '/package/demo/1.0.0/docs/two.md',
  });
  assert.deepEqual(d.icons, [{ src: '/img/a.svg', path: '/package/demo/1.0.0/img/a.svg', type: 'image/svg+xml' }]);
  assert.equal(d.readme, '/package/demo/1.0.0/docs/README.md');
});

test('variables: multi/required/show_user always written, default kept when false, 0 or empty; object defaults sorted', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': `${BASE_MANIFEST}vars:\n  - name: a\n    type: bool\n    default: false\n  - name: b\n    type: integer\n    default: 0\n  - name: c\n    type: text\n    default: ""\n  - name: d\n    type: yaml\n    default:\n      z: 1\n      a: 2\n  - name: e\n    type: text\n    default: null\n    unknown_field: 1\n`,
    }),
  );
  assert.equal(
    JSON.stringify(d.vars),
    JSON.stringify([
      { name: 'a', type: 'bool', multi: false, required: false, show_user: false, default: false },
      { name: 'b', type: 'integer', multi: false, required: false, show_user: false, default: 0 },
      { name: 'c', type: 'text', multi: false, required: false, show_user: false, default: '' },
      { name: 'd', type: 'yaml', multi: false, required: false, show_user: false, default: { a: 2, z: 1 } },
      { name: 'e', type: 'text', multi: false, required: false, show_user: false },
    ]),
  );
});

test('data streams: defaults, default pipeline, elasticsearch block with literal dotted keys, stream defaults', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': BASE_MANIFEST,
      'data_stream/b/manifest.yml': 'title: B\ntype: metrics\ndataset: custom.ds\nrelease: experimental\nstreams:\n  - input: logfile\n    enabled: false\n    template_path: x.hbs\n',
      'data_stream/a/manifest.yml':
        'title: A\ntype: logs\nhidden: false\nelasticsearch:\n  index_template.settings:\n    index.number_of_shards: 1\n  privileges.indices: [read]\nstreams:\n  - input: httpjson\n    title: T\n',
      'data_stream/a/elasticsearch/ingest_pipeline/default.yml': 'processors: []',
      'data_stream/nomanifest/fields/x.yml': '- name: x',
    }),
  );
  assert.equal(
    JSON.stringify(d.data_streams),
    JSON.stringify([
      {
        type: 'logs',
        dataset: 'demo.a',
        title: 'A',
        release: 'ga',
        ingest_pipeline: 'default',
        streams: [{ input: 'httpjson', template_path: 'stream.yml.hbs', title: 'T', enabled: true, ingestion_method: 'API' }],
        package: 'demo',
        elasticsearch: {
          'index_template.settings': { index: { number_of_shards: 1 } },
          'ingest_pipeline.name': 'default',
          privileges: { indices: ['read'] },
        },
        path: 'a',
      },
      {
        type: 'metrics',
        dataset: 'custom.ds',
        title: 'B',
        release: 'experimental',
        streams: [{ input: 'logfile', template_path: 'x.hbs', enabled: false, ingestion_method: 'File' }],
        package: 'demo',
        path: 'b',
      },
    ]),
  );
});

test('ingest_pipeline.name: set only for a default pipeline file under an elasticsearch block naming none (issue 12 #18)', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': BASE_MANIFEST,
      // manifest names a pipeline, no default file: ingest_pipeline kept, no ingest_pipeline.name
      'data_stream/a/manifest.yml': 'title: A\ntype: logs\ningest_pipeline: custom\nelasticsearch:\n  index_template.mappings:\n    dynamic: false\n',
      // default file and an elasticsearch block naming none: default
      'data_stream/b/manifest.yml': 'title: B\ntype: logs\nelasticsearch:\n  index_template.mappings:\n    dynamic: false\n',
      'data_stream/b/elasticsearch/ingest_pipeline/default.json': '{}',
      // the block names one: kept
      'data_stream/c/manifest.yml': 'title: C\ntype: logs\nelasticsearch:\n  ingest_pipeline:\n    name: mine\n',
      'data_stream/c/elasticsearch/ingest_pipeline/default.yml': 'processors: []',
      // default file, no elasticsearch block: none
      'data_stream/d/manifest.yml': 'title: D\ntype: logs\n',
      'data_stream/d/elasticsearch/ingest_pipeline/default.yml': 'processors: []',
    }),
  );
  const ds = d.data_streams as Record<string, unknown>[];
  const byPath = Object.fromEntries(ds.map((x) => [x.path, x]));
  assert.equal(byPath.a!.ingest_pipeline, 'custom');
  assert.deepEqual(byPath.a!.elasticsearch, { 'index_template.mappings': { dynamic: false } });
  assert.equal((byPath.b!.elasticsearch as Record<string, unknown>)['ingest_pipeline.name'], 'default');
  assert.equal((byPath.c!.elasticsearch as Record<string, unknown>)['ingest_pipeline.name'], 'mine');
  assert.equal(byPath.d!.elasticsearch, undefined);
  assert.equal(byPath.d!.ingest_pipeline, 'default');
});

test('assets: files only, depth by depth up to 6 levels, .DS_Store skipped; zips keep archive order', async () => {
  const files: Record<string, string> = {
    'manifest.yml': BASE_MANIFEST,
    'a-b/x.txt': '',
    'a/x.txt': '',
    'img/.DS_Store': '',
    '.hidden': '',
    'a/b/c/d/e/f.txt': '',
    'a/b/c/d/e/f/g.txt': '',
  };
  const d = await deriveDocument(memSource(files));
  assert.deepEqual(d.assets, [
    '/package/demo/1.0.0/.hidden',
    '/package/demo/1.0.0/manifest.yml',
    '/package/demo/1.0.0/a/x.txt',
    '/package/demo/1.0.0/a-b/x.txt',
    '/package/demo/1.0.0/a/b/c/d/e/f.txt',
  ]);
  assert.equal(ASSET_MAX_DEPTH, 6);
  const z = await deriveDocument(memSource(files, 'zip', ['manifest.yml', 'a-b/x.txt', 'a/x.txt', '.hidden']));
  assert.deepEqual(z.assets, [
    '/package/demo/1.0.0/manifest.yml',
    '/package/demo/1.0.0/.hidden',
    '/package/demo/1.0.0/a-b/x.txt',
    '/package/demo/1.0.0/a/x.txt',
  ]);
});

test('discovery is dropped when empty; requires and deprecated are kept in order', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': `${BASE_MANIFEST}discovery:\n  fields: []\nrequires:\n  input:\n    - package: sql\n      version: 1.0.0\n      extra: 1\ndeprecated:\n  description: old\n  since: 1.0.0\n  replaced_by:\n    package: new\n`,
    }),
  );
  assert.equal(d.discovery, undefined);
  assert.deepEqual(d.requires, { input: [{ package: 'sql', version: '1.0.0' }] });
  assert.equal(JSON.stringify(d.deprecated), JSON.stringify({ since: '1.0.0', description: 'old', replaced_by: { package: 'new' } }));
});

test('normalizeDocument drops unknown fields, restores the key order, applies omitempty', () => {
  const raw = {
    path: '/package/x/1.0.0',
    version: '1.0.0',
    name: 'x',
    unknown: 1,
    description: 'd',
    type: 'integration',
    download: '/epr/x/x-1.0.0.zip',
    release: '',
    categories: [],
    owner: { github: 'me', type: 'elastic', extra: true },
    conditions: { elastic: { capabilities: ['a'] } },
    policy_templates: [{ name: 'p', title: 'P', description: 'D', vars: [{ name: 'v', type: 'text' }], multiple: false }],
    data_streams: [{ title: 'T', type: 'logs', elasticsearch: { 'index_template.mappings': { z: 1, a: { d: 1, c: 2 } } } }],
  };
  const d = normalizeDocument(raw);
  assert.equal(
    JSON.stringify(d),
    JSON.stringify({
      name: 'x',
      version: '1.0.0',
      description: 'd',
      type: 'integration',
      download: '/epr/x/x-1.0.0.zip',
      path: '/package/x/1.0.0',
      conditions: { elastic: { subscription: '', capabilities: ['a'] } },
      owner: { type: 'elastic', github: 'me' },
      format_version: '',
      policy_templates: [{ name: 'p', title: 'P', description: 'D', multiple: false }],
      data_streams: [{ type: 'logs', title: 'T', elasticsearch: { 'index_template.mappings': { a: { c: 2, d: 1 }, z: 1 } } }],
    }),
  );
  assert.throws(() => normalizeDocument({ name: 'x' }), (e: unknown) => isPsError(e, 'INDEX_INVALID'));
  assert.throws(() => normalizeDocument([]), (e: unknown) => isPsError(e, 'INDEX_INVALID'));
});

test('toSearchItem: short policy templates and data streams in the docs/http-api.md §5.2 places', async () => {
  const d = await deriveDocument(
    memSource({
      'manifest.yml': `${BASE_MANIFEST}categories: [web]\npolicy_templates:\n  - name: t\n    title: T\n    description: D\n    data_streams: [a]\n    inputs:\n      - type: logfile\n`,
      'docs/README.md': 'x',
      'data_stream/a/manifest.yml': 'title: A\ntype: logs\n',
    }),
  );
  const s = toSearchItem(d);
  assert.deepEqual(Object.keys(s), ['name', 'title', 'version', 'release', 'description', 'type', 'download', 'path', 'policy_templates', 'categories', 'data_streams']);
  assert.deepEqual(s.policy_templates, [{ name: 't', title: 'T', description: 'D', data_streams: ['a'] }]);
  assert.deepEqual(s.data_streams, [{ type: 'logs', dataset: 'demo.a', title: 'A' }]);
});

test('spreadDeprecation copies the highest deprecated version onto every version', () => {
  const mk = (version: string, dep?: string) =>
    normalizeDocument({ name: 'm', version, description: '', type: 'integration', ...(dep ? { deprecated: { since: dep, description: dep } } : {}) });
  const cmp = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const out = spreadDeprecation([mk('1.0.0', 'old'), mk('2.0.0'), mk('3.0.0', 'new'), normalizeDocument({ name: 'o', version: '1.0.0' })], cmp);
  assert.deepEqual(
    out.map((d) => (d.deprecated as { since?: string } | undefined)?.since),
    ['new', 'new', 'new', undefined],
  );
  assert.deepEqual(Object.keys(out[1]!).at(-2), 'deprecated');
});

test('ingestion methods observed in the EPR goldens', () => {
  assert.equal(ingestionMethod('logfile'), 'File');
  assert.equal(ingestionMethod('filestream'), 'File');
  assert.equal(ingestionMethod('syslog'), 'Network Protocol');
  assert.equal(ingestionMethod('sql/metrics'), 'Database');
  assert.equal(ingestionMethod('jolokia/metrics'), 'Jolokia');
  assert.equal(ingestionMethod('nginx/metrics'), 'API');
  for (const none of ['sql', 's3', 'logs', 'foo', 'new_logfile', undefined]) assert.equal(ingestionMethod(none), undefined);
});

test('categories table (docs/http-api.md §5.3)', () => {
  assert.equal(categoryTitle('web'), 'Web Server');
  assert.equal(CATEGORIES.web!.parent_id, 'observability');
  assert.equal(CATEGORIES.web!.parent_title, 'Observability');
  assert.equal(categoryTitle('connector_client'), 'Connector Client');
  assert.equal(categoryTitle('advanced_analytics_ueba'), 'Advanced Analytics (UEBA)');
  assert.equal(categoryTitle('compute'), 'compute');
  assert.ok(!isKnownCategory('compute') && !isKnownCategory('toString'));
  assert.equal(CATEGORIES.security!.parent_id, undefined);
});

test('compareBytewise sorts like UTF-8 bytes', () => {
  const keys = ['b', 'a', 'B', '\uffff', '\u{1F600}', 'ab', 'a', '\u00e9', ''];
  const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...keys].sort(compareBytewise), expected);
});
