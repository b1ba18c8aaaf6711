/**
 * DeploymentModes: each deployment mode a policy template enables is supported by one of its inputs, inputs
 * list only enabled modes, and a single template whose only mode is agentless sets no `agentless.release`.
 */
import type { Rule } from './types.js';
import { asArr, asObjs, isObj, str } from './util.js';

export const rule: Rule = {
  id: 'deployment-modes',
  types: ['integration'],
  check(ctx) {
    const pts = asObjs(ctx.manifest.policy_templates);
    const dmOf = (pt: Record<string, unknown>) => (isObj(pt.deployment_modes) ? pt.deployment_modes : {});
    if (pts.length === 1) {
      const dm = dmOf(pts[0]!);
      const def = isObj(dm.default) ? dm.default : {};
      const agentless = isObj(dm.agentless) ? dm.agentless : {};
      if (def.enabled === false && str(agentless.release)) {
        ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pts[0]!.name)}" sets agentless.release but agentless is the only deployment mode; use the package version to indicate maturity instead`);
      }
    }
    for (const pt of pts) {
      const dm = dmOf(pt);
      const enabled: string[] = [];
      if (!isObj(dm.default) || dm.default.enabled !== false) enabled.push('default');
      if (isObj(dm.agentless) && dm.agentless.enabled === true) enabled.push('agentless');
      const inputs = asObjs(pt.inputs);
      const modesOf = (i: Record<string, unknown>): string[] | undefined => (i.deployment_modes === undefined || i.deployment_modes === null ? undefined : asArr(i.deployment_modes).map(str));
      for (const mode of enabled) {
        if (!inputs.some((i) => { const ms = modesOf(i); return ms === undefined || ms.includes(mode); })) {
          ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${str(pt.name)}" enables deployment mode "${mode}" but no input supports this mode`);
        }
      }
      for (const i of inputs) {
        for (const mode of modesOf(i) ?? []) {
          if (!enabled.includes(mode)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `input "${str(i.type)}" in policy template "${str(pt.name)}" specifies unsupported deployment mode "${mode}"`);
        }
      }
    }
  },
};
