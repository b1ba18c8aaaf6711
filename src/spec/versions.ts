/**
 * The package-spec format versions we accept: exactly the entries of the spec's changelog (see
 * `engine/versions.ts`, data in `data/changelog.ts`). Kept as the stable import point for the rules and tests.
 */
import semver from 'semver';
import { FORMAT_VERSIONS, PRERELEASE_SPEC_VERSIONS, resolveFormatVersion as resolve, SpecVersion } from './engine/versions.js';

export { SpecVersion, PRERELEASE_SPEC_VERSIONS };

/** Every supported format_version (without prerelease), oldest first. */
export const SUPPORTED_FORMAT_VERSIONS: readonly string[] = FORMAT_VERSIONS;

/** The latest released spec version (the newest entry without a prerelease tag). */
export const LATEST_RELEASED_SPEC: string = [...FORMAT_VERSIONS].filter((v) => !PRERELEASE_SPEC_VERSIONS.has(v)).sort(semver.rcompare)[0]!;

/** Returns the matching supported version (normalized `X.Y.Z`) or undefined. */
export function resolveFormatVersion(v: unknown): string | undefined {
  return resolve(v)?.version;
}
