/** FieldGroups: a `group` field declares neither `unit` nor `metric_type`. */
import type { Rule } from './types.js';
import { allFields, fieldLine } from './util.js';

export const rule: Rule = {
  id: 'field-groups',
  async check(ctx) {
    for (const f of await allFields(ctx)) {
      if (f.type !== 'group') continue;
      if (f.unit) ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" can't have unit property'`, await fieldLine(ctx, f));
      else if (f.metricType) ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" can't have metric type property'`, await fieldLine(ctx, f));
    }
  },
};
