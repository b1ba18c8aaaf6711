/** NoEmbeddedEcsInDynamicTemplates (source): no `_embedded_ecs*` dynamic template in a source package (build inserts them). */
import type { Rule } from './types.js';
import { asArr, dataStreamManifests, isObj } from './util.js';

export const rule: Rule = {
  id: 'no-embedded-ecs',
  types: ['integration'],
  modes: ['source'],
  async check(ctx) {
    for (const ds of await dataStreamManifests(ctx)) {
      const es = isObj(ds.m.elasticsearch) ? ds.m.elasticsearch : {};
      const it = isObj(es.index_template) ? es.index_template : {};
      const mp = isObj(it.mappings) ? it.mappings : {};
      for (const dt of asArr(mp.dynamic_templates)) {
        if (!isObj(dt)) continue;
        for (const k of Object.keys(dt)) {
          if (k.startsWith('_embedded_ecs')) ctx.fileError('SPEC_FIELDS', ds.file, `dynamic template ${JSON.stringify(k)} starts with "_embedded_ecs"; this key is auto-injected at build time and must not appear in source packages`);
        }
      }
    }
  },
};
