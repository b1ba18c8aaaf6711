/** Sections: section names are unique in each scope and a var's `section` names a section of its own scope. */
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, str, varsOf, type Obj } from './util.js';

function checkScope(ctx: Ctx, file: string, scope: string, holder: Obj): void {
  const names = new Set<string>();
  for (const s of asObjs(holder.sections)) {
    const n = str(s.name);
    if (names.has(n)) ctx.fileError('SPEC_VARS', file, `duplicate section name "${n}" in ${scope}`);
    names.add(n);
  }
  for (const v of varsOf(holder)) {
    const sec = str(v.section);
    if (sec && !names.has(sec)) ctx.fileError('SPEC_VARS', file, `var "${str(v.name)}" references undefined section "${sec}" in ${scope}`);
  }
}

export const rule: Rule = {
  id: 'sections',
  async check(ctx) {
    const m = ctx.manifest;
    checkScope(ctx, 'manifest.yml', 'package root', m);
    for (const pt of asObjs(m.policy_templates)) {
      checkScope(ctx, 'manifest.yml', 'policy template', pt);
      for (const inp of asObjs(pt.inputs)) checkScope(ctx, 'manifest.yml', 'input', inp);
    }
    for (const ds of await dataStreamManifests(ctx)) {
      asObjs(ds.m.streams).forEach((s, i) => {
        const id = str(s.title) || str(s.input) || `stream[${i}]`;
        checkScope(ctx, ds.file, `stream "${id}"`, s);
      });
    }
  },
};
