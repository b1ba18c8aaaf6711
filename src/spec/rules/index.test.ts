import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES, applicableRules, applyValidationYmlExclusions, runSemanticRules } from './index.js';
import { memSource } from './testing.js';
import { Ctx } from '../context.js';
import { SpecVersion } from '../versions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const refReadme = path.resolve(here, '../../../../shared/reference/package-spec/README.md');

function ctx(files: Record<string, string | object>, version = '3.6.0', type = 'integration'): Ctx {
  const c = new Ctx(memSource({ 'manifest.yml': { format_version: version, name: 'pkg', version: '1.0.0', type }, ...files }));
  c.version = new SpecVersion(version);
  c.type = type;
  return c;
}

test('runner: the 46 semantic rules of the reference list, unique ids, each module named after its id', () => {
  assert.equal(RULES.length, 46);
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
  for (const r of RULES) assert.ok(existsSync(path.join(here, `${r.id}.ts`)), r.id);
});

test('runner: RULES follow the reference rule table row by row: order, since / warning gate, types, modes', { skip: !existsSync(refReadme) && `no reference at ${refReadme}` }, () => {
  const text = readFileSync(refReadme, 'utf8');
  const table = text.slice(text.indexOf('| rule | since / until |'));
  const rows = table.split('\n').filter((l) => l.startsWith('| ')).slice(1).map((l) => ['', ...l.split('|').slice(1, 5).map((c) => c.trim())]);
  assert.equal(rows.length, RULES.length);
  const list = (v: string): string[] | undefined => (v.trim() === 'all' ? undefined : v.split(',').map((x) => x.trim()));
  rows.forEach((m, i) => {
    const r = RULES[i]!;
    const [name, gate, types, modes] = [m[1]!, m[2]!.trim(), m[3]!, m[4]!];
    const since = /^since (\S+)$/.exec(gate)?.[1];
    const warn = /^warning before (\S+), error since$/.exec(gate)?.[1];
    assert.equal(r.since, since, `${name} (${r.id}): since`);
    assert.equal(r.warnBefore, warn, `${name} (${r.id}): warning gate`);
    assert.deepEqual(r.types ? [...r.types] : undefined, list(types), `${name} (${r.id}): types`);
    assert.deepEqual(r.modes ? r.modes.map((x) => (x === 'legacy-publish' ? 'legacy' : x)) : undefined, list(modes), `${name} (${r.id}): modes`);
  });
});

test('runner: filters by version, type and mode', () => {
  const ids = (c: Ctx) => applicableRules(c).map((r) => r.id);
  assert.ok(!ids(ctx({}, '1.18.0')).includes('unique-fields'));
  assert.ok(ids(ctx({}, '2.0.0')).includes('unique-fields'));
  assert.ok(!ids(ctx({}, '3.6.0', 'content')).includes('fields-limits'));
  const b = ctx({});
  b.mode = 'build';
  assert.ok(ids(b).includes('no-external-fields') && !ids(b).includes('external-fields-with-dev-folder'));
  assert.deepEqual(applicableRules(ctx({}), { skip: ['prerelease'] }).some((r) => r.id === 'prerelease'), false);
});

test('runner: a rule that throws becomes one SPEC_INTERNAL error, the others still run', async () => {
  const c = ctx({ 'changelog.yml': [{ version: '1.0.0', changes: [] }] });
  Object.defineProperty(c, 'children', { value: () => { throw new Error('boom'); } });
  const errs = await runSemanticRules(c);
  assert.ok(errs.some((e) => e.code === 'SPEC_INTERNAL' && e.message.includes('boom')));
  assert.ok(!errs.some((e) => e.message.includes('changelog')), 'version-integrity ran and passed');
});

test('validation.yml exclusions drop listed Elastic codes only; uncoded errors stay', async () => {
  const c = ctx({ 'validation.yml': { errors: { exclude_checks: ['SVR00002', 'SPEC_FIELDS'] } } });
  c.error('SVR00002', 'no filter (SVR00002)');
  c.error('SVR00003', 'dangling (SVR00003)');
  c.error('SPEC_FIELDS', 'uncoded');
  const dropped = await applyValidationYmlExclusions(c);
  assert.deepEqual(dropped.map((e) => e.code), ['SVR00002']);
  assert.deepEqual(c.errors.map((e) => e.code), ['SVR00003', 'SPEC_FIELDS']);
});
