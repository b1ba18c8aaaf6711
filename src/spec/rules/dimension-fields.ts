/** DimensionFields: `dimension: true` only on keyword, numeric and ip fields (external fields are not resolved, so accepted). */
import type { Rule } from './types.js';
import { allFields, fieldLine } from './util.js';

const DIMENSION_TYPES = ['constant_keyword', 'keyword', 'long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long', 'ip'];

export const rule: Rule = {
  id: 'dimension-fields',
  types: ['integration', 'input'],
  async check(ctx) {
    for (const f of await allFields(ctx)) {
      if (f.external || !f.dimension || DIMENSION_TYPES.includes(f.type)) continue;
      ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" of type ${f.type} can't be a dimension, allowed types for dimensions: ${DIMENSION_TYPES.join(', ')}`, await fieldLine(ctx, f));
    }
  },
};
