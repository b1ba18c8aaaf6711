/** IntegrationInputsDeprecation (>= 3.6.0): when every input is deprecated, the package is deprecated too. */
import type { Rule } from './types.js';
import { asObjs } from './util.js';

export const rule: Rule = {
  id: 'integration-inputs-deprecated',
  since: '3.6.0',
  types: ['integration'],
  check(ctx) {
    const m = ctx.manifest;
    if (m.deprecated !== undefined && m.deprecated !== null) return;
    const inputs = asObjs(m.policy_templates).flatMap((pt) => asObjs(pt.inputs));
    if (inputs.length && inputs.every((i) => i.deprecated !== undefined && i.deprecated !== null)) {
      ctx.fileError('SPEC_POLICY', 'manifest.yml', 'all inputs are deprecated but the integration package is not marked as deprecated');
    }
  },
};
