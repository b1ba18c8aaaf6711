/**
 * Format versions: exactly the entries of package-spec's changelog (`data/changelog.ts`). A package's
 * `format_version` is parsed loosely (as Masterminds semver does: `v` prefix, missing minor/patch) and must equal
 * an entry with its prerelease dropped; the matched entry (possibly `3.7.0-next`) is the spec version.
 */
import semver from 'semver';
import { CHANGELOG_VERSIONS } from '../data/changelog.js';

const LOOSE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Parse like Masterminds `semver.NewVersion` (1.1 → 1.1.0); returns `X.Y.Z[-pre]` or undefined. */
export function parseLooseVersion(v: string): string | undefined {
  const m = LOOSE.exec(v.trim());
  if (!m) return undefined;
  const core = `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}`;
  return m[4] ? `${core}-${m[4]}` : core;
}

interface Entry {
  /** The entry as written (`3.7.0-next`, `1.1`), normalized to `X.Y.Z[-pre]`. */
  spec: string;
  /** Without prerelease: what a package declares. */
  plain: string;
}

const ENTRIES: Entry[] = CHANGELOG_VERSIONS.map((v) => {
  const spec = parseLooseVersion(v);
  if (!spec) throw new Error(`spec data: bad changelog version ${v}`);
  return { spec, plain: spec.replace(/-.*$/, '') };
});

/** Every format version a package may declare, oldest first, without duplicates (`2.0.0-rc1` folds into 2.0.0). */
export const FORMAT_VERSIONS: readonly string[] = [...new Set(ENTRIES.map((e) => e.plain))].sort(semver.compare);

export interface ResolvedVersion {
  /** The requested version, `X.Y.Z` (what patches are applied for). */
  version: string;
  /** The changelog entry it matched (`3.7.0-next` for 3.7.0). */
  specVersion: string;
}

/** Match a declared format_version against the changelog (first entry wins, as Go's `CheckVersion`). */
export function resolveFormatVersion(v: unknown): ResolvedVersion | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const p = parseLooseVersion(String(v));
  if (!p) return undefined;
  const e = ENTRIES.find((x) => x.plain === p);
  return e ? { version: p, specVersion: e.spec } : undefined;
}

/** A format version with the comparisons the version gates use. */
export class SpecVersion {
  readonly v: string;
  constructor(v: string) {
    this.v = v;
  }
  /** format_version >= x */
  gte(x: string): boolean {
    return semver.gte(this.v, x);
  }
  /** format_version < x (a `before: x` patch applies). */
  lt(x: string): boolean {
    return semver.lt(this.v, x);
  }
}
