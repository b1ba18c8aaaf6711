/** InputPackagesPolicyTemplates: each policy template of an input package has a template_path (or template_paths) that exists under agent/input. */
import type { Rule } from './types.js';
import { asArr, asObjs, str } from './util.js';
import { findTemplate } from './template-files.js';

export const rule: Rule = {
  id: 'input-policy-templates',
  types: ['input'],
  check(ctx) {
    for (const pt of asObjs(ctx.manifest.policy_templates)) {
      const tp = str(pt.template_path);
      const tps = asArr(pt.template_paths).map(str);
      let err: string | undefined;
      if (!tp && !tps.length) err = 'template_path is required for input type packages';
      else if ([...(tp ? [tp] : []), ...tps].some((p) => !findTemplate(ctx, 'agent/input', p))) err = 'template file not found';
      if (err) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}" references template_path "${tp}": ${err}`);
    }
  },
};
