#!/usr/bin/env node
// Runs the node:test suites through tsx. Usage: node scripts/run-tests.mjs [dir-or-file ...]
// Default: every *.test.ts under src/ and test/ (shared *.case.test.ts suites are run by their callers).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(p) {
  let st;
  try { st = statSync(p); } catch { return; }
  if (st.isDirectory()) {
    if (path.basename(p) === 'node_modules' || path.basename(p) === 'fixtures') return;
    for (const e of readdirSync(p).sort()) walk(path.join(p, e));
  } else if (p.endsWith('.test.ts') && !p.endsWith('.case.test.ts')) files.push(p);
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r);
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...extra, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
