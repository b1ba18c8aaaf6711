/** ChangelogLinks: a github.com changelog link ends in a positive pull request or issue number. */
import type { Rule } from './types.js';
import { changelogValues } from './version-integrity.js';

export const rule: Rule = {
  id: 'changelog-links',
  async check(ctx) {
    const r = await changelogValues(ctx, 'link');
    if ('error' in r) {
      ctx.error('SPEC_CHANGELOG', r.error, 'changelog.yml');
      return;
    }
    for (const link of r.values) {
      let u: URL;
      try {
        u = new URL(link);
      } catch {
        // Go's url.Parse accepts relative references; only hosts containing github.com are checked.
        continue;
      }
      if (!u.host.includes('github.com')) continue;
      const base = u.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
      const n = /^[+-]?\d+$/.test(base) ? Number(base) : NaN;
      if (!(n > 0)) ctx.error('SPEC_CHANGELOG', `${link}: issue number in changelog link should be a positive number`, 'changelog.yml');
    }
  },
};
