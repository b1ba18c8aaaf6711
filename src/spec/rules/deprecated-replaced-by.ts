/** DeprecatedReplacedBy (>= 3.6.0): a `deprecated.replaced_by` names the replacement of its own level (package, policy template, input, data stream, stream variable). */
import type { Rule } from './types.js';
import { asObjs, dataStreams, isObj, str, varsOf, type Obj } from './util.js';

const replacedBy = (holder: Obj): Obj | undefined => {
  const d = holder.deprecated;
  return isObj(d) && isObj(d.replaced_by) ? d.replaced_by : undefined;
};

export const rule: Rule = {
  id: 'deprecated-replaced-by',
  since: '3.6.0',
  async check(ctx) {
    const m = ctx.manifest;
    const need = (file: string, holder: Obj, key: string, msg: string): void => {
      const rb = replacedBy(holder);
      if (rb && !str(rb[key])) ctx.fileError('SPEC_POLICY', file, msg);
    };
    need('manifest.yml', m, 'package', 'deprecated.replaced_by.package must be specified when deprecated.replaced_by is used');
    for (const pt of asObjs(m.policy_templates)) {
      need('manifest.yml', pt, 'policy_template', 'policy_template deprecated.replaced_by.policy_template must be specified when deprecated.replaced_by is used');
      for (const inp of asObjs(pt.inputs)) need('manifest.yml', inp, 'input', 'input deprecated.replaced_by.input must be specified when deprecated.replaced_by is used');
    }
    for (const ds of dataStreams(ctx)) {
      const file = `data_stream/${ds}/manifest.yml`;
      if (!ctx.hasFile(file)) continue;
      const dm = await ctx.value(file);
      if (!isObj(dm)) continue;
      need(file, dm, 'data_stream', 'deprecated.replaced_by.data_stream must be specified when deprecated.replaced_by is used');
      for (const s of asObjs(dm.streams)) for (const v of varsOf(s)) need(file, v, 'variable', 'variable deprecated.replaced_by.variable must be specified when deprecated.replaced_by is used');
    }
  },
};
