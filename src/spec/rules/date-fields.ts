/** DateFields: `date_format` only on `date` fields. */
import type { Rule } from './types.js';
import { allFields, fieldLine } from './util.js';

export const rule: Rule = {
  id: 'date-fields',
  types: ['integration', 'input'],
  async check(ctx) {
    for (const f of await allFields(ctx)) {
      if (f.type === 'date' || !f.dateFormat) continue;
      ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" of type ${f.type} can't set date_format. date_format is allowed for date field type only`, await fieldLine(ctx, f));
    }
  },
};
