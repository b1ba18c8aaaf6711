/**
 * The tree walk of package-spec's folder validator: each folder's entries are matched to the items of its
 * spec (name, or unanchored pattern with `{PACKAGE_NAME}` minus forbidden patterns), then each file is checked
 * for size, media type (leading `---`, non-empty), configuration size, and its schema; folders recurse. Counts
 * and sizes exclude development folders; required items are checked last. Messages are the Go validator's.
 */
import type { Ctx } from '../context.js';
import { expandDotted, parseYaml, type ParsedDoc } from '../context.js';
import { formatSize, type ItemSpec } from './folders.js';
import { isLink, type LinkTable } from './links.js';
import { schemaValidator, validateWithSchema } from './schemas.js';
import { betaFeatureIssue } from '../rules/psr.js';

interface Totals {
  size: number;
  count: number;
}

const reCache = new Map<string, RegExp>();
function re(src: string): RegExp {
  let r = reCache.get(src);
  if (!r) {
    r = new RegExp(src);
    reCache.set(src, r);
  }
  return r;
}

type Child = ReturnType<Ctx['children']>[number];

/**
 * `{PACKAGE_NAME}` is replaced by the manifest name as Go does; the name is regex-escaped (a no-op for every
 * valid name, `^[a-z0-9_]+$`), so a hostile name cannot inject a backtracking pattern. Those patterns are
 * compiled per package, not cached process-wide.
 */
