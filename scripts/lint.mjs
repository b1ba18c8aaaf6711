#!/usr/bin/env node
// `npm run lint`: eslint (type-aware, typescript-eslint) and knip (dead files, exports, dependencies).
// Both run even if the first fails; the exit code is non-zero if either found something.
//
// eslint lives in its own toolchain under tools/lint/ (see tools/lint/README.md): typescript-eslint needs
// TypeScript's JavaScript API, which the project's TypeScript 7 does not have. It is installed there on first use
// (`npm ci --prefix tools/lint`), from its own lockfile.
//
//   npm run lint                 # both
//   npm run lint -- --fix        # extra arguments go to eslint
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lintDir = path.join(repo, 'tools/lint');
const eslintBin = path.join(lintDir, 'node_modules/eslint/bin/eslint.js');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: repo, stdio: 'inherit', ...opts }).status ?? 1;

if (!existsSync(eslintBin)) {
  console.log('# installing the lint toolchain into tools/lint/node_modules (npm ci --prefix tools/lint)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (run(npm, ['ci', '--prefix', lintDir, '--no-audit', '--no-fund']) !== 0) process.exit(1);
}

const t0 = Date.now();
const eslint = run(process.execPath, [eslintBin, '-c', path.join(lintDir, 'eslint.config.mjs'), '.', ...process.argv.slice(2)]);
console.log(`# eslint: ${eslint === 0 ? 'clean' : 'problems found'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const t1 = Date.now();
const knip = run(process.execPath, [path.join(repo, 'node_modules/knip/bin/knip.js'), '--no-progress']);
console.log(`# knip: ${knip === 0 ? 'clean' : 'problems found'} (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
process.exit(eslint || knip ? 1 : 0);
