/**
 * IntegrationPolicyTemplates: the templates of integration inputs (`agent/input`) and data stream streams
 * (`<data stream>/agent/stream`, default `stream.yml.hbs`) exist, found by name, `.link` or suffix as Fleet does.
 * A stream referring to a `package:` with no template of its own is skipped.
 */
import type { Rule } from './types.js';
import { asArr, asObjs, dataStreamManifests, str } from './util.js';
import { findTemplate } from './template-files.js';

export const rule: Rule = {
  id: 'integration-policy-templates',
  types: ['integration'],
  async check(ctx) {
    for (const ds of await dataStreamManifests(ctx)) {
      const dir = `data_stream/${ds.name}/agent/stream`;
      for (const s of asObjs(ds.m.streams)) {
        const tp = str(s.template_path);
        const tps = asArr(s.template_paths).map(str);
        if (str(s.package) && !tp && !tps.length) continue;
        const paths = tps.length ? tps : [tp || 'stream.yml.hbs'];
        if (paths.some((p) => !findTemplate(ctx, dir, p))) ctx.fileError('SPEC_POLICY', ds.file, `data stream "data_stream/${ds.name}" stream input "${str(s.input)}": template file not found`);
      }
    }
    for (const pt of asObjs(ctx.manifest.policy_templates)) {
      for (const inp of asObjs(pt.inputs)) {
        const tps = asArr(inp.template_paths).map(str);
        const paths = tps.length ? tps : str(inp.template_path) ? [str(inp.template_path)] : [];
        if (paths.some((p) => !findTemplate(ctx, 'agent/input', p))) {
          ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}": failed validation for policy input "${str(inp.type)}": template file not found`);
          break;
        }
      }
    }
  },
};
