/**
 * Index cost after one new publish, in a catalog of 1k and 10k versions (fs store): wall time and store
 * operations of an indexer run. The point: the number of document reads is the number of changed documents,
 * not the catalog size (the full index itself is still read once and written once per revision).
 *
 *   node --import tsx bench/index-cost.ts [sizes...]      e.g. 1000 10000
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/storage/index.js';
import type { ObjectStore } from '../src/storage/types.js';
import { KEYS } from '../src/index/format.js';
import { runIndexer, mapLimit } from '../src/index/indexer.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1000, 10000);

/** A document of realistic size (~2.5 KB, like an average corpus package document). */
function doc(name: string, version: string): Record<string, unknown> {
  const p = `/package/${name}/${version}`;
  return {
    name, title: `${name} integration`, version, release: 'ga', description: 'Collect logs and metrics from the service with Elastic Agent.', type: 'integration',
    download: `/epr/${name}/${name}-${version}.zip`, path: p, signature_path: `/epr/${name}/${name}-${version}.zip.sig`,
    icons: [{ src: '/img/logo.svg', path: `${p}/img/logo.svg`, title: 'logo', size: '32x32', type: 'image/svg+xml' }],
    conditions: { kibana: { version: '^8.0.0' } }, owner: { github: 'elastic/integrations' }, categories: ['observability', 'web'], format_version: '1.0.0',
    readme: `${p}/docs/README.md`, license: 'basic',
    assets: ['manifest.yml', 'changelog.yml', 'docs/README.md', 'img/logo.svg', 'data_stream/access/manifest.yml', 'data_stream/access/fields/fields.yml', 'data_stream/error/manifest.yml', 'data_stream/error/fields/fields.yml', 'kibana/dashboard/overview.json'].map((a) => `${p}/${a}`),
    policy_templates: [{ name, title: name, description: 'Collect logs and metrics', inputs: [{ type: 'logfile', title: 'Logs', description: 'Collect logs' }], multiple: true }],
    data_streams: ['access', 'error'].map((d) => ({ type: 'logs', dataset: `${name}.${d}`, title: `${d} logs`, release: 'ga', streams: [{ input: 'logfile', vars: [{ name: 'paths', type: 'text', multi: true, required: true, show_user: true, default: [`/var/log/${name}/${d}.log*`] }], template_path: 'stream.yml.hbs', title: d, description: `Collect ${d} logs`, enabled: true }], package: name, path: d })),
  };
}

function counting(inner: ObjectStore): { store: ObjectStore; counts: Record<string, number>; reset: () => void } {
  const counts: Record<string, number> = {};
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const store = Object.create(inner) as ObjectStore;
  store.get = (key, o) => (bump(key.startsWith(KEYS.documentPrefix) ? 'get document' : 'get other'), inner.get(key, o));
  store.list = (p, o) => (bump('list'), inner.list(p, o));
  store.putIfAbsent = (k, b, o) => (bump('put'), inner.putIfAbsent(k, b, o));
  store.putIfMatch = (k, e, b, o) => (bump('put'), inner.putIfMatch(k, e, b, o));
  return { store, counts, reset: () => Object.keys(counts).forEach((k) => delete counts[k]) };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

console.log('| versions in catalog | first run (ms, reads every document) | run after 1 new publish (ms, median of 5) | document reads | other gets | lists | puts |');
console.log('|---|---|---|---|---|---|---|');
for (const n of sizes) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-bench-index-'));
  const inner = await openStore(dir);
  try {
    const names = Array.from({ length: Math.ceil(n / 20) }, (_, i) => `pkg${i}`);
    await mapLimit(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
      const name = names[i % names.length]!;
      const version = `1.${Math.floor(i / names.length)}.0`;
      await inner.put(KEYS.document(name, version), JSON.stringify(doc(name, version)));
    });
    const c = counting(inner);
    let t = performance.now();
    await runIndexer(c.store);
    const first = performance.now() - t;
    const times: number[] = [];
    let ops = {} as Record<string, number>;
    for (let k = 0; k < 5; k++) {
      await inner.put(KEYS.document('newpkg', `2.0.${k}`), JSON.stringify(doc('newpkg', `2.0.${k}`)));
      c.reset();
      t = performance.now();
      const r = await runIndexer(c.store);
      times.push(performance.now() - t);
      if (!r.changed || r.added !== 1) throw new Error('expected one added package');
      ops = { ...c.counts };
    }
    console.log(`| ${n} | ${first.toFixed(0)} | ${median(times).toFixed(0)} | ${ops['get document'] ?? 0} | ${ops['get other'] ?? 0} | ${ops.list ?? 0} | ${ops.put ?? 0} |`);
  } finally {
    await inner.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}
