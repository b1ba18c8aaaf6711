/** How Go's `findPathAtDirectory` finds a template: an entry named like it (or `<name>.link`), or ending with it. */
import type { Ctx } from '../context.js';

export function findTemplate(ctx: Ctx, dir: string, templatePath: string): string | undefined {
  for (const e of ctx.children(dir)) {
    const n = e.name;
    if (n === templatePath || n === `${templatePath}.link` || n.endsWith(templatePath) || n.endsWith(`${templatePath}.link`)) return e.path;
  }
  return undefined;
}
