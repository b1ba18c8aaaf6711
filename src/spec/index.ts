/**
 * Validation of a package against Elastic's package-spec (format_version 1.0.0 … 3.7.0), reporting errors in
 * package-spec's own wording with stable codes (see `codes.ts`).
 *
 * Two different "legacy" notions — do not mix them up:
 *  - `ValidateOptions.mode: 'legacy-publish'` (the default) is Elastic's *legacy validator mode*: their full
 *    validation as used by the publishing tools (`ValidateFromZip`). `'source'` and `'build'` are their other modes.
 *  - `ValidateOptions.legacy: true` is OUR re-publish mode for old v1 packages: only what deriving a correct
 *    package document needs (manifest parses with name/version/title/type/format_version, data stream
 *    manifests parse, docs/README.md exists, referenced images exist). See `legacy.ts`.
 */
import type { PackageSource } from '../package/source.js';
import { Ctx, type ValidationIssue, type Mode } from './context.js';
import { resolveFormatVersion, SpecVersion, PRERELEASE_SPEC_VERSIONS } from './versions.js';
import { rootSpec, walkStructure } from './structure.js';
import { runSemanticRules } from './semantic.js';
import { validateLegacyPublish } from './legacy.js';
import semver from 'semver';
import { PsError } from '../errors.js';

export type { ValidationIssue } from './context.js';
export { ELASTIC_CODES, SPEC_CODES } from './codes.js';
export { SUPPORTED_FORMAT_VERSIONS } from './versions.js';

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface ValidateOptions {
  /** OUR legacy re-publish mode (minimal checks for old v1 packages); not Elastic's legacy validator mode. */
  legacy?: boolean;
  /** Promote the pre-3.0 warnings (SVR00004, SVR00005) to errors (PACKAGE_SPEC_WARNINGS_AS_ERRORS). */
  warningsAsErrors?: boolean;
  /** Elastic's validator mode; default 'legacy-publish' (their "legacy" mode: full validation). */
  mode?: Mode;
  /** Drop errors whose code is listed in the package's `validation.yml` `errors.exclude_checks` (default true). */
  applyValidationYml?: boolean;
}

function finish(ctx: Ctx): ValidationResult {
  return { valid: ctx.errors.length === 0, errors: ctx.errors, warnings: ctx.warnings };
}

export async function validatePackage(src: PackageSource, opts: ValidateOptions = {}): Promise<ValidationResult> {
  if (opts.legacy) return validateLegacyPublish(src);
  const ctx = new Ctx(src);
  ctx.mode = opts.mode ?? 'legacy-publish';
  ctx.warningsAsErrors = opts.warningsAsErrors ?? false;
  if (ctx.mode !== 'legacy-publish') ctx.warnings.push({ code: 'SPEC_MODE', message: `${ctx.mode} validation mode is a technical preview` });

  if (ctx.mode === 'source' && /\.zip$/i.test(src.origin)) {
    ctx.error('SPEC_UNREADABLE', 'zip files are only supported in LegacyMode or BuildMode');
    return finish(ctx);
  }
  // 1. root manifest essentials
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
  if (m.format_version === undefined || m.format_version === null) {
    ctx.error('SPEC_MANIFEST', `could not read specification version from package manifest file (${ctx.filePath('manifest.yml')})`, 'manifest.yml');
    return finish(ctx);
  }
  if (m.type === undefined || m.type === null) {
    ctx.error('SPEC_MANIFEST', 'package type undefined in the package manifest file', 'manifest.yml');
    return finish(ctx);
  }
  if (m.version === undefined || m.version === null) {
    ctx.error('SPEC_MANIFEST', 'package version undefined in the package manifest file', 'manifest.yml');
    return finish(ctx);
  }
  const fv = resolveFormatVersion(m.format_version);
  if (!fv) {
    const s = String(m.format_version);
    ctx.error('SPEC_VERSION', `could not load specification for version [${s}]: spec version "${s}" not found`, 'manifest.yml', mdoc.lineOf(['format_version']));
    return finish(ctx);
  }
  ctx.version = new SpecVersion(fv);
  ctx.type = String(m.type);
  const spec = rootSpec(ctx.type, ctx.version);
  if (!spec) {
    ctx.error('SPEC_TYPE', `package type "${ctx.type}" not supported`, 'manifest.yml', mdoc.lineOf(['type']));
    return finish(ctx);
  }
  const pkgVersion = semver.parse(String(m.version));
  const isGA = !!pkgVersion && pkgVersion.major >= 1 && pkgVersion.prerelease.length === 0;
  if (ctx.version.gte('3.0.1') && isGA && PRERELEASE_SPEC_VERSIONS.has(fv)) {
    ctx.error('PSR00001', `file "${ctx.filePath('manifest.yml')}" is invalid: spec version ${fv}-next is a prerelease and cannot be used in GA packages (PSR00001)`, 'manifest.yml', mdoc.lineOf(['format_version']));
  }
  if (ctx.type === 'content' && ctx.version.lt('3.3.0')) {
    ctx.error('SPEC_TYPE', `package type "content" is not supported by format_version ${fv} (needs 3.3.0 or later)`, 'manifest.yml');
    return finish(ctx);
  }
  if (ctx.type === 'content' && ctx.version.lt('3.3.1')) {
    // the content type is `release: beta` before 3.3.1
    if (isGA) ctx.error('SPEC_TYPE', `spec for [${ctx.root}] defines beta features which can't be enabled for packages with a stable semantic version`, 'manifest.yml');
    else ctx.error('PSR00002', `Warning: package with non-stable semantic version and active beta features (enabled in [${ctx.root}]) can't be released as stable version. (PSR00002)`, 'manifest.yml');
  }

  // 2. tree walk (structure, media types, content schemas)
  await walkStructure(ctx, spec);

  // 3. semantic rules
  await runSemanticRules(ctx);

  // 4. validation.yml exclusions
  if (opts.applyValidationYml ?? true) {
    const vy = (await ctx.value('validation.yml')) as { errors?: { exclude_checks?: unknown } } | undefined;
    const ex = vy?.errors?.exclude_checks;
    if (Array.isArray(ex)) {
      const set = new Set(ex.map(String));
      const keep = ctx.errors.filter((e) => !set.has(e.code));
      ctx.errors.length = 0;
      ctx.errors.push(...keep);
    }
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
