import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/check-cycles.mjs');

interface Report {
  files: number;
  fileCycles: { files: string[]; typeOnly: boolean }[];
  moduleCycles: { modules: string[]; edges: { from: string; to: string; via: string[] }[] }[];
}

function check(root: string, ...flags: string[]): { status: number | null; report: Report } {
  const r = spawnSync(process.execPath, [SCRIPT, `--root=${root}`, '--json', ...flags], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  return { status: r.status, report: JSON.parse(r.stdout) as Report };
}

describe('scripts/check-cycles.mjs', () => {
  let root = '';
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-cycles-'));
  });
  after(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('an acyclic tree passes (exit 0)', async () => {
    await write('src/a/x.ts', "import { y } from './y.js';\nexport const x = y;\n");
    await write('src/a/y.ts', "import { z } from '../b/z.js';\nexport const y = z;\n");
    await write('src/b/z.ts', 'export const z = 1;\n');
    const { status, report } = check(root);
    assert.equal(report.files, 3);
    assert.deepEqual(report.fileCycles, []);
    assert.deepEqual(report.moduleCycles, []);
    assert.equal(status, 0);
  });

  it('finds a file cycle through a type-only import, and drops it with --runtime', async () => {
    await write('src/b/w.ts', "import type { T } from './v.js';\nexport type W = T;\nexport const w = 1;\n");
    await write('src/b/v.ts', "export { w } from './w.js';\nexport type T = number;\n");
    const { status, report } = check(root);
    assert.equal(status, 1);
    assert.deepEqual(report.fileCycles.map((c) => [c.files, c.typeOnly]), [[['src/b/v.ts', 'src/b/w.ts'], true]]);
    assert.deepEqual(check(root, '--runtime').report.fileCycles, []);
  });

  it('finds a module cycle made by a dynamic import, naming the files behind each edge', async () => {
    await fsp.rm(path.join(root, 'src/b/w.ts'));
    await fsp.rm(path.join(root, 'src/b/v.ts'));
    await write('src/b/late.ts', "export async function late() { return (await import('../a/x.js')).x; }\n");
    const { status, report } = check(root);
    assert.equal(status, 1);
    assert.deepEqual(report.fileCycles, []);
    assert.equal(report.moduleCycles.length, 1);
    assert.deepEqual(report.moduleCycles[0]!.modules, ['a', 'b']);
    assert.deepEqual(report.moduleCycles[0]!.edges, [
      { from: 'a', to: 'b', via: ['src/a/y.ts → src/b/z.ts'] },
      { from: 'b', to: 'a', via: ['src/b/late.ts → src/a/x.ts'] },
    ]);
  });

  it('leaves test files out unless --tests', async () => {
    await fsp.rm(path.join(root, 'src/b/late.ts'));
    await write('src/b/z.test.ts', "import { x } from '../a/x.js';\nexport const t = x;\n");
    assert.deepEqual(check(root).report.moduleCycles, []);
    assert.equal(check(root, '--tests').report.moduleCycles.length, 1);
  });
});
