/**
 * Registry behaviour over a hand-written v2 bucket (cursor "1", as Elastic's jobs write it): filters, legacy
 * path, categories, deprecation spreading, routing (clean-path and StrictSlash redirects, CORS, 404s, error
 * bodies and cache headers), artifact streaming (Range, conditionals), raw bucket paths, the watcher (deltas,
 * fallback to the full index, bad entries) and the publish endpoint's auth. Through fastify inject().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { FsStore } from '../storage/fs.js';
import { KEYS } from '../index/format.js';
import { createRegistry, type Registry } from './server.js';

function doc(name: string, version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    title: name.toUpperCase(),
    version,
    release: 'ga',
    description: `${name} package`,
    type: 'integration',
    download: `/epr/${name}/${name}-${version}.zip`,
    path: `/package/${name}/${version}`,
    format_version: '3.0.0',
    owner: { github: 'me/team', type: 'community' },
    ...extra,
  };
}

const DOCS = [
  doc('alpha', '1.0.0', { categories: ['web'], conditions: { kibana: { version: '^7.16.0 || ^8.0.0' } } }),
  doc('alpha', '1.1.0', { categories: ['web'], conditions: { kibana: { version: '^8.5.0' } } }),
  doc('alpha', '2.0.0-rc1', { categories: ['web'], conditions: { kibana: { version: '^8.10.0' } } }),
  doc('beta_pkg', '0.1.0', { release: 'beta', categories: ['security'], conditions: { elastic: { capabilities: ['security'] } } }),
  doc('exp', '1.0.0', { release: 'experimental', categories: ['custom'] }),
  doc('dep', '1.0.0', { categories: ['custom'] }),
  doc('dep', '2.0.0', { categories: ['custom'], deprecated: { since: '2.0.0', description: 'use other' } }),
  doc('tpl', '1.0.0', {
    categories: ['custom'],
    policy_templates: [
      { name: 'a', title: 'A', description: 'a', categories: ['security'] },
      { name: 'b', title: 'B', description: 'b', categories: ['web'] },
    ],
  }),
  doc('nofmt', '1.0.0', { format_version: undefined, categories: ['custom'] }),
];

async function setup(t: { after: (fn: () => Promise<void>) => void }, docs: unknown[] = DOCS, extra: Partial<Parameters<typeof createRegistry>[0]> = {}): Promise<{ reg: Registry; store: FsStore }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'registry-'));
  const store = await FsStore.open(dir);
  await store.put(KEYS.indexAll('1'), JSON.stringify({ packages: docs.map((d) => ({ package_manifest: d })) }));
  await store.put(KEYS.cursor, JSON.stringify({ current: '1' }));
  const reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false, ...extra });
  await reg.refresh();
  t.after(async () => {
    await reg.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { reg, store };
}

async function get(reg: Registry, url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  return reg.app.inject({ method, url, headers });
}

/** A GET over a real socket without any decoding (fetch would add Accept-Encoding and decode). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

function ids(body: string): string[] {
  return (JSON.parse(body) as { name: string; version: string }[]).map((p) => `${p.name}-${p.version}`);
}

test('search: defaults, prerelease, kibana, capabilities, all, experimental legacy path', async (t) => {
  const { reg } = await setup(t);
  let r = await get(reg, '/search');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(r.headers['cache-control'], ['max-age=600', 'public']);
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.deepEqual(ids(r.body), ['alpha-1.1.0', 'beta_pkg-0.1.0', 'dep-2.0.0', 'tpl-1.0.0', 'nofmt-1.0.0'].sort());
  assert.ok(r.body.endsWith('}\n]\n') && r.body.startsWith('[\n  {\n    "name": '));
  r = await get(reg, '/search?prerelease=true');
  assert.deepEqual(ids(r.body), ['alpha-2.0.0-rc1', 'beta_pkg-0.1.0', 'dep-2.0.0', 'exp-1.0.0', 'nofmt-1.0.0', 'tpl-1.0.0']);
  r = await get(reg, '/search?kibana.version=7.17.0&package=alpha');
  assert.deepEqual(ids(r.body), ['alpha-1.0.0']);
  r = await get(reg, '/search?kibana.version=8.0.0-SNAPSHOT&package=alpha');
  assert.equal(r.body, '[]\n');
  r = await get(reg, '/search?capabilities=none');
  assert.ok(!ids(r.body).includes('beta_pkg-0.1.0'));
  r = await get(reg, '/search?package=alpha&all=true&prerelease=1');
  assert.deepEqual(ids(r.body), ['alpha-1.0.0', 'alpha-1.1.0', 'alpha-2.0.0-rc1']);
  r = await get(reg, '/search?experimental=true&package=alpha');
  assert.deepEqual(ids(r.body), ['alpha-1.1.0'], 'legacy latest pick prefers a release over a prerelease');
  r = await get(reg, '/search?experimental=true&package=exp');
  assert.deepEqual(ids(r.body), ['exp-1.0.0']);
  r = await get(reg, '/search?spec.min=3.0&spec.max=3.1');
  assert.equal(r.statusCode, 404);
  assert.match(r.body, /^fetching package failed: .*nofmt/);
  assert.deepEqual(r.headers['cache-control'], ['max-age=0', 'private, no-store']);
});

test('search: errors are Go text with no-store headers', async (t) => {
  const { reg } = await setup(t);
  const cases: [string, string][] = [
    ['/search?prerelease=foo', "invalid 'prerelease' query param: 'foo'\n"],
    ['/search?kibana.version=7.x', "invalid Kibana version '7.x': invalid semantic version\n"],
    ['/search?agent.version=abc', "invalid agent version 'abc': invalid semantic version\n"],
    ['/search?spec.max=2.10.1', "invalid 'spec.max' version: invalid version '2.10.1': it should be <major.version>\n"],
    ['/search?discovery=fields', `invalid 'discovery' query param: 'fields': could not parse filter "fields"\n`],
    ['/search?discovery=foo:a', `invalid 'discovery' query param: 'foo:a': unknown discovery filter "foo"\n`],
    ['/categories?include_policy_templates=x', "invalid 'include_policy_templates' query param: 'x'\n"],
  ];
  for (const [url, body] of cases) {
    const r = await get(reg, url);
    assert.equal(r.statusCode, 400, url);
    assert.equal(r.body, body, url);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['access-control-allow-origin'], '*');
  }
});

test('unknown query parameters: ignored by default as Elastic does, 400 in strict mode (issue 12 #17)', async (t) => {
  const { reg } = await setup(t);
  let r = await get(reg, '/search?unknown=1');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(ids(r.body), ids((await get(reg, '/search')).body));
  r = await get(reg, '/categories?all=true&newer_kibana_param=x');
  assert.equal(r.statusCode, 200);
  assert.equal(r.body, (await get(reg, '/categories')).body, 'all, package, type, category are unknown on /categories: no filtering');
  const { reg: strict } = await setup(t, DOCS, { query: { allowUnknownQueryParameters: false } });
  for (const [url, body] of [
    ['/search?unknown=1', 'unknown query parameter: "unknown"\n'],
    ['/categories?all=true', 'unknown query parameter: "all"\n'],
  ] as const) {
    r = await get(strict, url);
    assert.equal(r.statusCode, 400, url);
    assert.equal(r.body, body, url);
    assert.deepEqual(r.headers['cache-control'], ['max-age=0', 'private, no-store']);
  }
});

test('search: category after the latest pick, subcategories, policy-template-only matches trim templates', async (t) => {
  const { reg } = await setup(t);
  let r = await get(reg, '/search?category=observability');
  assert.deepEqual(ids(r.body), ['alpha-1.1.0', 'tpl-1.0.0']);
  const tpl = (JSON.parse(r.body) as { name: string; policy_templates?: { name: string }[] }[]).find((p) => p.name === 'tpl')!;
  assert.equal(tpl.policy_templates, undefined, 'templates list web, not observability exactly: key omitted');
  r = await get(reg, '/search?category=web');
  const tplWeb = (JSON.parse(r.body) as { name: string; policy_templates?: { name: string }[] }[]).find((p) => p.name === 'tpl')!;
  assert.deepEqual(tplWeb.policy_templates?.map((x) => x.name), ['b']);
  r = await get(reg, '/search?category=custom');
  assert.deepEqual(ids(r.body), ['dep-2.0.0', 'nofmt-1.0.0', 'tpl-1.0.0']);
});

test('deprecation spreads to every version, in /search and /package', async (t) => {
  const { reg } = await setup(t);
  const r = await get(reg, '/search?package=dep&all=true');
  for (const p of JSON.parse(r.body) as { deprecated?: unknown }[]) assert.deepEqual(p.deprecated, { since: '2.0.0', description: 'use other' });
  const p = await get(reg, '/package/dep/1.0.0/');
  assert.deepEqual((JSON.parse(p.body) as { deprecated?: unknown }).deprecated, { since: '2.0.0', description: 'use other' });
  assert.deepEqual(p.headers['cache-control'], ['max-age=10', 'public']);
});

test('categories: counts, titles and parents, include_policy_templates', async (t) => {
  const { reg } = await setup(t);
  let r = await get(reg, '/categories');
  assert.deepEqual(JSON.parse(r.body), [
    { id: 'custom', title: 'Custom', count: 3 },
    { id: 'security', title: 'Security', count: 1 },
    { id: 'web', title: 'Web Server', count: 1, parent_id: 'observability', parent_title: 'Observability' },
  ]);
  r = await get(reg, '/categories?include_policy_templates=true');
  const counts = Object.fromEntries((JSON.parse(r.body) as { id: string; count: number }[]).map((c) => [c.id, c.count]));
  // tpl: custom +1, then per template: custom +1, and its category: +1 (new extra) +1
  assert.deepEqual(counts, { custom: 5, security: 3, web: 3 });
});

test('routing: clean-path and StrictSlash redirects, 404s, health, index, favicon, HEAD', async (t) => {
  const { reg } = await setup(t, DOCS, { serviceName: 'svc', serviceVersion: '9.9.9' });
  let r = await get(reg, '//search?x=1');
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, '/search?x=1');
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  r = await get(reg, '/search/?prerelease=true');
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, '/search?prerelease=true');
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.equal(r.body, '<a href="/search?prerelease=true">Moved Permanently</a>.\n\n');
  r = await get(reg, '/package/alpha/1.0.0');
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, '/package/alpha/1.0.0/');
  r = await get(reg, '/package/alpha/1.0.0/docs/');
  assert.equal(r.headers.location, '/package/alpha/1.0.0/docs');
  r = await get(reg, '/nope');
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, '404 page not found\n');
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  r = await get(reg, '/health');
  assert.equal(r.statusCode, 200);
  assert.equal(r.body, '');
  assert.equal(r.headers['content-type'], undefined);
  assert.equal(r.headers['cache-control'], undefined);
  r = await get(reg, '/');
  assert.equal(r.body, '{\n  "service.name": "svc",\n  "service.version": "9.9.9"\n}\n');
  assert.deepEqual(r.headers['cache-control'], ['max-age=10', 'public']);
  r = await get(reg, '/favicon.ico');
  assert.equal(r.headers['content-type'], 'image/x-icon');
  r = await get(reg, '/search', {}, 'HEAD');
  assert.equal(r.statusCode, 200);
  assert.equal(r.body, '');
  r = await reg.app.inject({ method: 'POST', url: '/search', payload: 'x', headers: { 'content-type': 'text/weird' } });
  assert.equal(r.statusCode, 200, 'any method is served');
  r = await get(reg, '/package/alpha/1.0/');
  assert.equal(r.statusCode, 400);
  assert.equal(r.body, 'invalid package version\n');
  r = await get(reg, '/package/missing/1.0.0/');
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, 'package revision not found\n');
  r = await get(reg, '/package/exp/1.0.0/');
  assert.equal(r.statusCode, 200, 'exact lookups include experimental versions');
  r = await get(reg, '/metrics');
  assert.match(r.body, /package_storage_http_requests_total/);
  assert.match(r.body, /package_storage_catalog_versions 9/);
});

test('artifacts: zip, sig, static files stream with Range and conditionals; raw bucket paths', async (t) => {
  const { reg, store } = await setup(t);
  const bytes = Buffer.alloc(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  await store.put(KEYS.zip('alpha', '1.0.0'), bytes);
  await store.put(KEYS.sig('alpha', '1.0.0'), '-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n');
  await store.put(KEYS.staticFile('alpha', '1.0.0', 'img/[Logs Alpha] x.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  await store.put(KEYS.staticFile('alpha', '1.0.0', 'docs/README.md'), '# Alpha\n');
  await store.put(KEYS.staticFile('alpha', '1.0.0', 'LICENSE'), 'Apache License\n');

  let r = await get(reg, '/epr/alpha/alpha-1.0.0.zip');
  assert.equal(r.statusCode, 200);
  assert.ok(r.rawPayload.equals(bytes));
  assert.equal(r.headers['content-type'], 'application/zip');
  assert.equal(r.headers['content-length'], String(bytes.length));
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.deepEqual(r.headers['cache-control'], ['max-age=600', 'public']);
  const etag = r.headers.etag as string;
  const lm = r.headers['last-modified'] as string;
  assert.ok(etag && lm);
  r = await get(reg, '/epr/whatever/alpha-1.0.0.zip', { range: 'bytes=100-199' });
  assert.equal(r.statusCode, 206);
  assert.equal(r.headers['content-range'], `bytes 100-199/${bytes.length}`);
  assert.ok(r.rawPayload.equals(bytes.subarray(100, 200)));
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { range: 'bytes=-10' });
  assert.ok(r.rawPayload.equals(bytes.subarray(bytes.length - 10)));
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { range: `bytes=${bytes.length}-` });
  assert.equal(r.statusCode, 416);
  assert.equal(r.headers['content-range'], `bytes */${bytes.length}`);
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { 'if-none-match': etag });
  assert.equal(r.statusCode, 304);
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { 'if-modified-since': lm });
  assert.equal(r.statusCode, 304);
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { 'if-modified-since': 'Mon, 01 Jan 0001 00:00:00 GMT' });
  assert.equal(r.statusCode, 200);
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { range: 'bytes=0-9', 'if-range': '"other"' });
  assert.equal(r.statusCode, 200, 'If-Range mismatch serves the whole body');
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { range: 'bytes=0-9', 'if-range': etag });
  assert.equal(r.statusCode, 206);
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip', {}, 'HEAD');
  assert.equal(r.headers['content-length'], String(bytes.length));
  assert.equal(r.body, '');
  r = await get(reg, '/epr/alpha/alpha-9.0.0.zip');
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, 'artifact not found\n');
  r = await get(reg, '/epr/alpha/alpha-a.b.c.zip');
  assert.equal(r.statusCode, 400);
  assert.equal(r.body, 'invalid package version\n');
  r = await get(reg, '/epr/alpha/alpha-1.0.0.zip.sig');
  assert.match(r.body, /BEGIN PGP SIGNATURE/);
  r = await get(reg, '/epr/alpha/alpha-9.0.0.zip.sig');
  assert.equal(r.body, 'signature file not found\n');

  r = await get(reg, '/package/alpha/1.0.0/img/%5BLogs%20Alpha%5D%20x.png');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'image/png');
  r = await get(reg, '/package/alpha/1.0.0/docs/README.md');
  assert.equal(r.headers['content-type'], 'text/markdown; charset=utf-8');
  r = await get(reg, '/package/alpha/1.0.0/LICENSE');
  assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', 'sniffed');
  r = await get(reg, '/package/alpha/1.0.0/docs/missing.md');
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, 'resource not found\n');
  assert.deepEqual(r.headers['cache-control'], ['max-age=600', 'public'], 'a missing file keeps the public cache headers');

  r = await get(reg, '/artifacts/packages/alpha-1.0.0.zip');
  assert.ok(r.rawPayload.equals(bytes));
  r = await get(reg, '/artifacts/static/alpha-1.0.0/img/%5BLogs%20Alpha%5D%20x.png');
  assert.equal(r.statusCode, 200);
  // dot segments (a real socket: inject() would resolve them itself)
  const address = await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const raw = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
    const u = new URL(address);
    const req = http.request({ host: u.hostname, port: u.port, path: '/artifacts/static/alpha-1.0.0/%2e%2e/%2E%2E/v2/metadata/cursor.json?a=b' }, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(raw, { status: 301, location: '/artifacts/v2/metadata/cursor.json?a=b' }, 'dot segments are cleaned first');
  r = await get(reg, '/artifacts/packages/nope-1.0.0.zip');
  assert.equal(r.statusCode, 404);
});

test('watcher: deltas in order, fallback to the full index, bad entries skipped', async (t) => {
  const bad = [{ name: 'Bad-Name', version: '1.0.0' }, { name: 'badver', version: '1.0' }, { name: 'badcon', version: '1.0.0', conditions: { kibana: { version: '>>1' } } }, 42];
  const { reg, store } = await setup(t, [...DOCS, ...bad]);
  assert.equal(reg.watcher.current.size, DOCS.length, 'bad entries skipped');
  // cursor 2: delta adds gamma and removes exp; cursor 3: delta updates gamma (fields vanish)
  await store.put(KEYS.indexAll('2'), '{"packages":[]}');
  await store.put(KEYS.indexDelta('2'), JSON.stringify({ added: [{ package_manifest: doc('gamma', '1.0.0', { categories: ['aws'] }) }], updated: [], removed: [{ name: 'exp', version: '1.0.0' }] }));
  await store.put(KEYS.indexAll('3'), '{"packages":[]}');
  await store.put(KEYS.indexDelta('3'), JSON.stringify({ added: [{ package_manifest: doc('alpha', '1.0.0', { title: 'ignored' }) }], updated: [{ package_manifest: doc('gamma', '1.0.0') }], removed: [] }));
  await store.put(KEYS.cursor, JSON.stringify({ current: '3' }));
  const o = await reg.refresh();
  assert.equal(o.mode, 'delta');
  const c = reg.watcher.current;
  assert.equal(c.cursor, '3');
  assert.ok(c.byKey.has('gamma-1.0.0') && !c.byKey.has('exp-1.0.0'));
  assert.equal((JSON.parse(c.byKey.get('gamma-1.0.0')!.packageBody.toString()) as { categories?: unknown }).categories, undefined, 'update replaces the whole entry');
  assert.equal((JSON.parse(c.byKey.get('alpha-1.0.0')!.packageBody.toString()) as { title: string }).title, 'ALPHA', 'added never overwrites');
  // cursor 4: no delta file → full index of folder 4
  await store.put(KEYS.indexAll('4'), JSON.stringify({ packages: [{ package_manifest: doc('solo', '1.0.0') }] }));
  await store.put(KEYS.cursor, JSON.stringify({ current: '4' }));
  const o2 = await reg.refresh();
  assert.equal(o2.mode, 'full');
  assert.deepEqual(ids((await get(reg, '/search')).body), ['solo-1.0.0']);
  // a broken full index: the newest readable revision (here the catalog in memory, 4) is served
  await store.put(KEYS.indexAll('5'), 'not json');
  await store.put(KEYS.cursor, JSON.stringify({ current: '5' }));
  const o3 = await reg.refresh();
  assert.equal(o3.mode, 'fallback');
  assert.equal(reg.watcher.current.cursor, '4');
  assert.equal(reg.watcher.health.fallback?.named, '5');
  assert.equal((await reg.refresh()).mode, 'unchanged', 'not re-read at every poll (retried every retryUnreadableMs)');
});

test('publish endpoint: disabled, 401, 403', async (t) => {
  const { reg: off } = await setup(t);
  let r = await off.app.inject({ method: 'POST', url: '/api/v1/packages', payload: 'x', headers: { 'content-type': 'application/zip' } });
  assert.equal(r.statusCode, 403);
  assert.equal((JSON.parse(r.body) as { code: string }).code, 'PUBLISH_DISABLED');
  const { reg } = await setup(t, DOCS, {
    publishTokens: ['s3cret'],
    publish: async () => {
      throw new Error('not reached');
    },
  });
  r = await reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: 'x', headers: { 'content-type': 'application/zip' } });
  assert.equal(r.statusCode, 401);
  r = await reg.app.inject({ method: 'POST', url: '/api/v1/packages', payload: 'x', headers: { 'content-type': 'application/zip', authorization: 'Bearer wrong' } });
  assert.equal(r.statusCode, 403);
  assert.equal((JSON.parse(r.body) as { code: string }).code, 'FORBIDDEN');
});

test('static files not extracted are read from the package zip (range reads of the stored zip)', async (t) => {
  const { reg, store } = await setup(t);
  const yazl = (await import('yazl')).default;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('name: alpha\n'), 'alpha-1.0.0/manifest.yml');
  zip.addBuffer(Buffer.from('- name: a\n  type: keyword\n'.repeat(200)), 'alpha-1.0.0/data_stream/x/fields/f.yml');
  zip.addBuffer(Buffer.from('{{x}}\n'), 'alpha-1.0.0/data_stream/x/agent/stream/stream.yml.hbs');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  await store.put(KEYS.zip('alpha', '1.0.0'), Buffer.concat(chunks));
  let r = await get(reg, '/package/alpha/1.0.0/data_stream/x/fields/f.yml');
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/yaml; charset=UTF-8');
  assert.equal(r.body, '- name: a\n  type: keyword\n'.repeat(200));
  assert.deepEqual(r.headers['cache-control'], ['max-age=600', 'public']);
  const etag = r.headers.etag as string;
  r = await get(reg, '/package/alpha/1.0.0/data_stream/x/fields/f.yml', { range: 'bytes=2-5' });
  assert.equal(r.statusCode, 206);
  assert.equal(r.body, 'name');
  r = await get(reg, '/package/alpha/1.0.0/data_stream/x/fields/f.yml', { 'if-none-match': etag });
  assert.equal(r.statusCode, 304);
  r = await get(reg, '/package/alpha/1.0.0/data_stream/x/agent/stream/stream.yml.hbs');
  assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  r = await get(reg, '/package/alpha/1.0.0/data_stream/x/nope.yml');
  assert.equal(r.statusCode, 404);
  assert.equal(r.body, 'resource not found\n');
  r = await get(reg, '/package/alpha/1.1.0/manifest.yml');
  assert.equal(r.statusCode, 404, 'no zip for that version');
});

test('--public-url redirects zip and signature downloads to the CDN / public bucket', async (t) => {
  const signed = doc('signed', '1.0.0', { signature_path: '/epr/signed/signed-1.0.0.zip.sig' });
  const { reg } = await setup(t, [...DOCS, signed], { publicUrl: 'https://cdn.example.com/base' });
  const r = await get(reg, '/epr/alpha/alpha-1.0.0.zip');
  assert.equal(r.statusCode, 302);
  assert.equal(r.headers.location, 'https://cdn.example.com/base/artifacts/packages/alpha-1.0.0.zip');
  const s = await get(reg, '/epr/signed/signed-1.0.0.zip.sig');
  assert.equal(s.statusCode, 302);
  assert.equal(s.headers.location, 'https://cdn.example.com/base/artifacts/packages/signed-1.0.0.zip.sig');
  const u = await get(reg, '/epr/alpha/alpha-1.0.0.zip.sig');
  assert.equal(u.statusCode, 404, 'an unsigned version has no signature to redirect to');
  assert.equal(u.body, 'signature file not found\n');
  assert.equal((await get(reg, '/epr/alpha/alpha-9.9.9.zip.sig')).statusCode, 404, 'unknown versions are still answered here');
});

test('the socket fast path for /search, /categories and /package answers exactly as the routed path', async (t) => {
  const { reg } = await setup(t, DOCS);
  await reg.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = reg.app.server.address() as { port: number };
  const base = `http://127.0.0.1:${addr.port}`;
  const urls = ['/search', '/search?prerelease=true&kibana.version=8.6.0', '/search?all=true', '/categories', '/categories?include_policy_templates=true', '/package/alpha/1.0.0/', '/package/dep/1.0.0/'];
  for (const ae of ['', 'gzip, deflate', 'br;q=1, gzip;q=0.5']) {
    for (const u of urls) {
      const headers: Record<string, string> = ae ? { 'accept-encoding': ae } : {};
      const routed = await get(reg, u, headers); // in-process inject: the fastify route
      const r = await rawGet(base + u, headers); // a real socket: the fast path
      assert.equal(r.status, routed.statusCode, u);
      assert.ok(r.body.equals(routed.rawPayload), `${u} (${ae}): same bytes`);
      for (const h of ['content-type', 'content-encoding', 'vary', 'content-length']) assert.equal(r.headers[h], routed.headers[h], `${u} (${ae}): ${h}`);
      assert.equal(r.headers['cache-control'], [routed.headers['cache-control']].flat().join(', '), u);
      assert.equal(r.headers['access-control-allow-origin'], '*', u);
    }
  }
  // what the fast path does not answer still goes through the router: errors, redirects, HEAD, unclean paths
  const bad = await fetch(`${base}/search?prerelease=maybe`);
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('cache-control'), 'max-age=0, private, no-store');
  assert.equal((await fetch(`${base}/search/`, { redirect: 'manual' })).status, 301);
  assert.equal((await fetch(`${base}/package/alpha/1.0.0`, { redirect: 'manual' })).status, 301);
  assert.equal((await fetch(`${base}/package/alpha/9.9.9/`)).status, 404);
  assert.equal((await fetch(`${base}/search`, { method: 'HEAD' })).status, 200);
  // and it is counted in the metrics
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /package_storage_http_requests_total\{route="search",method="GET",code="200"\} [1-9]/);
});

