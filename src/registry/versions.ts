/**
 * Versions and version constraints with the semantics of Masterminds/semver v3, which Elastic's registry
 * uses (docs/http-api.md §4.4). Not npm `semver`: the grammar and the prerelease rules differ.
 *
 * - `parseLenient` = Masterminds `NewVersion`: `v` prefix allowed, missing minor/patch are 0 (`8` = 8.0.0).
 * - `parseStrict` = `StrictNewVersion`: exactly `X.Y.Z[-pre][+build]`, no leading zeros.
 * - `parseConstraint` = `NewConstraint`: `||` = OR; space or comma = AND; operators
 *   `= != > < >= => <= =< ~ ~> ^`; wildcards `x X *`; hyphen ranges `1.2 - 1.4`; empty = any.
 * - A prerelease version satisfies a group (the AND-ed comparators between two `||`) only if a comparator of
 *   that group has a prerelease itself.
 *
 * Pure; no I/O.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Prerelease identifiers (`rc1`, `1`), empty for a release. */
  readonly pre: readonly (string | number)[];
  /** The original string. */
  readonly raw: string;
}

export class VersionError extends Error {}

// Masterminds v3 error texts (they show up in 400 responses: `invalid Kibana version 'x': <text>`).
const ERR_INVALID = 'invalid semantic version';
const ERR_PRERELEASE = 'invalid prerelease string';
const ERR_METADATA = 'invalid metadata string';
const ERR_ZERO = 'version segment starts with 0';

const LENIENT_RE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const STRICT_RE = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parsePre(s: string | undefined): (string | number)[] {
  if (!s) return [];
  return s.split('.').map((id) => {
    if (/^[0-9]+$/.test(id)) {
      if (id.length > 1 && id.startsWith('0')) throw new VersionError(ERR_ZERO);
      return Number(id);
    }
    if (!/^[0-9A-Za-z-]+$/.test(id)) throw new VersionError(ERR_PRERELEASE);
    return id;
  });
}

function toNum(s: string | undefined): number {
  if (s === undefined || s === '') return 0;
  const n = Number(s.startsWith('.') ? s.slice(1) : s);
  if (!Number.isSafeInteger(n)) throw new VersionError(ERR_INVALID);
  return n;
}

/** Masterminds `NewVersion`: lenient. Throws VersionError with Masterminds' message. */
export function parseLenient(raw: string): Version {
  const m = LENIENT_RE.exec(raw);
  if (!m) throw new VersionError(ERR_INVALID);
  if (m[8] !== undefined && !/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(m[8])) throw new VersionError(ERR_METADATA);
  return { major: toNum(m[1]), minor: toNum(m[2]), patch: toNum(m[3]), pre: parsePre(m[5]), raw };
}

/** Masterminds `StrictNewVersion`: `X.Y.Z[-pre][+build]`; undefined if it does not parse. */
export function parseStrict(raw: string): Version | undefined {
  const m = STRICT_RE.exec(raw);
  if (!m) return undefined;
  try {
    return { major: toNum(m[1]), minor: toNum(m[2]), patch: toNum(m[3]), pre: parsePre(m[4]), raw };
  } catch {
    return undefined;
  }
}

