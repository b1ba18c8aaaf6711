/** MinimumAgentVersion: `conditions.agent.version` is a string that parses as a version constraint. */
import semver from 'semver';
import type { Rule } from './types.js';
import { condition } from './util.js';

/** A Masterminds/semver constraint, checked with node-semver (`,` is Masterminds' AND, a space in node-semver). */
export function validConstraint(c: string): boolean {
  const parts = c.split('||').map((p) => p.trim());
  if (parts.some((p) => !p)) return false;
  return parts.every((p) => semver.validRange(p.replace(/\s*,\s*/g, ' ')) !== null);
}

export const rule: Rule = {
  id: 'minimum-agent-version',
  check(ctx) {
    const v = condition(ctx.manifest, 'agent.version');
    if (v === undefined) return;
    if (typeof v !== 'string') {
      ctx.error('SPEC_CONDITIONS', 'manifest agent version is not a string', 'manifest.yml');
      return;
    }
    if (v !== '' && !validConstraint(v)) ctx.fileError('SPEC_CONDITIONS', 'manifest.yml', `invalid agent.version condition: improper constraint: ${JSON.stringify(v)}`);
  },
};
