/**
 * VarGroups (>= 3.6.0): the package's `var_groups` (and each stream's) reference defined vars, have unique
 * group and option names, and their vars are not `required: true` (the group decides).
 */
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asArr, asObjs, dataStreamManifests, str, varsOf, type Obj } from './util.js';

function checkGroups(ctx: Ctx, rel: string, label: string, groups: Obj[], vars: Obj[]): void {
  const byName = new Map(vars.map((v) => [str(v.name), v]));
  const err = (msg: string): void => ctx.error('SPEC_VARS', `file "${label}" is invalid: ${msg}`, rel);
  const seen = new Set<string>();
  for (const g of groups) {
    const gname = str(g.name);
    if (seen.has(gname)) err(`duplicate var_group name "${gname}"`);
    seen.add(gname);
    const opts = new Set<string>();
    for (const o of asObjs(g.options)) {
      const oname = str(o.name);
      if (opts.has(oname)) err(`duplicate option name "${oname}" in var_group "${gname}"`);
      opts.add(oname);
      for (const vn of asArr(o.vars).map(str)) {
        const v = byName.get(vn);
        if (!v) err(`var "${vn}" referenced in var_group "${gname}" option "${oname}" is not defined`);
        else if (v.required === true) {
          err(g.required === true
            ? `var "${vn}" in required var_group "${gname}" should not have required: true (requirement is inferred from var_group)`
            : `var "${vn}" in non-required var_group "${gname}" should not have required: true (var_group is optional)`);
        }
      }
    }
  }
}

export const rule: Rule = {
  id: 'var-groups',
  since: '3.6.0',
  async check(ctx) {
    const m = ctx.manifest;
    const all = [...varsOf(m), ...asObjs(m.policy_templates).flatMap((pt) => [...varsOf(pt), ...asObjs(pt.inputs).flatMap(varsOf)])];
    checkGroups(ctx, 'manifest.yml', ctx.filePath('manifest.yml'), asObjs(m.var_groups), all);
    for (const ds of await dataStreamManifests(ctx)) {
      asObjs(ds.m.streams).forEach((s, i) => {
        const groups = asObjs(s.var_groups);
        if (!groups.length) return;
        const id = str(s.title) || str(s.input) || `stream[${i}]`;
        checkGroups(ctx, ds.file, `${ctx.filePath(ds.file)} (stream: ${id})`, groups, [...varsOf(m), ...varsOf(s)]);
      });
    }
  },
};
