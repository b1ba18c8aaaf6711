/**
 * The package-spec `format_version`s we accept: the versions of Elastic's `spec/changelog.yml` (1.0.0 … 3.7.0),
 * prerelease suffixes dropped. A package's format_version must equal one of them exactly (`3.6.7` is rejected),
 * as Go's `CheckVersion` does. Reconstructed by hand (we do not have the spec repository): see package-spec.md §0.
 */
import semver from 'semver';

const V1 = ['1.0.0', '1.1.0', '1.2.0', '1.2.1', '1.3.0', '1.3.1', '1.4.0', '1.4.1', '1.5.0', '1.6.0', '1.7.0', '1.8.0', '1.9.0', '1.10.0', '1.11.0', '1.12.0', '1.13.0', '1.14.0', '1.15.0', '1.16.0', '1.17.0', '1.18.0'];
const V2 = ['2.0.0', '2.1.0', '2.2.0', '2.3.0', '2.3.1', '2.4.0', '2.5.0', '2.5.1', '2.6.0', '2.7.0', '2.8.0', '2.9.0', '2.10.0', '2.11.0', '2.12.0', '2.13.0'];
const V3 = [
  '3.0.0', '3.0.1', '3.0.2', '3.0.3', '3.0.4',
  '3.1.0', '3.1.1', '3.1.2', '3.1.3', '3.1.4', '3.1.5',
  '3.2.0', '3.2.1', '3.2.2', '3.2.3',
  '3.3.0', '3.3.1', '3.3.2', '3.3.3', '3.3.4', '3.3.5',
  '3.4.0', '3.4.1', '3.4.2', '3.4.3',
  '3.5.0', '3.5.1', '3.5.2', '3.5.3', '3.5.4', '3.5.5', '3.5.6', '3.5.7',
  '3.6.0', '3.6.1', '3.6.2', '3.6.3', '3.6.4', '3.6.5', '3.6.6',
  '3.7.0',
];
/** Every supported format_version (without prerelease), oldest first. */
export const SUPPORTED_FORMAT_VERSIONS: readonly string[] = [...V1, ...V2, ...V3];
/** Spec versions that are still prereleases in Elastic's changelog (`3.7.0-next`): PSR00001 for GA packages. */
export const PRERELEASE_SPEC_VERSIONS: ReadonlySet<string> = new Set(['3.7.0']);
/** The latest released spec version. */
export const LATEST_RELEASED_SPEC = '3.6.6';

/** Returns the matching supported version (normalized `X.Y.Z`) or undefined. */
export function resolveFormatVersion(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  let s = String(v).trim();
  if (/^\d+\.\d+$/.test(s)) s += '.0';
  const p = semver.parse(s);
  if (!p) return undefined;
  const plain = `${p.major}.${p.minor}.${p.patch}`;
  return SUPPORTED_FORMAT_VERSIONS.includes(plain) ? plain : undefined;
}

/** A parsed spec version with comparison helpers used by the version gates. */
export class SpecVersion {
  readonly v: string;
  constructor(v: string) {
    this.v = v;
  }
  /** format_version >= x */
  gte(x: string): boolean {
    return semver.gte(this.v, x);
  }
  /** format_version < x (Elastic's `before: x` patch applies). */
  lt(x: string): boolean {
    return semver.lt(this.v, x);
  }
}