export function isPrerelease(v: Version): boolean {
  return v.pre.length > 0;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence (build metadata ignored): -1, 0, 1. */
export function compareVersions(a: Version, b: Version): number {
  const c = cmpNum(a.major, b.major) || cmpNum(a.minor, b.minor) || cmpNum(a.patch, b.patch);
  if (c !== 0) return c;
  const ap = a.pre;
  const bp = b.pre;
  if (ap.length === 0 && bp.length === 0) return 0;
  if (ap.length === 0) return 1;
  if (bp.length === 0) return -1;
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    if (i >= ap.length) return -1;
    if (i >= bp.length) return 1;
    const x = ap[i]!;
    const y = bp[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return cmpNum(x, y);
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

// ---- constraints ----

type Op = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

interface Comparator {
  op: Op;
  con: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

export interface Constraint {
  /** The original text. */
  readonly raw: string;
  /** OR of AND groups. */
  readonly groups: readonly (readonly Comparator[])[];
}

const OPS = '=|!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const OPS_RE = `(?:!=|>=|=>|<=|=<|~>|=|>|<|~|\\^)?`;
const CV = `v?([0-9xX*]+)(\\.[0-9xX*]+)?(\\.[0-9xX*]+)?(-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?`;
const CV_PLAIN = CV.replace(/\((?!\?)/g, '(?:');
const ONE_RE = new RegExp(`^\\s*(${OPS_RE})\\s*(${CV})\\s*$`);
const FIND_RE = new RegExp(`(${OPS_RE})\\s*(${CV_PLAIN})`, 'g');
const VALID_GROUP_RE = new RegExp(`^(?:\\s*${OPS_RE}\\s*${CV_PLAIN}\\s*,?)*$`);
const RANGE_RE = new RegExp(`\\s*(${CV_PLAIN})\\s+-\\s+(${CV_PLAIN})\\s*`, 'g');
void OPS;

function isX(s: string | undefined): boolean {
  return s === 'x' || s === 'X' || s === '*';
}

function parseComparator(text: string): Comparator {
  const m = ONE_RE.exec(text);
  if (!m) throw new VersionError(`improper constraint: ${text}`);
  const op = m[1] as Op;
  // m[2] whole version, m[3] major, m[4] .minor, m[5] .patch, m[6] -pre (with dash), m[7] pre
  const major = m[3]!;
  const minor = m[4] ?? '';
  const patch = m[5] ?? '';
  const preSuffix = m[6] ?? '';
  let ver: string;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    ver = `0.0.0${preSuffix}`;
    dirty = true;
  } else if (minor === '' || isX(minor.slice(1))) {
    ver = `${major}.0.0${preSuffix}`;
    dirty = true;
    minorDirty = true;
  } else if (patch === '' || isX(patch.slice(1))) {
    ver = `${major}${minor}.0${preSuffix}`;
    dirty = true;
    patchDirty = true;
  } else {
    ver = `${major}${minor}${patch}${preSuffix}`;
  }
  let con: Version;
  try {
    con = parseLenient(ver);
  } catch (e) {
    throw new VersionError(`${(e as Error).message}: ${text}`);
  }
  return { op, con, dirty, minorDirty, patchDirty };
}

const constraintCache = new Map<string, Constraint | VersionError>();

/** Masterminds `NewConstraint`. Throws VersionError (`improper constraint: ...`). Memoized (constraints repeat). */
export function parseConstraint(raw: string): Constraint {
  let c = constraintCache.get(raw);
  if (c === undefined) {
    try {
      c = parseConstraintUncached(raw);
    } catch (e) {
      if (!(e instanceof VersionError)) throw e;
      c = e;
    }
    if (constraintCache.size >= 10_000) constraintCache.clear();
    constraintCache.set(raw, c);
  }
  if (c instanceof VersionError) throw c;
  return c;
}

function parseConstraintUncached(raw: string): Constraint {
  const rewritten = raw.replace(RANGE_RE, (_all, a: string, b: string) => ` >= ${a}, <= ${b} `);
  const groups: Comparator[][] = [];
  for (const part of rewritten.split('||')) {
    if (!VALID_GROUP_RE.test(part)) throw new VersionError(`improper constraint: ${part}`);
    const found = part.match(FIND_RE);
    if (!found) {
      if (part.trim() !== '') throw new VersionError(`improper constraint: ${part}`);
      groups.push([{ op: '', con: { major: 0, minor: 0, patch: 0, pre: [], raw: '0.0.0' }, dirty: true, minorDirty: false, patchDirty: false }]);
      continue;
    }
    groups.push(found.map(parseComparator));
  }
  return { raw, groups };
}

function lt(v: Version, c: Version): boolean {
  return compareVersions(v, c) < 0;
}

function tilde(v: Version, c: Comparator): boolean {
  if (lt(v, c.con)) return false;
  const k = c.con;
  if (k.major === 0 && k.minor === 0 && k.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== k.major) return false;
  if (v.minor !== k.minor && !c.minorDirty) return false;
  return true;
}

function check(v: Version, c: Comparator): boolean {
  const k = c.con;
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, k) === 0;
    case '!=':
      if (!c.dirty) return compareVersions(v, k) !== 0;
      if (k.major !== v.major) return true;
      if (c.minorDirty) return false;
      if (k.minor !== v.minor) return true;
      return false;
    case '>':
      if (!c.dirty) return compareVersions(v, k) > 0;
      if (v.major > k.major) return true;
      if (v.major < k.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > k.minor;
      return compareVersions(v, k) > 0;
    case '<':
      return compareVersions(v, k) < 0;
    case '>=':
    case '=>':
      return compareVersions(v, k) >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return compareVersions(v, k) <= 0;
      if (v.major > k.major) return false;
      if (v.major < k.major) return true;
      if (c.minorDirty) return true;
      if (c.patchDirty) return v.minor <= k.minor;
      return compareVersions(v, k) <= 0;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      if (lt(v, k)) return false;
      if (k.major > 0 || c.minorDirty) return v.major === k.major;
      if (v.major > 0) return false;
      if (k.minor > 0 || c.patchDirty) return v.minor === k.minor;
      if (v.minor > 0) return false;
      return v.patch === k.patch;
  }
}

/** Masterminds `Constraints.Check`. */
export function satisfies(v: Version, c: Constraint): boolean {
  const pre = v.pre.length > 0;
  for (const group of c.groups) {
    if (pre && !group.some((k) => k.con.pre.length > 0)) continue;
    if (group.every((k) => check(v, k))) return true;
  }
  return false;
}
