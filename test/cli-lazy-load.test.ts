/**
 * `package-storage index` (run after every publish, and by cron) loads only what indexing needs: not the
 * registry server (fastify), openpgp, the AWS SDK (for a local store) or the package-spec validator (issue 16:
 * module loading was ~0.4 s of a 0.6 s `index` run on an empty store). Recorded with a module resolve hook in
 * the real CLI process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './helpers/publish.js';

test('index loads neither the server, openpgp, the AWS SDK nor the spec validator', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-lazy-'));
  try {
    const log = path.join(dir, 'loaded.txt');
    const hooks = path.join(dir, 'hooks.mjs');
    await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
    const reg = path.join(dir, 'register.mjs');
    await writeFile(reg, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const store = path.join(dir, 'store');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(reg).href, '--import', import.meta.resolve('tsx'), path.join(REPO, 'src/cli/main.ts'), 'index', '--storage', store], {
      encoding: 'utf8',
      env: { ...process.env, PACKAGE_STORAGE_URL: undefined, PACKAGE_STORAGE_LOG_LEVEL: 'warn' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /nothing to index/);
    const loaded = (await readFile(log, 'utf8')).split('\n');
    assert.ok(loaded.some((u) => u.includes('/src/index/indexer.ts')), 'the hook saw the indexer load');
    for (const heavy of ['/node_modules/fastify/', '/node_modules/openpgp/', '/node_modules/@aws-sdk/', '/node_modules/ajv/', '/src/registry/server.ts']) {
      assert.deepEqual(loaded.filter((u) => u.includes(heavy)).slice(0, 3), [], `index must not load ${heavy}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
