/**
 * TestPackageRequirements (>= 3.6.0; legacy, source): `requires` of test configurations name packages of the
 * manifest's `requires` with a version satisfying its constraint; `source:` requirements are relative paths
 * that exist.
 */
import semver from 'semver';
import nodePath from 'node:path';
import { existsSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asArr, dataStreams, isObj } from './util.js';
import { validConstraint } from './minimum-agent-version.js';

const TEST_TYPES = ['system', 'policy', 'pipeline', 'static', 'asset'];

function sourceExists(ctx: Ctx, source: string): boolean {
  if (ctx.src.kind === 'folder') return existsSync(nodePath.resolve(ctx.src.origin, source));
  const rel = nodePath.posix.normalize(source);
  return ctx.hasFile(rel) || ctx.hasDir(rel);
}

function checkRequires(ctx: Ctx, file: string, testType: string, requires: unknown, constraints: Map<string, string>): void {
  if (!Array.isArray(requires)) return;
  const full = ctx.filePath(file);
  requires.forEach((r, idx) => {
    if (!isObj(r)) return;
    const loc = testType ? `${testType}.requires[${idx}]` : `requires[${idx}]`;
    const pkg = typeof r.package === 'string' ? r.package : '';
    const version = typeof r.version === 'string' ? r.version : '';
    if (pkg && version) {
      const c = constraints.get(pkg);
      if (c === undefined) return ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: ${loc} references package "${pkg}" which is not listed in manifest requires section`, file);
      const v = semver.parse(version.replace(/^v/, ''));
      if (!v) return ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: ${loc} has invalid version "${version}": Invalid Semantic Version`, file);
      if (!validConstraint(c)) return ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: ${loc} package "${pkg}" has invalid constraint in manifest: improper constraint: ${JSON.stringify(c)}`, file);
      const ok = c.split('||').some((part) => semver.satisfies(v, part.trim().replace(/\s*,\s*/g, ' ')));
      if (!ok) ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: ${loc} package "${pkg}" version "${version}" does not satisfy constraint "${c}"`, file);
      return;
    }
    const source = typeof r.source === 'string' ? r.source : '';
    if (!source) return;
    if (nodePath.isAbsolute(source)) ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: source path to required package "${source}" must be relative`, file);
    else if (!sourceExists(ctx, source)) ctx.error('SPEC_TEST_CONFIG', `file "${full}" is invalid: source path to required package "${source}" does not exist`, file);
  });
}

export const rule: Rule = {
  id: 'test-package-requirements',
  since: '3.6.0',
  types: ['integration'],
  modes: ['legacy-publish', 'source'],
  async check(ctx) {
    const req = isObj(ctx.manifest.requires) ? ctx.manifest.requires : {};
    const constraints = new Map<string, string>();
    for (const kind of ['input', 'content']) {
      for (const p of asArr(req[kind])) if (isObj(p) && typeof p.package === 'string' && typeof p.version === 'string') constraints.set(p.package, p.version);
    }
    if (ctx.hasFile('_dev/test/config.yml')) {
      const c = await ctx.value('_dev/test/config.yml');
      if (isObj(c)) for (const t of TEST_TYPES) if (isObj(c[t])) checkRequires(ctx, '_dev/test/config.yml', t, (c[t] as Record<string, unknown>).requires, constraints);
    }
    const patterns = [/^system\/test-.*-config\.yml$/, /^policy\/test-.*\.yml$/, /^static\/test-.*-config\.yml$/];
    for (const pat of patterns) {
      for (const ds of dataStreams(ctx)) {
        const base = `data_stream/${ds}/_dev/test/`;
        for (const f of ctx.filesUnder(base.slice(0, -1))) {
          const rest = f.slice(base.length);
          if (!pat.test(rest) || rest.split('/').length !== 2) continue;
          const c = await ctx.value(f);
          if (isObj(c)) checkRequires(ctx, f, '', c.requires, constraints);
        }
      }
    }
  },
};
