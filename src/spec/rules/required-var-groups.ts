/**
 * RequiredVarGroups: `required_vars` of policy template inputs and data stream streams name vars defined in
 * scope (package, policy template and input / stream, package and the template input of the same type), and
 * those vars are not `required: true`.
 */
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, isObj, str, varsOf, type Obj } from './util.js';

function checkGroups(ctx: Ctx, file: string, vars: Obj[], requiredVars: unknown): void {
  if (!isObj(requiredVars)) return;
  for (const group of Object.values(requiredVars)) {
    for (const r of asObjs(group)) {
      const name = str(r.name);
      if (!name) continue;
      const v = vars.find((x) => str(x.name) === name);
      if (!v) ctx.fileError('SPEC_VARS', file, `required var "${name}" in optional group is not defined`);
      else if (v.required === true) ctx.fileError('SPEC_VARS', file, `required var "${name}" in optional group is defined as always required`);
    }
  }
}

export const rule: Rule = {
  id: 'required-var-groups',
  async check(ctx) {
    const m = ctx.manifest;
    for (const pt of asObjs(m.policy_templates)) {
      for (const inp of asObjs(pt.inputs)) checkGroups(ctx, 'manifest.yml', [...varsOf(m), ...varsOf(pt), ...varsOf(inp)], inp.required_vars);
    }
    const inputVars = (type: string): Obj[] => {
      for (const pt of asObjs(m.policy_templates)) for (const inp of asObjs(pt.inputs)) if (str(inp.type) === type) return varsOf(inp);
      return [];
    };
    for (const ds of await dataStreamManifests(ctx)) {
      for (const s of asObjs(ds.m.streams)) checkGroups(ctx, ds.file, [...varsOf(s), ...varsOf(m), ...inputVars(str(s.input))], s.required_vars);
    }
  },
};
