/** RoutingRulesAndDataset (>= 2.9.0): a data stream with routing rules sets `dataset` in its manifest. */
import type { Rule } from './types.js';
import { dataStreams, isObj, str } from './util.js';

export const rule: Rule = {
  id: 'routing-rules-dataset',
  since: '2.9.0',
  types: ['integration'],
  async check(ctx) {
    for (const ds of dataStreams(ctx)) {
      const rr = `data_stream/${ds}/routing_rules.yml`;
      if (!ctx.hasFile(rr)) continue;
      const rules = await ctx.value(rr);
      if (!Array.isArray(rules)) {
        ctx.error('SPEC_DATA_STREAM', `failed to find routing rules in data stream "${ds}": routing rules conversion error`, rr);
        continue;
      }
      if (!rules.length) continue;
      const mf = `data_stream/${ds}/manifest.yml`;
      const m = await ctx.value(mf);
      if (!isObj(m) || !str(m.dataset)) {
        ctx.error('SPEC_DATA_STREAM', `routing rules defined in data stream "${ds}" but dataset field is missing: dataset field is required in manifest for data stream "${ds}"`, mf);
      }
    }
  },
};
