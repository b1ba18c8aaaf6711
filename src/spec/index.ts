/**
 * Validation of a package against Elastic's package-spec (every format_version of its changelog), reporting
 * errors in package-spec's own wording with stable codes (see `codes.ts`).
 *
 * The spec engine (`engine/`) resolves the spec's data (`data/`, one module per spec file) at the package's
 * format version: folder specs for the tree walk, JSON schemas compiled with ajv for the files. Then the
 * semantic rules run (`semantic.ts` / `rules/`), then `validation.yml` exclusions apply.
 *
 * Two different "legacy" notions — do not mix them up:
 *  - `ValidateOptions.mode: 'legacy-publish'` (the default) is Elastic's *legacy validator mode*: their full
 *    validation as used by the publishing tools (`ValidateFromZip`). `'source'` and `'build'` are their other modes.
 *  - `ValidateOptions.legacy: true` is OUR re-publish mode for old v1 packages: only what deriving a correct
 *    package document needs (manifest parses with name/version/title/type/format_version, data stream
 *    manifests parse, docs/README.md exists, referenced images exist). See `legacy.ts`.
 */
import type { PackageSource } from '../package/source.js';
import { Ctx, type Mode } from './context.js';
import { parseLooseVersion, resolveFormatVersion, SpecVersion } from './engine/versions.js';
import { rootSpec } from './engine/folders.js';
import { resolveLinks } from './engine/links.js';
import { walkTree } from './engine/walk.js';
import { processIssues } from './engine/errors.js';
import { runSemanticRules, applyValidationYmlExclusions, prereleaseSpecIssue } from './rules/index.js';
import { validateLegacyPublish } from './legacy.js';
import { PsError } from '../errors.js';

export type { ValidationIssue } from './context.js';
export { ELASTIC_CODES, SPEC_CODES } from './codes.js';
export { SUPPORTED_FORMAT_VERSIONS } from './versions.js';

export type { ValidationResult } from './types.js';
import type { ValidationResult } from './types.js';

export interface ValidateOptions {
  /** OUR legacy re-publish mode (minimal checks for old v1 packages); not Elastic's legacy validator mode. */
  legacy?: boolean;
  /** Promote the pre-3.0 warnings (SVR00004, SVR00005, PSR00002) to errors (PACKAGE_SPEC_WARNINGS_AS_ERRORS). */
  warningsAsErrors?: boolean;
  /** Elastic's validator mode; default 'legacy-publish' (their "legacy" mode: full validation). */
  mode?: Mode;
  /** Drop errors whose code is listed in the package's `validation.yml` `errors.exclude_checks` (default true). */
  applyValidationYml?: boolean;
}

function finish(ctx: Ctx): ValidationResult {
  return { valid: ctx.errors.length === 0, errors: ctx.errors, warnings: ctx.warnings };
}

/**
 * The text of a top-level scalar as Go reads it into a string (`format_version: 1.10` is "1.10", not 1.1):
 * the plain or quoted value of its line, else the parsed value.
 */
function scalarText(text: string, key: string, parsed: unknown): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]*(?:"([^"\\n]*)"|'([^'\\n]*)'|([^\\s#'"][^#\\n]*?))[ \\t]*(?:#.*)?$`, 'm').exec(text);
  if (m) return (m[1] ?? m[2] ?? m[3])!.trim();
  return parsed === undefined || parsed === null ? undefined : String(parsed);
}

