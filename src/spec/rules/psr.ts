/**
 * PSR00001 and PSR00002: the two coded package-spec rules that are not semantic rules (spec.go and
 * folder_spec.go), as helpers for the orchestration and the tree walk.
 */
import type { Ctx } from '../context.js';

/** format_version from which a GA package using a prerelease spec is an error (Go `GASpecCheckVersion`). */
const GA_SPEC_CHECK_VERSION = '3.0.1';

/**
 * PSR00001: a GA package must not use a spec version that is still a prerelease (`3.7.0-next`). Pass the spec
 * version as the changelog spells it. Below 3.0.1 Go only logs a warning. Returns true if an error was added.
 */
export function prereleaseSpecIssue(ctx: Ctx, specVersion: string): boolean {
  if (!specVersion.includes('-')) return false;
  if (ctx.version.lt(GA_SPEC_CHECK_VERSION)) {
    ctx.warnings.push({ code: 'PSR00001', file: 'manifest.yml', message: `Warning: package using an unreleased version of the spec (${specVersion})` });
    return false;
  }
  if (!ctx.isGA) return false;
  ctx.error('PSR00001', `file "${ctx.filePath('manifest.yml')}": package with GA version (${String(ctx.manifest.version)}) is using an unreleased version of the spec (${specVersion}) (PSR00001)`, 'manifest.yml');
  return true;
}

/**
 * A folder whose spec is `release: beta` is used (folder ''= the package root): an uncoded error for a GA
 * package; PSR00002 for a non-GA package when the spec is 3.x or warnings are errors; otherwise a warning.
 */
export function betaFeatureIssue(ctx: Ctx, folderRel: string): void {
  const where = ctx.filePath(folderRel);
  if (ctx.isGA) {
    ctx.error('SPEC_NOT_ALLOWED', `spec for [${where}] defines beta features which can't be enabled for packages with a stable semantic version`, folderRel || undefined);
    return;
  }
  const msg = `package with non-stable semantic version and active beta features (enabled in [${where}]) can't be released as stable version.`;
  if (ctx.warningsAsErrors || ctx.version.gte('3.0.0')) ctx.error('PSR00002', `${msg} (PSR00002)`, folderRel || undefined);
  else ctx.warnings.push({ code: 'PSR00002', file: folderRel || undefined, message: `Warning: ${msg}` });
}
