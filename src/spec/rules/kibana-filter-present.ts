/**
 * KibanaFilterPresent (>= 3.0.0): a dashboard whose by-value panels (those that can filter) do not all filter
 * their data must have a filter of its own: SVR00001 when it only has a query, SVR00002 otherwise. A dashboard
 * whose panels all filter, or that has no by-value panel, passes.
 */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';
import { byValuePanels, dashboardFilterError } from './kibana-visualizations.js';

function panelsError(d: unknown): string | undefined {
  let panels;
  try {
    panels = byValuePanels(d);
  } catch (e) {
    return `error describing visualization saved object: ${(e as Error).message}`;
  }
  for (const p of panels) {
    if (!p.canUseFilter) continue;
    let has: boolean;
    try {
      has = p.hasFilters();
    } catch (e) {
      return `error checking if visualization has filters: ${(e as Error).message}`;
    }
    if (!has) return 'at least one panel does not have a filter';
  }
  return undefined;
}

export const rule: Rule = {
  id: 'kibana-filter-present',
  since: '3.0.0',
  codes: ['SVR00001', 'SVR00002'],
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx, 'dashboard')) {
      const d = await ctx.value(file);
      if (!isObj(d)) continue;
      const pe = panelsError(d);
      if (!pe) continue;
      const de = dashboardFilterError(d);
      if (!de) continue;
      const code = de.queryNoFilter ? 'SVR00001' : 'SVR00002';
      ctx.fileError(code, file, `expected filter in dashboard: ${de.msg} and ${pe} (${code})`);
    }
  },
};
