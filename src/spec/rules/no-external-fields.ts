/** NoExternalFields (build): a built package has no `external:` field left. */
import type { Rule } from './types.js';
import { allFields, fieldLine } from './util.js';

export const rule: Rule = {
  id: 'no-external-fields',
  modes: ['build'],
  async check(ctx) {
    for (const f of await allFields(ctx)) {
      if (f.external) ctx.fileError('SPEC_BUILD', f.file, `field ${f.name} has external: ${f.external} reference; external fields must be materialized before packaging`, await fieldLine(ctx, f));
    }
  },
};
