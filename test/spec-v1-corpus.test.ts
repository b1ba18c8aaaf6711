/**
 * Runs the validator over every version in ../shared/testdata/v1-corpus/packages/<name>/<version>/, in full
 * (Elastic legacy-publish mode) and in our legacy re-publish mode. Asserts that nothing crashes (no
 * SPEC_INTERNAL issue, no exception) and prints how many pass in each mode (figures for the README).
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

test('v1 corpus: validate in normal and legacy mode without crashing', { skip: !existsSync(corpus) && `no test data at ${corpus}` }, async () => {
  const dirs: string[] = [];
  for (const name of readdirSync(corpus).sort()) {
    for (const v of readdirSync(path.join(corpus, name)).sort()) dirs.push(path.join(corpus, name, v));
  }
  let normal = 0;
  let legacy = 0;
  const codes = new Map<string, number>();
  const crashes: string[] = [];
  for (const d of dirs) {
    const src = await openFolder(d);
    try {
      const r = await validatePackage(src);
      if (r.valid) normal++;
      for (const e of r.errors) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      if (r.errors.some((e) => e.code === 'SPEC_INTERNAL')) crashes.push(`${d}: ${r.errors.find((e) => e.code === 'SPEC_INTERNAL')!.message}`);
      const l = await validatePackage(src, { legacy: true });
      if (l.valid) legacy++;
    } catch (e) {
      crashes.push(`${d}: threw ${(e as Error).message}`);
    }
  }
  console.log(`v1 corpus: ${dirs.length} package versions; valid in normal mode: ${normal}; valid in legacy mode: ${legacy}`);
  console.log(`v1 corpus error codes (normal mode): ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(' ')}`);
  for (const c of crashes) console.log(`  CRASH ${c}`);
  assert.equal(crashes.length, 0);
  assert.ok(dirs.length > 0);
});
