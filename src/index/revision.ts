/**
 * Index revision logic, pure (no I/O): which package documents must be read, and how a new revision
 * (full index + delta) is assembled from the previous one and the listing of `v2/packages/`.
 *
 * Bookkeeping: beside each of our `search-index-all.json` files, in the same revision folder, the indexer
 * writes `package-storage-state.json` = `{version: 2, keys: ["name-version", ...], documents: {"name-version":
 * "<etag of v2/packages/name-version.json>"}}`. `search-index-all.json` itself stays exactly Elastic's
 * `{"packages":[...]}` (a stock registry reads only that file and the delta of a folder); the state lets the
 * indexer read only the documents that are new or changed (cost grows with the change, not the catalog). A
 * folder without a readable, consistent state (Elastic's, or a crash between the two writes) is parsed in full
 * and its entries count as unknown: their documents are read once again.
 *
 * Layout: one entry per line (`{"packages":[\n<entry>,\n<entry>\n]}`), still plain JSON. Entries are compact
 * JSON, which never holds a raw newline, so with the state's `keys` (the `name-version` of each line, in order)
 * our own revisions are split into lines without parsing: carried-over entries are copied as text and only new
 * or changed documents are parsed or serialized.
 *
 * An entry without an etag (a revision written by someone else, e.g. Elastic's jobs) is "foreign": it is
 * kept as long as no document exists for it; if a document appears, the document wins.
 */
import semver, { SemVer } from 'semver';
import { parseConstraint } from '../registry/versions.js';
import { entryKey, splitNameVersion, type IndexEntry, type PackageDocument, type SearchIndexDelta } from './format.js';

/** An index entry, as parsed JSON, as raw text, or both (each derived from the other on demand). */
export interface RevEntry {
  name: string;
  version: string;
  raw?: string;
  entry?: IndexEntry;
  /** The raw text lives in a local spool file (spooled.ts): large indexes are never held in memory. */
  loc?: { spool: { read(off: number, len: number): Buffer }; off: number; len: number };
  /**
   * The entry is line `line` (0-based, among the entry lines) of the base revision's own file, whose bytes are
   * only streamed when the next revision is written (spooled.ts, mergedIndexStream). Such an entry has no
   * text or parsed form here.
   */
  line?: number;
}

export function entryOf(e: RevEntry): IndexEntry {
  if (!e.entry && e.raw === undefined && !e.loc) throw new Error(`entry ${e.name}-${e.version} is only a line of the base revision`);
  if (!e.entry) e.entry = JSON.parse(e.raw ?? e.loc!.spool.read(e.loc!.off, e.loc!.len).toString('utf8')) as IndexEntry;
  return e.entry;
}

export function rawOf(e: RevEntry): string {
  if (e.raw === undefined && !e.entry && !e.loc) throw new Error(`entry ${e.name}-${e.version} is only a line of the base revision`);
  if (e.raw === undefined) e.raw = e.entry !== undefined ? JSON.stringify(e.entry) : e.loc!.spool.read(e.loc!.off, e.loc!.len).toString('utf8');
  return e.raw;
}

/** The raw text as bytes, read straight from the spool when it lives there (never cached as a string). */
export function rawBytes(e: RevEntry): Buffer {
  if (e.raw === undefined && e.entry === undefined && e.loc) return e.loc.spool.read(e.loc.off, e.loc.len);
  return Buffer.from(rawOf(e));
}

export function revEntry(entry: IndexEntry): RevEntry {
  return { name: entry.package_manifest.name, version: entry.package_manifest.version, entry };
}

export interface BaseRevision {
  /** Folder the revision was read from (undefined: no revision yet). */
  cursor?: string;
  /** Entries by `name-version`. */
  entries: Map<string, RevEntry>;
  /** Etag of the document each entry was built from, by `name-version` (absent: foreign entry). */
  etags: Map<string, string>;
  /**
   * Set when the entries are only `line`s of the base's own file (a journal run's base, read from its state
   * alone): the opened body of that file, consumed when the next revision is written.
   */
  lines?: { body: AsyncIterable<Buffer | string> & { destroy?: () => void }; count: number };
}

export const emptyRevision = (): BaseRevision => ({ entries: new Map(), etags: new Map() });

export interface RevisionPlan {
  /** Documents to read: new, changed, or backing a foreign entry. */
  toRead: string[];
}

/** Which documents must be read, given the base revision and the listing (`name-version` → etag). */
export function planRevision(base: BaseRevision, listed: Map<string, string>): RevisionPlan {
  const toRead: string[] = [];
  for (const [key, etag] of listed) if (base.etags.get(key) !== etag) toRead.push(key);
  toRead.sort();
  return { toRead };
}

