import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { rule } from './static-handlebars.js';
import { runRule } from './testing.js';
import { openFolder } from '../../package/folder.js';
import { Ctx } from '../context.js';
import { SpecVersion } from '../versions.js';

test('static-handlebars: accepts valid templates', async () => {
  assert.deepEqual((await runRule(rule, { 'agent/input/a.yml.hbs': '{{#if x}}a{{/if}}', 'data_stream/foo/agent/stream/s.yml.hbs': 'paths: {{paths}}' })).messages, []);
});

test('static-handlebars: refuses a template that does not parse, in raymond words', async () => {
  const r = await runRule(rule, { 'data_stream/foo/agent/stream/filestream.yml.hbs': '{{#if x}}never closed' });
  assert.deepEqual(r.messages, ["invalid handlebars template: error validating data_stream/foo/agent/stream/filestream.yml.hbs: Parse error on line 1:\nExpecting OpenEndBlock, got: 'EOF'"]);
});

test('static-handlebars: follows .link files of a folder package (target outside the package)', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hbs-link-'));
  try {
    const bad = '{{#each x}}oops';
    await mkdir(path.join(tmp, 'shared'), { recursive: true });
    await writeFile(path.join(tmp, 'shared/t.yml.hbs'), bad);
    const pkg = path.join(tmp, 'pkg');
    await mkdir(path.join(pkg, 'data_stream/foo/agent/stream'), { recursive: true });
    await writeFile(path.join(pkg, 'manifest.yml'), 'name: pkg\n');
    const sum = createHash('sha256').update(bad).digest('hex');
    await writeFile(path.join(pkg, 'data_stream/foo/agent/stream/t.yml.hbs.link'), `../../../../../shared/t.yml.hbs ${sum}\n`);
    const ctx = new Ctx(await openFolder(pkg));
    ctx.version = new SpecVersion('3.5.4');
    ctx.type = 'integration';
    await rule.check(ctx);
    assert.deepEqual(ctx.errors.map((e) => e.message), ["invalid handlebars template: error validating ../shared/t.yml.hbs: Parse error on line 1:\nExpecting OpenEndBlock, got: 'EOF'"]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('static-handlebars: integration and input only', async () => {
  assert.equal((await runRule(rule, {}, { type: 'content' })).ran, false);
  assert.equal((await runRule(rule, { 'agent/input/a.hbs': '{{#if}}' }, { type: 'input', version: '1.0.0' })).messages.length, 1);
});
