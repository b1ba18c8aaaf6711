/** StreamInputBundled (build): no `package:` in data stream streams nor in policy template inputs of a built package. */
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, str } from './util.js';

export const rule: Rule = {
  id: 'stream-input-bundled',
  types: ['integration'],
  modes: ['build'],
  async check(ctx) {
    for (const ds of await dataStreamManifests(ctx)) {
      asObjs(ds.m.streams).forEach((s, i) => {
        if (str(s.package)) ctx.error('SPEC_BUILD', `file ${JSON.stringify(ctx.filePath(ds.file))}: stream[${i}] has 'package:' which is source-only; build packages must use 'input:' + 'template_paths:'`, ds.file);
      });
    }
    for (const pt of asObjs(ctx.manifest.policy_templates)) {
      asObjs(pt.inputs).forEach((inp, i) => {
        if (str(inp.package)) ctx.error('SPEC_BUILD', `file ${JSON.stringify(ctx.filePath('manifest.yml'))}: policy_template ${JSON.stringify(str(pt.name))} input[${i}] has 'package:' which is source-only; build packages must use 'type:'`, 'manifest.yml');
      });
    }
  },
};