export type ReadOutcome = { doc: PackageDocument } | { error: string };

export interface AssembledRevision {
  /** Sorted by name, then version. */
  entries: RevEntry[];
  etags: Record<string, string>;
  delta: SearchIndexDelta;
  /** Anything differs from the base (content or bookkeeping). */
  changed: boolean;
  skipped: { key: string; reason: string }[];
}

/**
 * Build the next revision. `reads` holds the outcome for every key of the plan's `toRead`.
 * - listed + read ok: added (not in base), updated (content differs), or unchanged (bookkeeping only);
 * - listed + read failed: skipped; a previous entry for it is kept as it was (a corrupted document never
 *   yanks a published version) and will be read again next run;
 * - listed, same etag: carried over from the base;
 * - in base with an etag, not listed: removed (its document was deleted);
 * - in base without an etag (foreign) and not listed: kept.
 */
export function assembleRevision(base: BaseRevision, listed: Map<string, string>, reads: Map<string, ReadOutcome>): AssembledRevision {
  const out = new Map<string, RevEntry>();
  const etags: Record<string, string> = {};
  const delta: SearchIndexDelta = { added: [], updated: [], removed: [] };
  const skipped: { key: string; reason: string }[] = [];
  let bookkeeping = false;
  for (const [key, etag] of listed) {
    const prev = base.entries.get(key);
    if (base.etags.get(key) === etag && prev) {
      out.set(key, prev);
      etags[key] = etag;
      continue;
    }
    const r = reads.get(key);
    if (!r || 'error' in r) {
      skipped.push({ key, reason: r ? r.error : 'not read' });
      if (prev) {
        out.set(key, prev);
        const old = base.etags.get(key);
        if (old !== undefined) etags[key] = old;
      }
      continue;
    }
    const next = revEntry({ package_manifest: r.doc });
    out.set(key, next);
    etags[key] = etag;
    if (!prev) delta.added.push(next.entry!);
    else if (rawOf(prev) !== rawOf(next)) delta.updated.push(next.entry!);
    else bookkeeping = true;
  }
  for (const [key, entry] of base.entries) {
    if (out.has(key)) continue;
    if (base.etags.has(key)) {
      delta.removed.push({ name: entry.name, version: entry.version });
    } else {
      out.set(key, entry); // foreign, no document: keep
    }
  }
  const entries = [...out.values()].sort(compareNameVersion);
  delta.added.sort(compareEntries);
  delta.updated.sort(compareEntries);
  delta.removed.sort(compareNameVersion);
  const changed = bookkeeping || delta.added.length > 0 || delta.updated.length > 0 || delta.removed.length > 0;
  return { entries, etags, delta, changed, skipped };
}

