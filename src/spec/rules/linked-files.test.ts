/** Rules read `.link` files as Go's linked-files filesystem does: fields and pipelines through their target. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { openFolder } from '../../package/folder.js';
import { Ctx } from '../context.js';
import { SpecVersion } from '../versions.js';
import { rule as requiredFields } from './required-fields.js';
import { rule as pipelineTags } from './pipeline-tags.js';
import { BASE_FIELDS } from './testing.js';

async function withPkg(files: Record<string, string>, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rules-link-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
      await writeFile(path.join(tmp, rel), text);
    }
    const ctx = new Ctx(await openFolder(path.join(tmp, 'pkg')));
    ctx.version = new SpecVersion('3.6.0');
    ctx.type = 'integration';
    await fn(ctx);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

test('linked fields count as the data stream\'s fields (package-spec good_v3: base fields linked from _dev/shared)', async () => {
  const base = stringify(BASE_FIELDS);
  await withPkg({ 'pkg/manifest.yml': 'name: pkg\n', 'pkg/_dev/shared/base-fields.yml': base, 'pkg/data_stream/foo/manifest.yml': 'title: f\n', 'pkg/data_stream/foo/fields/base-fields.yml.link': `../../../_dev/shared/base-fields.yml ${sha(base)}\n`, 'pkg/data_stream/foo/fields/x.yml': stringify([{ name: 'x', type: 'keyword' }]) }, async (ctx) => {
    await requiredFields.check(ctx);
    assert.deepEqual(ctx.errors, []);
  });
});

test('a link whose checksum does not match, or that has none, is not read (the walk reports it)', async () => {
  const b = stringify(BASE_FIELDS);
  await withPkg({ 'pkg/manifest.yml': 'name: pkg\n', 'pkg/shared.yml': b, 'pkg/data_stream/foo/fields/base-fields.yml.link': '../../../shared.yml\n', 'pkg/data_stream/foo/fields/x.yml': stringify([{ name: 'x', type: 'keyword' }]) }, async (ctx) => {
    await requiredFields.check(ctx);
    assert.equal(ctx.errors.length, 4);
  });
  const base = stringify(BASE_FIELDS);
  await withPkg({ 'pkg/manifest.yml': 'name: pkg\n', 'pkg/shared.yml': base, 'pkg/data_stream/foo/fields/base-fields.yml.link': `../../../shared.yml ${'0'.repeat(64)}\n`, 'pkg/data_stream/foo/fields/x.yml': stringify([{ name: 'x', type: 'keyword' }]) }, async (ctx) => {
    await requiredFields.check(ctx);
    assert.equal(ctx.errors.length, 4, ctx.errors.map((e) => e.message).join('\n'));
  });
});

test('linked pipelines are checked through their target', async () => {
  const pl = 'processors:\n  - set:\n      field: a\n';
  await withPkg({ 'pkg/manifest.yml': 'name: pkg\n', 'shared/p.yml': pl, 'pkg/data_stream/foo/elasticsearch/ingest_pipeline/default.yml.link': `../../../../../shared/p.yml ${sha(pl)}\n` }, async (ctx) => {
    await pipelineTags.check(ctx);
    assert.equal(ctx.errors.length, 1);
    assert.match(ctx.errors[0]!.message, /set processor at line 2 missing required tag \(SVR00006\)/);
  });
});
