/** KibanaNoLegacyVisualizations (>= 3.0.0): no TSVB, aggregation-based or Timelion visualizations, standalone or by value. */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';
import { byValuePanels, legacyPanel, legacyVisState } from './kibana-visualizations.js';

export const rule: Rule = {
  id: 'no-legacy-visualizations',
  since: '3.0.0',
  types: ['integration', 'content'],
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx, 'visualization')) {
      const v = await ctx.value(file);
      if (!isObj(v)) continue;
      const leg = legacyVisState(v.attributes);
      if (leg) ctx.fileError('SPEC_KIBANA', file, `found legacy visualization "${leg.title}" (${leg.visType}, ${leg.editor})`);
    }
    for (const file of kibanaObjectFiles(ctx, 'dashboard')) {
      const d = await ctx.value(file);
      if (!isObj(d)) continue;
      const attrs = isObj(d.attributes) ? d.attributes : {};
      const title = String(attrs.title ?? '');
      for (const p of byValuePanels(d)) {
        const leg = legacyPanel(p);
        if (leg) ctx.fileError('SPEC_KIBANA', file, `"${title}" contains legacy visualization: "${leg.title}" (${leg.visType}, ${leg.editor})`);
      }
    }
  },
};
