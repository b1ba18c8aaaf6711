/** Prerelease: no prerelease tag below 1.0.0; the tag is next, SNAPSHOT, or beta/rc/preview with optional numbering. */
import semver from 'semver';
import type { Rule } from './types.js';

const LITERAL = ['next', 'SNAPSHOT'];
const NUMBERED = ['beta', 'rc', 'preview'];
const NUMBER = '(([0-9]|[.-][0-9A-Za-z])([0-9A-Za-z-.]*[0-9A-Za-z])?)?';

function prereleaseTagError(tag: string): string | undefined {
  if (!tag || LITERAL.includes(tag)) return undefined;
  if (NUMBERED.some((n) => new RegExp(`^${n}${NUMBER}$`).test(tag))) return undefined;
  return `prerelease tag (${tag}) should be one of [${LITERAL.join(', ')}], or one of [${NUMBERED.join(', ')}] followed by numbers`;
}

export const rule: Rule = {
  id: 'prerelease',
  check(ctx) {
    const mv = ctx.manifest.version;
    if (typeof mv !== 'string') {
      ctx.error('SPEC_CHANGELOG', 'version is undefined', 'manifest.yml');
      return;
    }
    const v = semver.parse(mv.replace(/^v/, ''));
    if (!v) {
      ctx.error('SPEC_CHANGELOG', 'Invalid Semantic Version', 'manifest.yml');
      return;
    }
    const tag = v.prerelease.join('.');
    if (v.major === 0 && tag) {
      ctx.error('SPEC_CHANGELOG', `versions below 1.0.0 are considered technical previews, please remove prerelease tag (version: ${mv})`, 'manifest.yml');
      return;
    }
    const err = prereleaseTagError(tag);
    if (err) ctx.error('SPEC_CHANGELOG', err, 'manifest.yml');
  },
};
