/** IntegrationInputQualifier (>= 3.6.0; legacy, build): an input type used more than once in a policy template needs a `name` (SVR00010). */
import type { Rule } from './types.js';
import { asObjs, str } from './util.js';

export const rule: Rule = {
  id: 'integration-input-qualifier',
  since: '3.6.0',
  types: ['integration'],
  modes: ['legacy-publish', 'build'],
  codes: ['SVR00010'],
  check(ctx) {
    for (const pt of asObjs(ctx.manifest.policy_templates)) {
      const inputs = asObjs(pt.inputs);
      const counts = new Map<string, number>();
      for (const i of inputs) counts.set(str(i.type), (counts.get(str(i.type)) ?? 0) + 1);
      const reported = new Set<string>();
      for (const i of inputs) {
        const t = str(i.type);
        if ((counts.get(t) ?? 0) > 1 && !str(i.name) && !reported.has(t)) {
          reported.add(t);
          ctx.fileError('SVR00010', 'manifest.yml', `policy template "${str(pt.name)}": input with type "${t}" must have a name when multiple inputs of the same type are present (SVR00010)`);
        }
      }
    }
  },
};
