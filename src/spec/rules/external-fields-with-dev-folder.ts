/** ExternalFieldsWithDevFolder (legacy, source): an `external:` field needs `_dev/build/build.yml` with that dependency. */
import type { Rule } from './types.js';
import { allFields, fieldLine, isObj } from './util.js';

export const rule: Rule = {
  id: 'external-fields-with-dev-folder',
  types: ['integration', 'input'],
  modes: ['legacy-publish', 'source'],
  async check(ctx) {
    const hasBuild = ctx.hasFile('_dev/build/build.yml');
    let deps = new Set<string>();
    if (hasBuild) {
      const b = await ctx.value('_dev/build/build.yml');
      const d = isObj(b) ? b.dependencies : undefined;
      if (!isObj(d)) {
        ctx.error('SPEC_FIELDS', d === undefined ? "can't read dependencies" : 'dependencies expected to be a map', '_dev/build/build.yml');
        return;
      }
      deps = new Set(Object.keys(d));
    }
    for (const f of await allFields(ctx)) {
      if (!f.external) continue;
      if (!hasBuild) ctx.fileError('SPEC_FIELDS', f.file, `field ${f.name} with external key defined ("${f.external}") but no _dev/build/build.yml found`, await fieldLine(ctx, f));
      else if (!deps.has(f.external)) ctx.fileError('SPEC_FIELDS', f.file, `field ${f.name} with external key defined ("${f.external}") but no definition found for it (_dev/build/build.yml)`, await fieldLine(ctx, f));
    }
  },
};
