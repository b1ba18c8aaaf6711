/**
 * RequiredFields: every data stream (and an input package's root `fields/`) that defines fields declares
 * `data_stream.type/dataset/namespace` as constant_keyword and `@timestamp` as date; transforms are exempt.
 */
import type { Rule } from './types.js';
import { allFields, fieldLine } from './util.js';

const REQUIRED_FIELDS: readonly [string, string][] = [
  ['data_stream.type', 'constant_keyword'],
  ['data_stream.dataset', 'constant_keyword'],
  ['data_stream.namespace', 'constant_keyword'],
  ['@timestamp', 'date'],
];

export const rule: Rule = {
  id: 'required-fields',
  types: ['integration', 'input'],
  async check(ctx) {
    const found = new Map<string, Set<string>>();
    const req = new Map(REQUIRED_FIELDS);
    for (const f of await allFields(ctx)) {
      if (f.transform) continue;
      if (!found.has(f.dataStream)) found.set(f.dataStream, new Set());
      found.get(f.dataStream)!.add(f.name);
      const want = req.get(f.name);
      if (want === undefined || f.external || f.type === want) continue;
      ctx.error('SPEC_FIELDS', `expected type "${want}" for required field "${f.name}", found "${f.type}" in "${ctx.filePath(f.file)}"`, f.file, await fieldLine(ctx, f));
    }
    for (const [ds, names] of found) {
      for (const [name, type] of REQUIRED_FIELDS) {
        if (names.has(name)) continue;
        ctx.error('SPEC_FIELDS', `expected field "${name}" with type "${type}" not found${ds ? ` in datastream "${ds}"` : ''}`, ds ? `data_stream/${ds}/fields` : 'fields');
      }
    }
  },
};
