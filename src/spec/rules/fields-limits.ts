/** FieldsLimits: at most the root spec's `fieldsPerDataStreamLimit` (2048) leaf fields per data stream, input package or transform. */
import type { Rule } from './types.js';
import { rootSpec } from '../engine/folders.js';
import { allFields } from './util.js';

/** The spec's default (integration and input root spec.yml `fieldsPerDataStreamLimit`), used if the spec data has none. */
export const FIELDS_PER_DATA_STREAM_LIMIT = 2048;

export const rule: Rule = {
  id: 'fields-limits',
  types: ['integration', 'input'],
  async check(ctx) {
    const limit = rootSpec(ctx.type, ctx.version.v)?.limits.fieldsPerDataStreamLimit || FIELDS_PER_DATA_STREAM_LIMIT;
    const ds = new Map<string, number>();
    const tr = new Map<string, number>();
    for (const f of await allFields(ctx)) {
      if (f.hasChildren) continue;
      if (f.transform) tr.set(f.transform, (tr.get(f.transform) ?? 0) + 1);
      else ds.set(f.dataStream, (ds.get(f.dataStream) ?? 0) + 1);
    }
    for (const [id, n] of ds) {
      if (n <= limit) continue;
      if (id) ctx.error('SPEC_LIMIT', `data stream ${id} has more than ${limit} fields (${n})`, `data_stream/${id}/fields`);
      else ctx.error('SPEC_LIMIT', `input package has more than ${limit} fields (${n})`, 'fields');
    }
    for (const [id, n] of tr) if (n > limit) ctx.error('SPEC_LIMIT', `transform ${id} has more than ${limit} fields (${n})`, `elasticsearch/transform/${id}/fields`);
  },
};
