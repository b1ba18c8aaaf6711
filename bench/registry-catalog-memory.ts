/**
 * Catalog memory and query cost at scale, in process: N package versions (default 10,000) shaped like real
 * index entries (EPR golden documents with their assets, data streams and policy templates, renamed), loaded
 * through the real reader + catalog, then /search and /categories computed cold and cached.
 *
 *   node --expose-gc --import tsx bench/registry-catalog-memory.ts [N]
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsStore } from '../src/storage/fs.js';
import { KEYS } from '../src/index/format.js';
import { createRegistry } from '../src/registry/server.js';

const N = Number(process.argv[2] ?? 10_000);
const GEN = path.resolve(import.meta.dirname, '../../shared/testdata/epr/generated/package');
if (!existsSync(GEN)) {
  console.error(`no EPR goldens at ${GEN}`);
  process.exit(2);
}
const templates: Record<string, unknown>[] = [];
for (const n of readdirSync(GEN)) for (const v of readdirSync(path.join(GEN, n))) templates.push(JSON.parse(readFileSync(path.join(GEN, n, v, 'index.json'), 'utf8')) as Record<string, unknown>);

const gc = (globalThis as { gc?: () => void }).gc;
const mem = () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 1048576, rss: m.rss / 1048576, ext: m.external / 1048576 };
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'cat-mem-'));
const store = await FsStore.open(dir);
const packages: unknown[] = [];
for (let i = 0; i < N; i++) {
  const t = templates[i % templates.length]!;
  const name = `pkg_${Math.floor(i / 10)}`;
  const version = `1.${i % 10}.0`;
  const s = JSON.stringify(t).split(`/${t.name as string}/${t.version as string}`).join(`/${name}/${version}`).split(`${t.name as string}-${t.version as string}`).join(`${name}-${version}`);
  packages.push({ package_manifest: { ...(JSON.parse(s) as object), name, version } });
}
const text = JSON.stringify({ packages });
packages.length = 0;
await store.put(KEYS.indexAll('1'), text);
await store.put(KEYS.cursor, JSON.stringify({ current: '1' }));
console.log(`index: ${N} versions, ${(text.length / 1048576).toFixed(1)} MB of JSON`);

const before = mem();
const reg = await createRegistry({ store, pollIntervalMs: 0, ui: false, requestLogs: false });
let t0 = performance.now();
const o = await reg.refresh();
const loadMs = performance.now() - t0;
const after = mem();
console.log(`load: ${o.mode}, ${o.count} versions in ${loadMs.toFixed(0)} ms`);
let bodyBytes = 0;
let itemChars = 0;
for (const e of reg.watcher.current.entries) {
  bodyBytes += e.packageBody.length;
  itemChars += e.searchItem.length;
}
console.log(`precomputed: /package bodies ${(bodyBytes / 1048576).toFixed(1)} MB, /search items ${(itemChars / 1048576).toFixed(1)} M chars`);
console.log(`memory held by the catalog: heap +${(after.heap - before.heap).toFixed(1)} MB, external +${(after.ext - before.ext).toFixed(1)} MB, rss ${after.rss.toFixed(0)} MB total`);
for (const url of ['/search', '/search?prerelease=true&kibana.version=8.12.0', '/search?all=true', '/categories?include_policy_templates=true']) {
  t0 = performance.now();
  const r1 = await reg.app.inject(url);
  const cold = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < 20; i++) await reg.app.inject(url);
  const warm = (performance.now() - t0) / 20;
  console.log(`${url}: ${r1.statusCode}, ${(r1.rawPayload.length / 1024).toFixed(0)} KiB, cold ${cold.toFixed(1)} ms, cached ${warm.toFixed(2)} ms`);
}
await reg.close();
await rm(dir, { recursive: true, force: true });