export async function validatePackage(src: PackageSource, opts: ValidateOptions = {}): Promise<ValidationResult> {
  if (opts.legacy) return validateLegacyPublish(src);
  const ctx = new Ctx(src);
  ctx.mode = opts.mode ?? 'legacy-publish';
  ctx.warningsAsErrors = opts.warningsAsErrors ?? false;

  if (ctx.mode === 'source' && (src.kind === 'zip' || /\.zip$/i.test(src.origin))) {
    ctx.error('SPEC_UNREADABLE', 'zip files are only supported in LegacyMode or BuildMode');
    return finish(ctx);
  }
  // 1. root manifest essentials (Go's NewPackage)
  if (!ctx.hasFile('manifest.yml')) {
    ctx.error('SPEC_MANIFEST', `no package manifest file found at ${ctx.filePath('manifest.yml')}`, 'manifest.yml');
    return finish(ctx);
  }
  const mdoc = await ctx.doc('manifest.yml');
  if (!mdoc || !mdoc.value || typeof mdoc.value !== 'object' || Array.isArray(mdoc.value)) {
    const pe = ctx.parseErrors.get('manifest.yml');
    ctx.fileError('SPEC_MANIFEST', 'manifest.yml', `could not read package manifest: ${pe?.message ?? 'not a YAML mapping'}`, pe?.line);
    return finish(ctx);
  }
  const m = mdoc.value as Record<string, unknown>;
  ctx.manifest = m;
  const text = (await ctx.text('manifest.yml')) ?? '';
  if (m.type === undefined || m.type === null || m.type === '') {
    ctx.error('SPEC_MANIFEST', 'package type undefined in the package manifest file', 'manifest.yml');
    return finish(ctx);
  }
  if (m.version === undefined || m.version === null || m.version === '') {
    ctx.error('SPEC_MANIFEST', 'package version undefined in the package manifest file', 'manifest.yml');
    return finish(ctx);
  }
  // Go (packages.NewPackage, validator.NewSpec): both versions parse loosely (Masterminds semver), then the
  // format version must be a changelog entry; messages print the normalized version
  const vText = scalarText(text, 'version', m.version) ?? String(m.version);
  if (!parseLooseVersion(vText)) {
    ctx.error('SPEC_MANIFEST', 'could not read package version from package manifest file [manifest.yml]: invalid semantic version', 'manifest.yml', mdoc.lineOf(['version']));
    return finish(ctx);
  }
  const fvText = m.format_version === undefined || m.format_version === null ? '' : (scalarText(text, 'format_version', m.format_version) ?? String(m.format_version));
  const fvParsed = parseLooseVersion(fvText);
  if (!fvParsed) {
    ctx.error('SPEC_MANIFEST', `could not read specification version from package manifest file [${fvText}]: invalid semantic version`, 'manifest.yml', mdoc.lineOf(['format_version']));
    return finish(ctx);
  }
  const fv = resolveFormatVersion(fvText);
  if (!fv) {
    ctx.error('SPEC_VERSION', `could not load specification for version [${fvParsed}]: spec version "${fvParsed}" not found`, 'manifest.yml', mdoc.lineOf(['format_version']));
    return finish(ctx);
  }
  ctx.version = new SpecVersion(fv.version);
  ctx.type = String(m.type);
  const spec = rootSpec(ctx.type, fv.version);
  if (!spec) {
    ctx.error('SPEC_TYPE', `could not read root folder spec file: package type "${ctx.type}" not supported (open ${ctx.type}/spec.yml: file does not exist)`, 'manifest.yml', mdoc.lineOf(['type']));
    return finish(ctx);
  }
  prereleaseSpecIssue(ctx, fv.specVersion);

  // 2. tree walk (structure, media types, limits, file schemas); links followed for folders in legacy/source
  const links = await resolveLinks(src, ctx.mode !== 'build', spec.limits.sizeLimit);
  const before = ctx.errors.length;
  await walkTree(ctx, links, spec);
  processIssues(ctx.errors, before);

  // 3. semantic rules (JSE00001 is reported by the pipeline schema, so its emulation is skipped)
  await runSemanticRules(ctx, { skip: ['jse00001-rename-message'] });

  // 4. validation.yml exclusions
  if (opts.applyValidationYml ?? true) await applyValidationYmlExclusions(ctx);

  // 5. Go (pkg/validator): outside legacy mode, a notice that is an (uncoded) error with warnings-as-errors
  if (ctx.mode !== 'legacy-publish') {
    const notice = { code: 'SPEC_MODE', message: `validation mode '${ctx.mode}' is in technical preview` };
    if (ctx.warningsAsErrors) ctx.errors.push(notice);
    else ctx.warnings.push({ ...notice, message: `Warning: ${notice.message}` });
  }
  return finish(ctx);
}

/**
 * Validate and throw `PsError('SPEC_INVALID')` (or `SPEC_VERSION_UNSUPPORTED` when format_version is unknown)
 * if the package is invalid; the issues are in `error.data.errors`. Returns the result (with warnings) otherwise.
 */
export async function assertValidPackage(src: PackageSource, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const r = await validatePackage(src, opts);
  if (r.valid) return r;
  const first = r.errors[0]!;
  const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : '';
  const code = r.errors.some((e) => e.code === 'SPEC_VERSION') ? 'SPEC_VERSION_UNSUPPORTED' : 'SPEC_INVALID';
  throw new PsError(code, `${first.code}: ${first.message}${more}`, { data: { errors: r.errors } });
}
