/**
 * The package-spec format versions we accept: exactly the entries of the spec's changelog (see
 * `engine/versions.ts`, data in `data/changelog.ts`). Kept as the stable import point for the rules and tests.
 */
import { FORMAT_VERSIONS, resolveFormatVersion as resolve, SpecVersion } from './engine/versions.js';

export { SpecVersion,  };

/** Every supported format_version (without prerelease), oldest first. */
export const SUPPORTED_FORMAT_VERSIONS: readonly string[] = FORMAT_VERSIONS;

/** Returns the matching supported version (normalized `X.Y.Z`) or undefined. */
export function resolveFormatVersion(v: unknown): string | undefined {
  return resolve(v)?.version;
}
