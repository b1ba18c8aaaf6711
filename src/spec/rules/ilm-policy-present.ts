/** ILMPolicyPresent (>= 2.0.0): a data stream's `ilm_policy` is `<type>-<package>.<data stream>-<name>` and `elasticsearch/ilm/<name>.json` exists. */
import type { Rule } from './types.js';
import { dataStreamManifests, str } from './util.js';

export const rule: Rule = {
  id: 'ilm-policy-present',
  since: '2.0.0',
  types: ['integration'],
  async check(ctx) {
    for (const ds of await dataStreamManifests(ctx)) {
      const policy = str(ds.m.ilm_policy);
      if (!policy) continue;
      const line = (await ctx.doc(ds.file))?.lineOf(['ilm_policy']);
      const prefix = `${str(ds.m.type)}-${str(ctx.manifest.name)}.${ds.name}-`;
      if (!policy.startsWith(prefix)) {
        ctx.fileError('SPEC_DATA_STREAM', ds.file, `field ilm_policy must start with "${prefix}", found "${policy}"`, line);
        continue;
      }
      const ilm = `data_stream/${ds.name}/elasticsearch/ilm/${policy.slice(prefix.length)}.json`;
      if (!ctx.hasFile(ilm) && !ctx.hasDir(ilm)) ctx.fileError('SPEC_DATA_STREAM', ds.file, `field ilm_policy: ILM policy "${policy}" not found in package, expected definition in "${ctx.filePath(ilm)}"`, line);
    }
  },
};
