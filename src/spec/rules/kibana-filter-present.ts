/**
 * KibanaFilterPresent (>= 3.0.0): when a by-value panel that can filter has no filter, the dashboard itself
 * must have one: SVR00001 (a query but no filter) or SVR00002 (nothing). Dashboards whose by-value panels all
 * filter (or that have none) pass.
 */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';
import { byValuePanels, dashboardSearch, panelCanUseFilter, panelHasFilters } from './kibana-visualizations.js';

export const rule: Rule = {
  id: 'kibana-filter-present',
  since: '3.0.0',
  codes: ['SVR00001', 'SVR00002'],
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx, 'dashboard')) {
      const d = await ctx.value(file);
      if (!isObj(d)) continue;
      const panelsOk = byValuePanels(d).every((p) => !panelCanUseFilter(p) || panelHasFilters(p));
      if (panelsOk) continue;
      const s = dashboardSearch(d);
      if ('filter' in s && s.filter) continue;
      const why = 'error' in s ? s.error : s.query ? 'saved query found, but no filter' : 'no filter found';
      const code = 'query' in s && s.query ? 'SVR00001' : 'SVR00002';
      ctx.fileError(code, file, `expected filter in dashboard: ${why} and at least one panel does not have a filter (${code})`);
    }
  },
};