function namePattern(pattern: string, pkgName: string, local: Map<string, RegExp>): RegExp {
  if (!pattern.includes('{PACKAGE_NAME}')) return re(pattern);
  let r = local.get(pattern);
  if (!r) {
    r = new RegExp(pattern.replaceAll('{PACKAGE_NAME}', pkgName.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')));
    local.set(pattern, r);
  }
  return r;
}

function findItem(ctx: Ctx, spec: ItemSpec, fileName: string, pkgName: string, local: Map<string, RegExp>): ItemSpec | string | undefined {
  const link = isLink(fileName);
  const name = link ? fileName.slice(0, -'.link'.length) : fileName;
  for (const it of spec.contents) {
    if (it.name !== undefined && it.name === name) return it;
    if (it.pattern !== undefined && namePattern(it.pattern, pkgName, local).test(name)) {
      if (it.forbiddenPatterns.some((f) => re(f).test(name))) continue;
      if (link && !it.allowLink) return `item [${name}] is a link but is not allowed`;
      return it;
    }
  }
  return undefined;
}

function matchingFileExists(spec: ItemSpec, children: Child[]): boolean {
  for (const c of children) {
    const n = c.type === 'file' && isLink(c.name) ? c.name.slice(0, -5) : c.name;
    if (spec.name !== undefined ? n === spec.name : spec.pattern !== undefined && re(spec.pattern).test(n)) return (spec.type === 'folder') === (c.type === 'dir');
  }
  return false;
}

function forbiddenInMode(ctx: Ctx, it: ItemSpec): boolean {
  return ctx.mode !== 'legacy-publish' && it.validationMode !== undefined && it.validationMode !== ctx.mode;
}

/** Validate the package tree against `root`. */
export async function walkTree(ctx: Ctx, src: LinkTable, root: ItemSpec): Promise<void> {
  const pkgName = typeof ctx.manifest.name === 'string' ? ctx.manifest.name : '';
  await validateFolder(ctx, src, root, '', pkgName, new Map());
}

async function validateFolder(ctx: Ctx, src: LinkTable, spec: ItemSpec, dir: string, pkgName: string, local: Map<string, RegExp>): Promise<Totals> {
  const totals: Totals = { size: 0, count: 0 };
  const here = ctx.filePath(dir);
  const children = ctx.children(dir);
  const lim = spec.limits.totalContentsLimit;
  if (lim > 0 && children.length > lim) {
    ctx.error('SPEC_LIMIT', `folder [${here}] exceeds the limit of ${lim} files`, dir || undefined);
    return totals;
  }
  if (spec.release === 'beta') betaFeatureIssue(ctx, dir);
  else if (spec.release !== undefined && spec.release !== 'ga') ctx.error('SPEC_TYPE', 'unsupport release level, supported values: beta, ga', dir || undefined);

  for (const child of children) {
    const rel = child.path;
    if (ctx.mode === 'build' && child.type === 'file' && isLink(child.name)) {
      ctx.error('SPEC_BUILD', `file "${ctx.filePath(rel)}": .link files are not allowed in built packages`, rel);
      continue;
    }
    const found = findItem(ctx, spec, child.name, pkgName, local);
    if (typeof found === 'string') {
      ctx.error('SPEC_NOT_ALLOWED', found, rel);
      continue;
    }
    if (!found) {
      if (spec.additionalContents) {
        if (child.type === 'dir' && !spec.developmentFolder && child.name.includes('-')) {
          ctx.fileError('SPEC_NOT_ALLOWED', rel, `directory name inside package ${pkgName} contains -: ${child.name}`);
        }
      } else {
        ctx.error('SPEC_NOT_ALLOWED', `item [${child.name}] is not allowed in folder [${here}]`, rel);
      }
      continue;
    }
    if (child.type === 'dir') {
      if (found.type !== 'folder') {
        ctx.error('SPEC_NOT_ALLOWED', `[${child.name}] is a folder but is expected to be a file`, rel);
        continue;
      }
      if (forbiddenInMode(ctx, found)) {
        ctx.error(ctx.mode === 'build' ? 'SPEC_BUILD' : 'SPEC_NOT_ALLOWED', `file "${ctx.filePath(rel)}": ${found.validationMode}-only folder is not allowed in ${ctx.mode} packages`, rel);
        continue;
      }
      const sub = await validateFolder(ctx, src, found, rel, pkgName, local);
      if (!found.developmentFolder) {
        totals.count += sub.count;
        totals.size += sub.size;
      }
    } else {
      if (found.type === 'folder') {
        ctx.error('SPEC_NOT_ALLOWED', `[${ctx.filePath(child.name)}] is a file but is expected to be a folder`, rel);
        continue;
      }
      if (forbiddenInMode(ctx, found)) {
        ctx.error(ctx.mode === 'build' ? 'SPEC_BUILD' : 'SPEC_NOT_ALLOWED', `file "${ctx.filePath(rel)}": ${found.validationMode}-only file is not allowed in ${ctx.mode} packages`, rel);
        continue;
      }
      const statErr = linkError(src, rel);
      const size = isLink(rel) ? (src.links.get(rel)?.content?.length ?? 0) : child.size;
      await validateFile(ctx, src, found, rel, size, statErr);
      if (statErr) {
        ctx.error('SPEC_UNREADABLE', `failed to obtain file size for "${ctx.filePath(rel)}": ${statErr}`, rel);
      } else {
        totals.count++;
        totals.size += size;
      }
    }
  }

  const sizeLimit = spec.limits.totalSizeLimit;
  if (sizeLimit > 0 && totals.size > sizeLimit) {
    ctx.error('SPEC_LIMIT', `folder [${here}] exceeds the total size limit of ${formatSize(sizeLimit)}`, dir || undefined);
  }
  for (const it of spec.contents) {
    if (!it.required || matchingFileExists(it, children)) continue;
    const kind = it.type;
    if (it.name !== undefined) ctx.error('SPEC_MISSING_FILE', `expecting to find [${it.name}] ${kind} in folder [${here}]`, dir || undefined);
    else if (it.pattern !== undefined) ctx.error('SPEC_MISSING_FILE', `expecting to find ${kind} matching pattern [${it.pattern}] in folder [${here}]`, dir || undefined);
  }
  return totals;
}

/** Why opening a `.link` fails (blocked, target missing, checksum), as Go's filesystem reports it. */
function linkError(src: LinkTable, rel: string): string | undefined {
  if (!isLink(rel)) return undefined;
  if (src.blocked) return 'linked files are not supported in this filesystem';
  return src.links.get(rel)?.error;
}

async function validateFile(ctx: Ctx, src: LinkTable, item: ItemSpec, rel: string, size: number, openErr: string | undefined): Promise<void> {
  const err = (code: string, msg: string, line?: number): void => ctx.fileError(code, rel, msg, line);
  if (item.limits.sizeLimit > 0) {
    if (openErr) return err('SPEC_UNREADABLE', openErr);
    if (size > item.limits.sizeLimit) return err('SPEC_LIMIT', `file size (${formatSize(size)}) is bigger than expected (${formatSize(item.limits.sizeLimit)})`);
  }
  const media = item.media;
  if (media) {
    if (openErr) return err('SPEC_UNREADABLE', openErr);
    switch (media.type) {
      case 'application/x-yaml':
        if (media.params['require-document-dashes'] === 'true') {
          const text = (await fileText(ctx, src, rel)) ?? '';
          const first = text.split('\n')[0]!.replace(/\r$/, '');
          if (first !== '---') return err('SPEC_YAML', "document dashes are required (start the document with '---')", 1);
        }
        break;
      case 'application/json': case 'text/markdown': case 'text/plain': case 'text/csv':
        break;
      default:
        return err('SPEC_YAML', `unsupported media type (${media.type})`);
    }
    if (size <= 0) return err('SPEC_YAML', 'file is empty, but media type is defined');
    const confLimit = media.type === 'application/x-yaml' ? item.limits.configurationSizeLimit : 0;
    if (confLimit > 0 && size > confLimit) return err('SPEC_LIMIT', `file size (${formatSize(size)}) is bigger than expected (${formatSize(confLimit)})`);
  }
  if (!item.schemaId) return;
  if (openErr) return err('SPEC_UNREADABLE', `reading item file failed: ${openErr}`);
  const { doc, error: pe } = await parsed(ctx, src, rel, media?.type === 'application/json');
  if (!doc) {
    const what = media?.type === 'application/x-yaml' ? 'unmarshalling YAML file failed' : 'parsing JSON file failed';
    return err('SPEC_YAML', `${what}: ${pe?.message ?? 'unknown error'}`, pe?.line);
  }
  let value = doc.value;
  if (media?.type === 'application/x-yaml' && ctx.version.lt('3.0.0')) value = expandDotted(value);
  const fn = schemaValidator(item.schemaId, ctx.version.v);
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const stat = (p: string): number | undefined => ctx.files.get(p)?.size ?? (ctx.hasDir(p) ? 0 : undefined);
  let errs;
  try {
    errs = validateWithSchema(fn, value, { dir, stat, relativePathSizeLimit: item.limits.relativePathSizeLimit });
  } catch (e) {
    // e.g. a document nested deeper than the stack allows: refuse the file, never crash the validation
    return err('SPEC_SCHEMA', `could not validate the file against its schema: ${(e as Error).message}`);
  }
  for (const e of errs) err('SPEC_SCHEMA', e.message, doc.lineOf(e.path));
}

/** A file's text; a `.link` file's is its target's. */
async function fileText(ctx: Ctx, links: LinkTable, rel: string): Promise<string | undefined> {
  const l = links.links.get(rel);
  if (l?.content) return l.content.toString('utf8');
  return ctx.text(rel);
}

/** Parse a file for its schema (YAML, or JSON for `application/json`); linked files parse their target. */
async function parsed(ctx: Ctx, links: LinkTable, rel: string, json: boolean): Promise<{ doc?: ParsedDoc; error?: { message: string; line?: number } }> {
  const l = links.links.get(rel);
  if (!l?.content) {
    const doc = await ctx.doc(rel);
    return doc ? { doc } : { error: ctx.parseErrors.get(rel) };
  }
  const text = l.content.toString('utf8');
  if (json || rel.endsWith('.json.link')) {
    try {
      return { doc: { value: JSON.parse(text) as unknown, lineOf: () => undefined } };
    } catch (e) {
      return { error: { message: (e as Error).message } };
    }
  }
  const p = parseYaml(text);
  return p.doc ? { doc: p.doc } : { error: p.error };
}
