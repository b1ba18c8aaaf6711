/** DurationVariables (>= 3.5.0): for `duration` vars, min_duration <= default <= max_duration (values parsed as Go durations). */
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, str, varsOf, type Obj } from './util.js';
import { parseGoDuration } from './go-duration.js';

function checkVar(v: Obj): string | undefined {
  if (str(v.type) !== 'duration') return undefined;
  const has = (k: string): boolean => v[k] !== undefined && v[k] !== null;
  let min = 0;
  let def = 0;
  let max = 0;
  if (has('min_duration')) {
    const r = parseGoDuration(str(v.min_duration));
    if (typeof r !== 'number') return `invalid min_duration value "${str(v.min_duration)}": ${r.error}`;
    if (r < 0) return `negative min_duration value "${str(v.min_duration)}"`;
    min = r;
  }
  if (has('default')) {
    if (typeof v.default !== 'string') return `invalid default value type ${typeof v.default === 'number' ? (Number.isInteger(v.default) ? 'int' : 'float64') : typeof v.default === 'boolean' ? 'bool' : Array.isArray(v.default) ? '[]interface {}' : 'map[string]interface {}'}: expected a string`;
    const r = parseGoDuration(v.default);
    if (typeof r !== 'number') return `invalid default value "${v.default}": ${r.error}`;
    def = r;
  }
  if (has('max_duration')) {
    const r = parseGoDuration(str(v.max_duration));
    if (typeof r !== 'number') return `invalid max_duration value "${str(v.max_duration)}": ${r.error}`;
    max = r;
  }
  const errs: string[] = [];
  if (has('min_duration') && has('default') && min > def) errs.push(`min_duration "${str(v.min_duration)}" greater than default "${str(v.default)}"`);
  if (has('default') && has('max_duration') && def > max) errs.push(`default "${str(v.default)}" greater than max_duration "${str(v.max_duration)}"`);
  if (has('min_duration') && has('max_duration') && min > max) errs.push(`min_duration "${str(v.min_duration)}" greater than max_duration "${str(v.max_duration)}"`);
  return errs.length ? errs.join('\n') : undefined;
}

async function report(ctx: Ctx, file: string, vars: { v: Obj; path: (string | number)[] }[]): Promise<void> {
  const doc = await ctx.doc(file);
  for (const { v, path } of vars) {
    const e = checkVar(v);
    if (!e) continue;
    const pos = doc?.posOf?.(path);
    ctx.error('SPEC_VARS', `${ctx.filePath(file)}:${pos?.line ?? 0}:${pos?.col ?? 0} error in variable "${str(v.name)}": ${e}`, file, pos?.line);
  }
}

export const rule: Rule = {
  id: 'duration-variables',
  since: '3.5.0',
  async check(ctx) {
    const m = ctx.manifest;
    const vars: { v: Obj; path: (string | number)[] }[] = varsOf(m).map((v, i) => ({ v, path: ['vars', i] }));
    asObjs(m.policy_templates).forEach((pt, i) => {
      varsOf(pt).forEach((v, j) => vars.push({ v, path: ['policy_templates', i, 'vars', j] }));
      asObjs(pt.inputs).forEach((inp, k) => varsOf(inp).forEach((v, j) => vars.push({ v, path: ['policy_templates', i, 'inputs', k, 'vars', j] })));
    });
    await report(ctx, 'manifest.yml', vars);
    for (const ds of await dataStreamManifests(ctx)) {
      const dv: { v: Obj; path: (string | number)[] }[] = [];
      asObjs(ds.m.streams).forEach((s, i) => varsOf(s).forEach((v, j) => dv.push({ v, path: ['streams', i, 'vars', j] })));
      await report(ctx, ds.file, dv);
    }
  },
};
