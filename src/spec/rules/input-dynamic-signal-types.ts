/** InputDynamicSignalTypes (>= 3.6.0): `dynamic_signal_types: true` only with the otelcol input; an input package's template then sets no `type`. */
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, str } from './util.js';

export const rule: Rule = {
  id: 'input-dynamic-signal-types',
  since: '3.6.0',
  async check(ctx) {
    const m = ctx.manifest;
    if (ctx.type === 'input') {
      for (const pt of asObjs(m.policy_templates)) {
        if (pt.dynamic_signal_types !== true) continue;
        if (str(pt.input) !== 'otelcol') ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}": dynamic_signal_types is only allowed when input is 'otelcol', got '${str(pt.input)}'`);
        else if (str(pt.type)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}": type field must not be set when dynamic_signal_types is true`);
      }
    } else if (ctx.type === 'integration') {
      for (const pt of asObjs(m.policy_templates)) {
        for (const inp of asObjs(pt.inputs)) {
          if (inp.dynamic_signal_types === true && str(inp.type) !== 'otelcol') ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}": input type "${str(inp.type)}": dynamic_signal_types is only allowed when input is 'otelcol'`);
        }
      }
      for (const ds of await dataStreamManifests(ctx)) {
        for (const s of asObjs(ds.m.streams)) {
          if (s.dynamic_signal_types === true && str(s.input) !== 'otelcol') ctx.fileError('SPEC_POLICY', ds.file, `stream with input type "${str(s.input)}": dynamic_signal_types is only allowed when input is 'otelcol'`);
        }
      }
    }
  },
};