export function compareNameVersion(a: { name: string; version: string }, b: { name: string; version: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version === b.version) return 0;
  const va = parsedVersion(a.version);
  const vb = parsedVersion(b.version);
  if (va && vb) return va.compare(vb) || va.compareBuild(vb);
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/** Parsed versions, cached: sorting a 10k-entry index would otherwise parse each version ~30 times. */
const versionCache = new Map<string, SemVer | null>();
function parsedVersion(v: string): SemVer | null {
  let p = versionCache.get(v);
  if (p === undefined) {
    p = semver.valid(v) ? new SemVer(v) : null;
    if (versionCache.size > 100_000) versionCache.clear();
    versionCache.set(v, p);
  }
  return p;
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return compareNameVersion(a.package_manifest, b.package_manifest);
}

const HEAD = '{"packages":[\n';
const TAIL = '\n]}\n';
const EMPTY = '{"packages":[]}\n';

/** Serialize a full index in Elastic's shape, one entry per line. */
export function serializeIndexAll(entries: RevEntry[]): string {
  return entries.length === 0 ? EMPTY : `${HEAD}${entries.map(rawOf).join(',\n')}${TAIL}`;
}

/** Serialize the indexer's bookkeeping for a revision (`package-storage-state.json`). */
export function serializeIndexState(entries: RevEntry[], etags: Record<string, string>): string {
  return `${JSON.stringify({ version: 2, keys: entries.map((e) => `${e.name}-${e.version}`), documents: etags })}\n`;
}

/**
 * Parse a `search-index-all.json` body (and, if present, the folder's state) into a base revision. Our own
 * layout is split into lines without parsing the entries; anything else is parsed as JSON, and entries that
 * are not objects with a string name and version are dropped and reported through `onBad`. Etags come from a
 * state that matches the index; otherwise there are none. Throws on a body that is not an index.
 */
export function parseIndexAll(text: string, cursor: string | undefined, onBad?: (why: string) => void, stateText?: string): BaseRevision {
  const state = parseState(stateText);
  const fast = state ? parseOwnLayout(text, cursor, state) : undefined;
  if (fast) return fast;
  const data = JSON.parse(text) as unknown;
  if (!isObject(data) || !Array.isArray(data.packages)) throw new Error('no "packages" array');
  const entries = new Map<string, RevEntry>();
  for (const [i, w] of data.packages.entries()) {
    const m = isObject(w) ? w.package_manifest : undefined;
    if (!isObject(m) || typeof m.name !== 'string' || typeof m.version !== 'string') {
      onBad?.(`packages[${i}] has no package_manifest with a name and version`);
      continue;
    }
    entries.set(entryKey(m as PackageDocument), revEntry({ package_manifest: m as PackageDocument }));
  }
  const etags = new Map<string, string>();
  // The state belongs to this index only if it names exactly these entries, in order.
  if (state && state.keys.length === entries.size && state.keys.every((k, i) => k === [...entries.keys()][i])) {
    for (const [k, v] of Object.entries(state.documents)) if (typeof v === 'string' && entries.has(k)) etags.set(k, v);
  }
  return { cursor, entries, etags };
}

export interface IndexState {
  keys: string[];
  documents: Record<string, unknown>;
}

export function parseState(text: string | undefined): IndexState | undefined {
  if (text === undefined) return undefined;
  try {
    const ps = JSON.parse(text) as unknown;
    if (!isObject(ps) || ps.version !== 2 || !Array.isArray(ps.keys) || !isObject(ps.documents)) return undefined;
    if (!ps.keys.every((k) => typeof k === 'string')) return undefined;
    return { keys: ps.keys as string[], documents: ps.documents };
  } catch {
    return undefined;
  }
}

function parseOwnLayout(text: string, cursor: string | undefined, state: IndexState): BaseRevision | undefined {
  let lines: string[];
  if (text === EMPTY) lines = [];
  else if (text.startsWith(HEAD) && text.endsWith(TAIL)) lines = text.slice(HEAD.length, -TAIL.length).split(',\n');
  else return undefined;
  if (lines.length !== state.keys.length) return undefined;
  const entries = new Map<string, RevEntry>();
  for (const [i, key] of state.keys.entries()) {
    const nv = splitNameVersion(key);
    const e: RevEntry = nv ? { ...nv, raw: lines[i]! } : revEntry(JSON.parse(lines[i]!) as IndexEntry);
    entries.set(key, e);
  }
  const etags = new Map<string, string>();
  for (const [k, v] of Object.entries(state.documents)) if (typeof v === 'string' && entries.has(k)) etags.set(k, v);
  return { cursor, entries, etags };
}

/**
 * Check a package document before it enters the index (Elastic's registry rejects a whole index for one
 * entry whose version, format_version or constraints do not parse). Returns the document or throws an
 * Error whose message says what is wrong.
 */
export function checkDocument(text: string, expected: { name: string; version: string }): PackageDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isObject(doc)) throw new Error('not a JSON object');
  if (doc.name !== expected.name) throw new Error(`name ${JSON.stringify(doc.name)} does not match the key (${expected.name})`);
  if (doc.version !== expected.version) throw new Error(`version ${JSON.stringify(doc.version)} does not match the key (${expected.version})`);
  if (!isStrictSemver(expected.version)) throw new Error(`version '${expected.version}' is not strict semver`);
  if (doc.format_version !== undefined && doc.format_version !== '' && !(typeof doc.format_version === 'string' && isStrictSemver(doc.format_version))) {
    throw new Error(`format_version ${JSON.stringify(doc.format_version)} is not semver`);
  }
  const cond = isObject(doc.conditions) ? doc.conditions : undefined;
  for (const k of ['kibana', 'agent'] as const) {
    const c = cond && isObject(cond[k]) ? (cond[k] as Record<string, unknown>).version : undefined;
    if (c === undefined) continue;
    if (typeof c !== 'string' || !isConstraint(c)) throw new Error(`conditions.${k}.version ${JSON.stringify(c)} is not a semver constraint`);
  }
  return doc as PackageDocument;
}

function isStrictSemver(v: string): boolean {
  return /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(v) && semver.valid(v) !== null;
}

/**
 * A constraint as the registry parses it (Masterminds syntax: `||` OR; space or `,` AND; `=>`, `~>`,
 * x-ranges, hyphen ranges). Uses the registry's own parser so the indexer never admits what readers refuse.
 */
export function isConstraint(c: string): boolean {
  if (c.trim() === '') return true;
  try {
    parseConstraint(c);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
