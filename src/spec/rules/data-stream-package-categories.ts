/**
 * DatastreamPackageCategories: every data stream category is a known category, and its parent is among the
 * package's categories. The category tree is the registry's `categories.yml` (a snapshot in
 * `src/package/categories.ts`; Elastic's validator downloads it).
 */
import type { Rule } from './types.js';
import { asArr, goList, str } from './util.js';
import { dataStreamCategories } from './categories.js';
import { CATEGORIES } from '../../package/categories.js';

/** Parent of a known category (a top-level category is its own parent), or undefined when unknown. */
function parentCategory(c: string): string | undefined {
  const e = CATEGORIES[c];
  if (!e) return undefined;
  return e.parent_id ?? c;
}

export const rule: Rule = {
  id: 'data-stream-package-categories',
  types: ['integration'],
  async check(ctx) {
    const pkgCats = asArr(ctx.manifest.categories).map(str);
    const cats = await dataStreamCategories(ctx);
    if ('error' in cats) {
      ctx.fileError('SPEC_POLICY', 'manifest.yml', cats.error);
      return;
    }
    for (const [ds, dsCats] of cats) {
      const dsFile = ctx.filePath(`data_stream/${ds}/manifest.yml`);
      const missing: string[] = [];
      for (const c of dsCats) {
        const parent = parentCategory(c);
        if (parent === undefined) {
          ctx.fileError('SPEC_POLICY', 'manifest.yml', `data stream "${ds}" has unrecognized category "${c}" (defined in "${dsFile}")`);
          continue;
        }
        if (!pkgCats.includes(parent) && !missing.includes(parent)) missing.push(parent);
      }
      if (missing.length) {
        ctx.fileError('SPEC_POLICY', 'manifest.yml', `package manifest categories ${goList(pkgCats)} are missing parent categories ${goList(missing.sort())} from data stream "${ds}" (defined in "${dsFile}")`);
      }
    }
  },
};
