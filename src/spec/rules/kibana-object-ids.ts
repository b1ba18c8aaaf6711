/** KibanaObjectIDs: a Kibana object file's name (minus `.json`) is its `id`; a security rule's id starts with its `rule_id`. */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';

export const rule: Rule = {
  id: 'kibana-object-ids',
  types: ['integration', 'content'],
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx)) {
      const o = await ctx.value(file);
      if (!isObj(o)) continue;
      const line = (await ctx.doc(file))?.lineOf(['id']);
      if (!('id' in o)) {
        ctx.error('SPEC_KIBANA', `unable to get Kibana object ID in file [${ctx.filePath(file)}]: unknown key id`, file);
        continue;
      }
      const id = o.id;
      if (file.split('/')[1] === 'security_rule') {
        const attrs = isObj(o.attributes) ? o.attributes : undefined;
        if (!attrs || !('rule_id' in attrs)) {
          ctx.error('SPEC_KIBANA', `unable to get rule ID in file [${ctx.filePath(file)}]: unknown key rule_id`, file);
          continue;
        }
        if (typeof id !== 'string') {
          ctx.error('SPEC_KIBANA', 'expect object ID to be a string', file);
          continue;
        }
        if (typeof attrs.rule_id !== 'string') {
          ctx.error('SPEC_KIBANA', 'expect rule ID to be a string', file);
          continue;
        }
        if (!id.startsWith(attrs.rule_id)) {
          ctx.error('SPEC_KIBANA', `kibana object ID [${id}] should start with rule ID [${attrs.rule_id}]`, file, line);
          continue;
        }
      }
      const base = file.split('/').pop()!;
      const fileId = base.split('.json').join('');
      if (fileId !== id) ctx.error('SPEC_KIBANA', `kibana object file [${ctx.filePath(file)}] defines non-matching ID [${String(id)}]`, file, line);
    }
  },
};
