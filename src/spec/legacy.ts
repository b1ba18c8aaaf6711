/**
 * OUR legacy re-publish mode (`validatePackage(src, {legacy: true})`): validates only what deriving a correct
 * package document needs, so old v1 packages that fail today's spec can still be re-published. Not to be
 * confused with Elastic's "legacy" validator mode (their full default validation).
 */
import semver from 'semver';
import type { PackageSource } from '../package/source.js';
import { Ctx } from './context.js';
import type { ValidationResult } from './types.js';

const NAME_RE = /^[a-z0-9_]+$/;
/** `solution` is an old v1 type (endpoint 0.13.x) that re-published packages still carry. */
const TYPES = new Set(['integration', 'input', 'content', 'solution']);

export async function validateLegacyPublish(src: PackageSource): Promise<ValidationResult> {
  const ctx = new Ctx(src);
  const err = (msg: string, file?: string, line?: number): void => ctx.error('SPEC_LEGACY', msg, file, line);
  if (!ctx.hasFile('manifest.yml')) {
    err(`no package manifest file found at ${ctx.filePath('manifest.yml')}`, 'manifest.yml');
    return { valid: false, errors: ctx.errors, warnings: [] };
  }
  const doc = await ctx.doc('manifest.yml');
  const m = doc?.value as Record<string, unknown> | undefined;
  if (!doc || !m || typeof m !== 'object' || Array.isArray(m)) {
    const pe = ctx.parseErrors.get('manifest.yml');
    err(`file "${ctx.filePath('manifest.yml')}" is invalid: ${pe?.message ?? 'not a YAML mapping'}`, 'manifest.yml', pe?.line);
    return { valid: false, errors: ctx.errors, warnings: [] };
  }
  const bad = (key: string, why: string): void => err(`file "${ctx.filePath('manifest.yml')}" is invalid: field ${key}: ${why}`, 'manifest.yml', doc.lineOf([key]));
  if (typeof m.name !== 'string' || !NAME_RE.test(m.name)) bad('name', m.name === undefined ? 'name is required' : "Does not match pattern '^[a-z0-9_]+$'");
  if (typeof m.version !== 'string' || !semver.valid(m.version)) bad('version', m.version === undefined ? 'version is required' : 'is not a valid semantic version');
  if (typeof m.title !== 'string' || !m.title) bad('title', 'title is required');
  if (m.format_version === undefined || m.format_version === null) bad('format_version', 'format_version is required');
  const type = m.type ?? 'integration';
  if (typeof type !== 'string' || !TYPES.has(type)) bad('type', `type must be one of the following: "integration", "input", "content", "solution"`);

  for (const f of ctx.files.keys()) {
    if (/^data_stream\/[^/]+\/manifest\.yml$/.test(f)) {
      const d = await ctx.doc(f);
      if (!d || !d.value || typeof d.value !== 'object') {
        const pe = ctx.parseErrors.get(f);
        err(`file "${ctx.filePath(f)}" is invalid: ${pe?.message ?? 'not a YAML mapping'}`, f, pe?.line);
      }
    }
  }
  if (!ctx.hasFile('docs/README.md')) err(`expecting to find [README.md] file in folder [${ctx.filePath('docs')}]`, 'docs');

  const checkImages = (list: unknown, key: string, base = ''): void => {
    if (!Array.isArray(list)) return;
    list.forEach((img, i) => {
      const srcPath = (img as { src?: unknown } | null)?.src;
      if (typeof srcPath !== 'string') return;
      const rel = srcPath.split('/').filter((x) => x && x !== '.').join('/');
      if (!ctx.hasFile(rel)) err(`file "${ctx.filePath('manifest.yml')}" is invalid: field ${base}${key}.${i}.src: relative path is invalid, target doesn't exist or it exceeds the file size limit`, 'manifest.yml', doc.lineOf([...(base ? base.slice(0, -1).split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : []), key, i, 'src']));
    });
  };
  checkImages(m.icons, 'icons');
  checkImages(m.screenshots, 'screenshots');
  if (Array.isArray(m.policy_templates)) {
    m.policy_templates.forEach((pt, i) => {
      checkImages((pt as Record<string, unknown> | null)?.icons, 'icons', `policy_templates.${i}.`);
      checkImages((pt as Record<string, unknown> | null)?.screenshots, 'screenshots', `policy_templates.${i}.`);
    });
  }
  return { valid: ctx.errors.length === 0, errors: ctx.errors, warnings: [] };
}
