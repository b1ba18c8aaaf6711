/** KibanaNoLegacyVisualizations (>= 3.0.0): no TSVB, aggregation-based or Timelion visualizations, standalone or by value. */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';
import { byValuePanels, dashboardTitle, describeSavedObject, type Visualization } from './kibana-visualizations.js';

export const rule: Rule = {
  id: 'no-legacy-visualizations',
  since: '3.0.0',
  types: ['integration', 'content'],
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx, 'visualization')) {
      const v = await ctx.value(file);
      if (v === undefined) continue;
      if (!isObj(v)) {
        ctx.fileError('SPEC_KIBANA', file, `JSON of unexpected type ${Array.isArray(v) ? '[]interface {}' : typeof v}`);
        continue;
      }
      let desc: Visualization;
      try {
        desc = describeSavedObject(v);
      } catch (e) {
        ctx.fileError('SPEC_KIBANA', file, `error describing visualization saved object: ${(e as Error).message}`);
        continue;
      }
      if (desc.isLegacy) ctx.fileError('SPEC_KIBANA', file, `found legacy visualization "${desc.title}" (${desc.semanticType}, ${desc.editor})`);
    }
    for (const file of kibanaObjectFiles(ctx, 'dashboard')) {
      const d = await ctx.value(file);
      if (!isObj(d)) continue;
      let panels: Visualization[];
      try {
        panels = byValuePanels(d);
      } catch (e) {
        ctx.fileError('SPEC_KIBANA', file, `error describing dashboard panels: ${(e as Error).message}`);
        continue;
      }
      const title = dashboardTitle(d);
      for (const p of panels) if (p.isLegacy) ctx.fileError('SPEC_KIBANA', file, `"${title}" contains legacy visualization: "${p.title}" (${p.semanticType}, ${p.editor})`);
    }
  },
};
