/** KibanaTagDuplicates: no tag name twice in `kibana/tags.yml`, nor among `kibana/tag/*.json` tags, nor in both (SVR00007). */
import type { Rule } from './types.js';
import { asObjs, isObj, str } from './util.js';

export const rule: Rule = {
  id: 'kibana-tag-duplicates',
  codes: ['SVR00007'],
  async check(ctx) {
    const shared: string[] = [];
    if (ctx.hasFile('kibana/tags.yml')) {
      for (const t of asObjs(await ctx.value('kibana/tags.yml'))) {
        const name = str(t.text);
        if (shared.includes(name)) ctx.fileError('SVR00007', 'kibana/tags.yml', `duplicate tag name '${name}' found (SVR00007)`);
        else shared.push(name);
      }
    }
    const seen: string[] = [];
    for (const e of ctx.children('kibana/tag')) {
      if (e.type !== 'file' || !e.name.endsWith('.json')) continue;
      const o = await ctx.value(e.path);
      if (!isObj(o) || o.type !== 'tag') continue;
      const name = isObj(o.attributes) ? str(o.attributes.name) : '';
      if (seen.includes(name)) ctx.fileError('SVR00007', e.path, `duplicate package tag name '${name}' found (SVR00007)`);
      else if (shared.includes(name)) ctx.fileError('SVR00007', e.path, `tag name '${name}' is already defined in tags.yml (SVR00007)`);
      else seen.push(name);
    }
  },
};
