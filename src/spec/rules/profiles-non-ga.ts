/** ProfilesNonGA: a GA package (>= 1.0.0, no prerelease) has no `profiles` data stream. */
import type { Rule } from './types.js';
import { dataStreamManifests } from './util.js';

export const rule: Rule = {
  id: 'profiles-non-ga',
  types: ['integration'],
  async check(ctx) {
    if (!ctx.isGA) return;
    for (const ds of await dataStreamManifests(ctx)) {
      if (ds.m.type === 'profiles') ctx.fileError('SPEC_DATA_STREAM', ds.file, 'profiles data type cannot be used in GA packages', (await ctx.doc(ds.file))?.lineOf(['type']));
    }
  },
};
