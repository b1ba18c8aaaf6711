/**
 * DocsStructure (opt-in through `validation.yml` `docs_structure_enforced`): each `docs/*.md` has the
 * headings of the enforced-sections list of the configured version, minus the skipped titles; one error joins
 * every missing section.
 */
import type { Rule } from './types.js';
import { asObjs, isObj, str } from './util.js';

/** Section titles of package-spec's `docs_schema/enforced_sections_v<N>.yml`, per version. */
export const ENFORCED_SECTIONS: Record<number, readonly string[]> = {
  1: ['Overview', 'What data does this integration collect?', 'What do I need to use this integration?', 'How do I deploy this integration?', 'Troubleshooting', 'Performance and scaling'],
};

/** ATX (`## Title`) and setext (`Title` + `===`/`---`) headings of a markdown text, outside fenced code. */
export function markdownHeadings(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (!fence) fence = f[1]![0];
      else if (f[1]![0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    const atx = /^\s{0,3}#{1,6}(?:\s+(.*?))?\s*$/.exec(l);
    if (atx) {
      out.push((atx[1] ?? '').replace(/\s+#+\s*$/, '').replace(/^#+$/, '').trim());
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && l.trim() && /^\s{0,3}(=+|-+)\s*$/.test(next) && !/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(l)) {
      out.push(l.trim());
      i++;
    }
  }
  return out;
}

export const rule: Rule = {
  id: 'docs-structure',
  async check(ctx) {
    if (!ctx.hasFile('validation.yml')) return;
    const vy = await ctx.value('validation.yml');
    const cfg = isObj(vy) && isObj(vy.docs_structure_enforced) ? vy.docs_structure_enforced : undefined;
    if (!cfg || cfg.enabled !== true) return;
    const version = typeof cfg.version === 'number' ? cfg.version : 0;
    const all = ENFORCED_SECTIONS[version];
    if (!all) {
      ctx.error('SPEC_DOCS', `failed to read enforced documentation structure configuration: failed to load enforced sections from config: failed to read schema file: open enforced_sections_v${version}.yml: file does not exist`, 'validation.yml');
      return;
    }
    const skip = asObjs(cfg.skip).map((s) => str(s.title));
    const required = all.filter((s) => !skip.includes(s));
    const problems: string[] = [];
    for (const e of ctx.children('docs')) {
      if (e.type !== 'file' || !e.name.endsWith('.md')) continue;
      const headings = markdownHeadings((await ctx.text(e.path)) ?? '').map((h) => h.toLowerCase());
      for (const s of required) if (!headings.includes(s.toLowerCase())) problems.push(`missing required section '${s}' in file '${e.name}'`);
    }
    if (problems.length) ctx.error('SPEC_DOCS', problems.join('\n'), 'docs');
  },
};
