/** UniqueFields (>= 2.0.0): no leaf field is defined twice in one data stream, input package or transform. */
import type { Rule } from './types.js';
import { allFields } from './util.js';

export const rule: Rule = {
  id: 'unique-fields',
  since: '2.0.0',
  types: ['integration', 'input'],
  async check(ctx) {
    const groups = new Map<string, { name: string; where: string; files: string[] }>();
    for (const f of await allFields(ctx)) {
      if (f.hasChildren) continue;
      const where = f.transform ? ` for transform "${f.transform}"` : f.dataStream ? ` for data stream "${f.dataStream}"` : '';
      const key = `${f.transform ? 't' : 'd'}\u0000${f.transform || f.dataStream}\u0000${f.name}`;
      const g = groups.get(key) ?? { name: f.name, where, files: [] };
      g.files.push(f.file);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      if (g.files.length < 2) continue;
      const files = g.files.map((x) => ctx.filePath(x)).sort();
      ctx.error('SPEC_FIELDS', `field "${g.name}" is defined multiple times${g.where}, found in: ${files.join(', ')}`, g.files[0]);
    }
  },
};
