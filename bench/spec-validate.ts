/**
 * `node --import tsx bench/spec-validate.ts`: validates every version of the v1 corpus
 * (../shared/testdata/v1-corpus) with `validatePackage`, in full (Elastic legacy mode) and in our legacy
 * re-publish mode, and prints wall and CPU time per mode. Exits 1 if the whole run exceeds the 60 s budget
 * (CPU time, so a loaded machine does not fail it; the wall time is printed beside it).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFolder } from '../src/package/folder.js';
import { validatePackage } from '../src/spec/index.js';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/testdata/v1-corpus/packages');
if (!existsSync(corpus)) {
  console.log(`no v1 corpus at ${corpus}: nothing measured`);
  process.exit(0);
}
const dirs: string[] = [];
for (const n of readdirSync(corpus).sort()) for (const v of readdirSync(path.join(corpus, n)).sort()) dirs.push(path.join(corpus, n, v));

async function run(legacy: boolean): Promise<{ valid: number; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let valid = 0;
  for (const d of dirs) if ((await validatePackage(await openFolder(d), { legacy })).valid) valid++;
  const c = process.cpuUsage(c0);
  return { valid, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const full = await run(false);
const legacy = await run(true);
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
console.log(`v1 corpus, ${dirs.length} versions: full validation ${full.valid} valid, wall ${s(full.wall)}, CPU ${s(full.cpu)}; legacy re-publish mode ${legacy.valid} valid, wall ${s(legacy.wall)}, CPU ${s(legacy.cpu)}; total wall ${s(full.wall + legacy.wall)}, CPU ${s(full.cpu + legacy.cpu)}`);
if (full.cpu + legacy.cpu > 60_000) {
  console.log('over the 60 s budget');
  process.exit(1);
}
