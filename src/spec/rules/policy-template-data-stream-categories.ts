/** PolicyTemplateDatastreamCategories: the data streams a policy template names carry its categories (templates without `data_streams` or `categories` are skipped). */
import type { Rule } from './types.js';
import { asArr, asObjs, goList, str } from './util.js';
import { dataStreamCategories } from './categories.js';

export const rule: Rule = {
  id: 'policy-template-data-stream-categories',
  types: ['integration'],
  async check(ctx) {
    const cats = await dataStreamCategories(ctx);
    if ('error' in cats) {
      ctx.fileError('SPEC_POLICY', 'manifest.yml', cats.error);
      return;
    }
    for (const pt of asObjs(ctx.manifest.policy_templates)) {
      const ptCats = asArr(pt.categories).map(str);
      const dss = asArr(pt.data_streams).map(str);
      if (!ptCats.length || !dss.length) continue;
      for (const ds of dss) {
        const have = cats.get(ds);
        if (!have) continue;
        const missing = ptCats.filter((c) => !have.includes(c)).sort();
        if (missing.length) {
          ctx.fileError('SPEC_POLICY', 'manifest.yml', `data stream "${ds}" manifest categories ${goList(have)} are missing policy template "${str(pt.name)}" categories ${goList(missing)} (defined in "${ctx.filePath(`data_stream/${ds}/manifest.yml`)}")`);
        }
      }
    }
  },
};
