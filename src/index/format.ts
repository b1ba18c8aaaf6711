/**
 * Package Storage v2 bucket layout and index formats (docs/bucket-format.md §1–3). Pure: no I/O.
 *
 *   artifacts/packages/{name}-{version}.zip        write-once, the zip exactly as signed
 *   artifacts/packages/{name}-{version}.zip.sig    ASCII-armored detached signature
 *   artifacts/static/{name}-{version}/{path}       files served by /package/{n}/{v}/{path}
 *   v2/packages/{name}-{version}.json              the package document; written LAST (= published)
 *   v2/metadata/{cursor}/search-index-all.json     {"packages":[{"package_manifest": doc}, ...]}
 *   v2/metadata/{cursor}/search-index-delta.json   {"added":[...],"updated":[...],"removed":[{name,version}]}
 *   v2/metadata/{cursor}/package-storage-state.json our indexer's bookkeeping (etags of the documents indexed)
 *   v2/metadata/cursor.json                        {"current": "<cursor>"}; moved only by compare-and-swap
 *   v2/journal/{name}-{version}/{ms}-{hex}.json    our publish journal: "this document changed" (journal.ts)
 */

/** A package document: the full `/package/{n}/{v}/` JSON (docs/http-api.md §5.4). Kept loosely typed here. */
export type PackageDocument = Record<string, unknown> & { name: string; version: string };

export interface IndexEntry {
  package_manifest: PackageDocument;
}

export interface SearchIndexAll {
  packages: IndexEntry[];
}

export interface SearchIndexDelta {
  added: IndexEntry[];
  updated: IndexEntry[];
  removed: { name: string; version: string }[];
}

export interface CursorFile {
  current: string;
}

export const KEYS = {
  zip: (name: string, version: string) => `artifacts/packages/${name}-${version}.zip`,
  sig: (name: string, version: string) => `artifacts/packages/${name}-${version}.zip.sig`,
  staticPrefix: (name: string, version: string) => `artifacts/static/${name}-${version}/`,
  staticFile: (name: string, version: string, rel: string) => `artifacts/static/${name}-${version}/${rel}`,
  documentPrefix: 'v2/packages/',
  document: (name: string, version: string) => `v2/packages/${name}-${version}.json`,
  metadataPrefix: 'v2/metadata/',
  cursor: 'v2/metadata/cursor.json',
  indexAll: (cursor: string) => `v2/metadata/${cursor}/search-index-all.json`,
  indexDelta: (cursor: string) => `v2/metadata/${cursor}/search-index-delta.json`,
  /** Our indexer's bookkeeping beside the index (document etags); never read by Elastic's registry. */
  indexState: (cursor: string) => `v2/metadata/${cursor}/package-storage-state.json`,
  /** Our publish journal (journal.ts): `v2/journal/{name}-{version}/{ms}-{hex}.json`, outside v2/metadata/. */
  journalPrefix: 'v2/journal/',
} as const;

/** Width of our cursors. Readers compare cursors as strings, so they must be fixed width. */
export const CURSOR_WIDTH = 20;

/** Format a revision number as a cursor: zero-padded decimal of CURSOR_WIDTH digits. */
export function formatCursor(n: bigint | number): string {
  const s = BigInt(n).toString(10);
  if (s.startsWith('-') || s.length > CURSOR_WIDTH) throw new RangeError(`cursor out of range: ${s}`);
  return s.padStart(CURSOR_WIDTH, '0');
}

/**
 * The cursor that follows `current`, greater both as a number and as a string (readers compare cursors as
 * strings). Our own cursors are CURSOR_WIDTH digits and are incremented. A shorter foreign cursor (Elastic's
 * jobs use epoch seconds, tests use "1") is extended with zeros to CURSOR_WIDTH digits: "1749628461" is
 * followed by "17496284610000000000", which sorts after it, and from then on all cursors have our width.
 */
export function nextCursor(current: string | undefined): string {
  if (current === undefined || current === '') return formatCursor(1);
  if (!/^\d+$/.test(current)) throw new RangeError(`cannot derive the next cursor from non-numeric '${current}'`);
  if (current.length < CURSOR_WIDTH) return current + '0'.repeat(CURSOR_WIDTH - current.length);
  const s = (BigInt(current) + 1n).toString(10).padStart(current.length, '0');
  if (s.length > current.length) throw new RangeError(`cursor space exhausted after '${current}'`);
  return s;
}

/** Parse a package document key (`v2/packages/{name}-{version}.json`) into name and version. */
export function parseDocumentKey(key: string): { name: string; version: string } | undefined {
  if (!key.startsWith(KEYS.documentPrefix) || !key.endsWith('.json')) return undefined;
  return splitNameVersion(key.slice(KEYS.documentPrefix.length, -'.json'.length));
}

/**
 * Split `{name}-{version}`: names match `^[a-z0-9_]+$` (no dash), so the first dash separates them.
 */
export function splitNameVersion(s: string): { name: string; version: string } | undefined {
  const m = /^([a-z0-9_]+)-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(s);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

export function entryKey(e: { name: string; version: string }): string {
  return `${e.name}-${e.version}`;
}
