/** Data stream categories as Go reads them: `data_stream/*\/manifest.yml` `categories` (non-empty lists only). */
import type { Ctx } from '../context.js';
import { dataStreamManifests } from './util.js';

export async function dataStreamCategories(ctx: Ctx): Promise<Map<string, string[]> | { error: string }> {
  const out = new Map<string, string[]>();
  for (const ds of await dataStreamManifests(ctx)) {
    const c = ds.m.categories;
    if (c === undefined || c === null) continue;
    if (!Array.isArray(c) || c.some((x) => typeof x !== 'string')) return { error: `can't read categories from ${ds.file}: conversion error` };
    if (c.length) out.set(ds.name, c as string[]);
  }
  return out;
}
