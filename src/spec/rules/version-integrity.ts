/** VersionIntegrity: changelog versions are unique, the manifest version is the first entry, which is the greatest. */
import semver from 'semver';
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asObjs, isObj } from './util.js';

/** The changelog's `version`s, or an error message as Go's `readChangelog` gives it. */
export async function changelogValues(ctx: Ctx, key: 'version' | 'link'): Promise<{ values: string[] } | { error: string }> {
  if (!ctx.hasFile('changelog.yml')) return { error: 'single changelog file expected' };
  const cl = await ctx.value('changelog.yml');
  if (cl === undefined) return { error: "can't read changelog entries" };
  if (key === 'version') {
    const vs = asObjs(cl).map((e) => e.version);
    if (!Array.isArray(cl) || vs.some((v) => typeof v !== 'string')) return { error: "can't convert slice entries: conversion error" };
    return { values: vs as string[] };
  }
  const links = asObjs(cl).flatMap((e) => asObjs(e.changes).map((c) => c.link)).filter((l) => l !== undefined);
  if (links.some((l) => typeof l !== 'string')) return { error: "can't convert slice entries: conversion error" };
  return { values: links as string[] };
}

function semverLoose(v: string): semver.SemVer | null {
  // Masterminds/semver accepts `1.2` and a leading `v`; the `semver` package's coerce is too lax, so try both forms.
  return semver.parse(v) ?? semver.parse(v.replace(/^v/, '').replace(/^(\d+)\.(\d+)$/, '$1.$2.0').replace(/^(\d+)$/, '$1.0.0'));
}

export const rule: Rule = {
  id: 'version-integrity',
  async check(ctx) {
    const fail = async (msg: string, file: string, path?: (string | number)[]): Promise<void> => {
      ctx.error('SPEC_CHANGELOG', msg, file, path ? (await ctx.doc(file))?.lineOf(path) : undefined);
    };
    const mv = ctx.manifest.version;
    if (typeof mv !== 'string') return fail('version is undefined', 'manifest.yml');
    const r = await changelogValues(ctx, 'version');
    if ('error' in r) return fail(r.error, 'changelog.yml');
    const versions = r.values;
    const seen = new Set<string>();
    for (const [i, v] of versions.entries()) {
      if (seen.has(v)) return fail(`versions in changelog must be unique, found at least two same versions (${v})`, 'changelog.yml', [i, 'version']);
      seen.add(v);
    }
    if (!versions.length) return fail('no versions found in changelog', 'changelog.yml');
    const first = versions[0]!;
    if (mv !== first && !(first.endsWith('-next') && versions.includes(mv))) {
      return fail("current manifest version doesn't have changelog entry", 'manifest.yml', ['version']);
    }
    const latest = semverLoose(first);
    if (!latest) return fail(`could not read package manifest version [${first}]`, 'changelog.yml', [0, 'version']);
    for (const [i, v] of versions.entries()) {
      if (i === 0) continue;
      const cv = semverLoose(v);
      if (!cv) return fail(`could not read package manifest version [${v}]`, 'changelog.yml', [i, 'version']);
      if (semver.gte(cv, latest)) return fail(`changelog entry ${cv.version} is greater than or equal to first changelog entry: ${latest.version}`, 'changelog.yml', [i, 'version']);
    }
    void isObj;
  },
};
