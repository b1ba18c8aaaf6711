/**
 * Runs the validator over every version in ../shared/testdata/v1-corpus/packages/<name>/<version>/, in full
 * (Elastic's legacy validator mode) and in our legacy re-publish mode, and PINS the figures the README quotes:
 * how many versions there are, how many pass in each mode, and which ones fail in normal mode (each failure
 * is genuine against the spec, see README). Nothing may crash (no SPEC_INTERNAL issue, no exception). Prints
 * the wall time of validating the whole corpus (BENCHMARKS.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFolder } from '../src/package/folder.js';
import { validatePackage } from '../src/spec/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../shared/testdata/v1-corpus/packages');

/** The pinned figures (README "v1 corpus"). */
export const V1_CORPUS = { versions: 469, validNormal: 441, validLegacy: 469 } as const;

/** The versions refused in normal mode, and why (all genuine against today's spec). */
const REFUSED: Record<string, string> = {
  'cisco_umbrella/0.2.2': 'stream without template_path and no stream.yml.hbs',
  'cisco_umbrella/0.3.0': 'stream without template_path and no stream.yml.hbs',
  'docker/1.2.0': 'changelog link without PR number',
  'fleet_server/0.1.7': 'elasticsearch/ilm_policy, elasticsearch/index_template folders',
  'fleet_server/0.2.0': 'elasticsearch/ilm_policy, elasticsearch/index_template folders',
  'fleet_server/0.2.1': 'elasticsearch/ilm_policy, elasticsearch/index_template folders',
  'fleet_server/0.2.2': 'manifest version has no changelog entry',
  'fleet_server/0.2.3': 'changelog link `pull/?`',
  'fleet_server/0.9.0': 'changelog link `pull/?`',
  'fleet_server/0.9.1': 'changelog link `pull/?`',
  'fleet_server/1.0.1': 'changelog link `pull/?`',
  'log/0.3.3': 'no changelog.yml; old data stream manifest keys',
  'log/0.3.4': 'no changelog.yml; old data stream manifest keys',
  'log/0.3.5': 'no changelog.yml; stream without description',
  'log/0.4.6': 'no changelog.yml',
  'panw_cortex_xdr/0.2.4': 'changelog link without PR number',
  'rabbitmq/0.1.3': '*-ecs.json Kibana file names',
  'rabbitmq/0.1.4': '*-ecs.json Kibana file names',
  'rabbitmq/0.2.6': 'no changelog.yml',
  'snort/0.0.3': 'changelog link `pull/XXX`',
  'snort/0.1.0': 'changelog link `pull/XXX`',
  'snort/0.1.2': 'changelog link `pull/XXX`',
  'snort/0.2.0': 'changelog link `pull/XXX`',
  'snort/0.2.2': 'changelog link `pull/XXX`',
  'snort/0.3.0': 'changelog link `pull/XXX`',
  'snort/0.3.1': 'changelog link `pull/XXX`',
  'winlog/0.2.1': 'changelog link without PR number',
  'zoom/0.2.0': 'no changelog.yml',
};

test('v1 corpus: pinned figures in normal and legacy mode, no crash', { skip: !existsSync(corpus) && `no test data at ${corpus}` }, async () => {
  const dirs: string[] = [];
  for (const name of readdirSync(corpus).sort()) {
    for (const v of readdirSync(path.join(corpus, name)).sort()) dirs.push(`${name}/${v}`);
  }
  let normal = 0;
  let legacy = 0;
  const refused: string[] = [];
  const codes = new Map<string, number>();
  const crashes: string[] = [];
  let normalMs = 0;
  const t0 = performance.now();
  for (const d of dirs) {
    try {
      const src = await openFolder(path.join(corpus, d));
      const s = performance.now();
      const r = await validatePackage(src);
      normalMs += performance.now() - s;
      if (r.valid) normal++;
      else refused.push(d);
      for (const e of r.errors) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      if (r.errors.some((e) => e.code === 'SPEC_INTERNAL')) crashes.push(`${d}: ${r.errors.find((e) => e.code === 'SPEC_INTERNAL')!.message}`);
      const l = await validatePackage(src, { legacy: true });
      if (l.valid) legacy++;
    } catch (e) {
      crashes.push(`${d}: threw ${(e as Error).message}`);
    }
  }
  const totalMs = performance.now() - t0;
  console.log(`v1 corpus: ${dirs.length} package versions; valid in normal mode: ${normal}; valid in legacy mode: ${legacy}`);
  console.log(`v1 corpus wall time: normal-mode validation ${(normalMs / 1000).toFixed(1)} s for ${dirs.length} versions; whole test (open + both modes) ${(totalMs / 1000).toFixed(1)} s`);
  console.log(`v1 corpus error codes (normal mode): ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(' ')}`);
  for (const c of crashes) console.log(`  CRASH ${c}`);
  for (const r of refused) console.log(`  REFUSED ${r}${REFUSED[r] ? '' : '  (not in the pinned list)'}`);
  assert.deepEqual(crashes, []);
  assert.deepEqual({ versions: dirs.length, validNormal: normal, validLegacy: legacy }, V1_CORPUS);
  assert.deepEqual(refused, Object.keys(REFUSED).sort());
});