test('JSON answers are gzip/brotli-encoded when asked, once per cached answer; artifacts never are', async (t) => {
  const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
  const many = Array.from({ length: 40 }, (_, i) => doc(`p${i}`, '1.0.0', { categories: ['web'], description: `package number ${i} `.repeat(5) }));
  const { reg, store } = await setup(t, [...DOCS, ...many]);
  await store.put(KEYS.zip('alpha', '1.0.0'), Buffer.from('{"not":"a zip, but JSON-looking bytes"}'.repeat(50)));
  for (const u of ['/search', '/search?all=true', '/categories', '/package/alpha/1.0.0/']) {
    const plain = await get(reg, u);
    assert.equal(plain.headers['content-encoding'], undefined, u);
    assert.equal(plain.headers.vary, 'Accept-Encoding', `${u}: Vary even when not encoded`);
    const gz = await get(reg, u, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip', u);
    assert.equal(gz.headers.vary, 'Accept-Encoding', u);
    assert.equal(gz.headers['content-length'], String(gz.rawPayload.length), `${u}: Content-Length of the compressed body`);
    assert.ok(gz.rawPayload.length < plain.rawPayload.length, `${u}: smaller`);
    assert.ok(gunzipSync(gz.rawPayload).equals(plain.rawPayload), `${u}: decodes to the plain body`);
    const br = await get(reg, u, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br', u);
    assert.ok(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload), `${u}: brotli decodes to the plain body`);
    const no = await get(reg, u, { 'accept-encoding': 'gzip;q=0, identity' });
    assert.equal(no.headers['content-encoding'], undefined, `${u}: q=0 refuses gzip`);
    const head = await get(reg, u, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(head.headers['content-length'], gz.headers['content-length'], `${u}: HEAD announces the same length`);
  }
  // computed once: the cached answer keeps its encoded form
  const { search, parseGoQuery } = await import('./service.js');
  const r1 = search(reg.watcher.current, parseGoQuery(''));
  assert.ok(r1.gzip && r1.br, 'the cached /search answer holds its encoded forms');
  const again = await get(reg, '/search', { 'accept-encoding': 'gzip' });
  assert.ok(again.rawPayload.equals(r1.gzip!), 'the very same gzip bytes are served again');
  // errors and artifacts are never encoded
  const err = await get(reg, '/search?prerelease=maybe', { 'accept-encoding': 'gzip' });
  assert.equal(err.statusCode, 400);
  assert.equal(err.headers['content-encoding'], undefined);
  const z = await get(reg, '/epr/alpha/alpha-1.0.0.zip', { 'accept-encoding': 'gzip' });
  assert.equal(z.statusCode, 200);
  assert.equal(z.headers['content-encoding'], undefined, 'artifacts are served as stored');
  assert.equal(z.rawPayload.length, 39 * 50);
});
