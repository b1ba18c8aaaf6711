/**
 * MinimumKibanaVersion: input packages >= 1.0.0 need kibana ^8.8.0; runtime fields need ^8.10.0 (uncoded);
 * `kibana/tags.yml` needs ^8.10.0 (SVR00005). Before 3.0.0 the coded error is only a warning (Go `WarnOn`).
 */
import semver from 'semver';
import type { Rule } from './types.js';
import { allFields, condition } from './util.js';

/** Go `kibanaVersionConditionIsGreaterThanOrEqualTo`: every x.y.z in the constraint is >= min. */
export function kibanaConditionAtLeast(cond: string, min: string): boolean {
  if (!cond) return false;
  if (cond === `^${min}`) return true;
  for (const m of cond.match(/\d+\.\d+\.\d+/g) ?? []) {
    const v = semver.parse(m);
    if (!v || semver.lt(v, min)) return false;
  }
  return true;
}

/** Go `runtimeField.isEnabled` over the YAML value of `runtime`. */
function runtimeEnabled(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v);
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
    return true;
  }
  return true;
}

export const rule: Rule = {
  id: 'minimum-kibana-version',
  codes: ['SVR00005'],
  warnBefore: '3.0.0',
  async check(ctx) {
    const raw = condition(ctx.manifest, 'kibana.version');
    if (raw !== undefined && typeof raw !== 'string') {
      ctx.error('SPEC_CONDITIONS', 'manifest kibana version is not a string', 'manifest.yml');
      return;
    }
    const cond = raw ?? '';
    const pv = semver.parse(String(ctx.manifest.version ?? '').replace(/^v/, ''));
    if (ctx.type === 'input' && pv && !semver.lt(pv, '1.0.0') && !kibanaConditionAtLeast(cond, '8.8.0')) {
      ctx.error('SPEC_CONDITIONS', 'conditions.kibana.version must be ^8.8.0 or greater for non experimental input packages (version > 1.0.0)', 'manifest.yml');
    }
    const runtime = (await allFields(ctx)).some((f) => runtimeEnabled(f.runtime));
    if (runtime && !kibanaConditionAtLeast(cond, '8.10.0')) {
      ctx.error('SPEC_CONDITIONS', 'conditions.kibana.version must be ^8.10.0 or greater to include runtime fields', 'manifest.yml');
    }
    if (ctx.type !== 'input' && ctx.hasFile('kibana/tags.yml') && !kibanaConditionAtLeast(cond, '8.10.0')) {
      ctx.error('SVR00005', 'conditions.kibana.version must be ^8.10.0 or greater to include saved object tags file: kibana/tags.yml (SVR00005)', 'manifest.yml');
    }
  },
};
