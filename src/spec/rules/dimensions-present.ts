/** DimensionsPresent (>= 3.0.1): a data stream with `elasticsearch.index_mode: time_series` declares at least one dimension field. */
import type { Rule } from './types.js';
import { allFields, dataStreamManifests, isObj } from './util.js';

export const rule: Rule = {
  id: 'dimensions-present',
  since: '3.0.1',
  types: ['integration'],
  async check(ctx) {
    const withDims = new Set((await allFields(ctx)).filter((f) => f.dimension).map((f) => f.dataStream));
    for (const ds of await dataStreamManifests(ctx)) {
      const es = isObj(ds.m.elasticsearch) ? ds.m.elasticsearch : {};
      if (es.index_mode === 'time_series' && !withDims.has(ds.name)) {
        ctx.fileError('SPEC_FIELDS', ds.file, 'time series mode enabled but no dimensions configured', (await ctx.doc(ds.file))?.lineOf(['elasticsearch', 'index_mode']));
      }
    }
  },
};
