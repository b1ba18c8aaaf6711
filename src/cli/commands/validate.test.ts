import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { register, runValidate, validateArg } from './validate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgs = path.resolve(here, '../../../../shared/testdata/package-spec/packages');
const skip = !existsSync(pkgs) && `no test data at ${pkgs}`;

async function run(args: string[]): Promise<{ out: string; code: number }> {
  const json = args.includes('--json');
  const legacy = args.includes('--legacy');
  let out = '';
  const code = await runValidate(args.filter((a) => !a.startsWith('--')), { json, legacy }, (t) => {
    out += t;
  });
  return { out, code };
}

test('validate command is registered with its options', () => {
  const program = new Command();
  register(program);
  const cmd = program.commands.find((c) => c.name() === 'validate');
  assert.ok(cmd);
  assert.deepEqual(cmd.options.map((o) => o.long).sort(), ['--json', '--legacy']);
});

test('validate prints valid / errors and exits non-zero if any is invalid', { skip }, async () => {
  const good = path.join(pkgs, 'good_v2');
  const bad = path.join(pkgs, 'bad_github_owner');
  const r = await run([good, bad]);
  assert.match(r.out, new RegExp(`^${good.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: valid$`, 'm'));
  assert.match(r.out, /bad_github_owner: 1 error\n {2}SPEC_SCHEMA manifest\.yml:\d+ file ".*manifest\.yml" is invalid: field owner\.github: Does not match pattern/);
  assert.equal(r.code, 1);
  const ok = await run([good]);
  assert.equal(ok.code, 0);
});

test('validate --json gives one entry per argument, unreadable input is an entry not a crash', { skip }, async () => {
  const bad = path.join(pkgs, 'bad_select');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  const notZip = path.join(tmp, 'x.zip');
  writeFileSync(notZip, 'not a zip');
  const r = await run(['--json', bad, '/no/such/path', notZip]);
  const j = JSON.parse(r.out) as { package: string; valid: boolean; errors: { code: string; file?: string; line?: number; message: string }[] }[];
  assert.equal(j.length, 3);
  assert.equal(j[0]!.package, bad);
  assert.equal(j[0]!.valid, false);
  assert.ok(j[0]!.errors.some((e) => e.message.includes('field streams.0.vars.1: options is required') && e.file === 'data_stream/foo_stream/manifest.yml' && typeof e.line === 'number'));
  assert.deepEqual({ package: j[1]!.package, valid: j[1]!.valid, code: j[1]!.errors[0]!.code }, { package: '/no/such/path', valid: false, code: 'NOT_FOUND' });
  assert.equal(j[2]!.valid, false);
  assert.equal(j[2]!.errors[0]!.code, 'ZIP_INVALID');
  assert.equal(r.code, 1);
});

test('validateArg --legacy accepts what only the full spec rejects', { skip }, async () => {
  const e = await validateArg(path.join(pkgs, 'bad_github_owner'), true);
  assert.equal(e.valid, true);
  const m = await validateArg(path.join(pkgs, 'missing_image_files'), true);
  assert.equal(m.valid, false);
  assert.ok(m.errors.some((x) => x.message.includes("icons.0.src: relative path is invalid")));
});

test('validate reads zips: a built zip of a valid package is valid', { skip }, async () => {
  const yazl = (await import('yazl')).default;
  const dir = path.join(pkgs, 'good_v2');
  const zip = new yazl.ZipFile();
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else zip.addFile(path.join(dir, r), `good_v2-1.0.0/${r}`);
    }
  };
  walk('');
  zip.end();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'validate-zip-'));
  const file = path.join(tmp, 'good_v2-1.0.0.zip');
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('close', () => resolve()).on('error', reject));
  try {
    const r = await run([file]);
    assert.equal(r.out, `${file}: valid\n`);
    assert.equal(r.code, 0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a zip with two root folders is reported with package-spec wording', async () => {
  const yazl = (await import('yazl')).default;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('x'), 'a-1.0.0/manifest.yml');
  zip.addBuffer(Buffer.from('y'), 'b-1.0.0/manifest.yml');
  zip.end();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'validate-zip-'));
  const file = path.join(tmp, 'two.zip');
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('close', () => resolve()).on('error', reject));
  try {
    const e = await validateArg(file, false);
    assert.equal(e.valid, false);
    assert.equal(e.errors[0]!.code, 'ZIP_ROOT_INVALID');
    assert.match(e.errors[0]!.message, /a single directory is expected in zip file, 2 found/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
