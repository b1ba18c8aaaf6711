/**
 * The indexer's view of a full index that is never held as one string: `search-index-all.json` is streamed
 * into a local spool file (registry/spool.ts) and each entry is kept as an offset into it; the next revision
 * is written as a stream of those bytes (carried-over entries are copied, never parsed).
 *
 * Our own layout (one entry per line, with the state's `keys` naming each line) is split at newlines with no
 * JSON parsing at all. Anything else (Elastic's formatting, or our layout without a usable state) is scanned
 * with the tolerant streaming scanner; each element is parsed alone and re-written compactly to the spool.
 */
import { Readable } from 'node:stream';
import { Spool } from '../registry/spool.js';
import type { ObjectStore } from '../storage/types.js';
import { entryKey, KEYS, splitNameVersion, type PackageDocument } from './format.js';
import { streamPackagesArray } from './reader.js';
import { parseState, rawBytes, type BaseRevision, type RevEntry } from './revision.js';

const HEAD_LINE = Buffer.from('{"packages":[');
const TAIL_LINE = Buffer.from(']}');
const MAX_LINE_BYTES = 64 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Offsets of the entry lines of our layout in `spool`, or undefined if the bytes are not our layout. */
async function downloadAndSplit(body: AsyncIterable<Buffer | string>, spool: Spool): Promise<{ off: number; len: number }[] | undefined> {
  const lines: { off: number; len: number }[] = [];
  let ok = true;
  let pendingOff = -1; // spool offset where the current unfinished line started
  let lineNo = 0;
  let ended = false;
  let lastComma = true;
  const onLine = (off: number, len: number): void => {
    const n = lineNo++;
    if (!ok) return;
    if (n === 0) {
      ok = len === HEAD_LINE.length && spool.read(off, len).equals(HEAD_LINE);
      return;
    }
    if (ended) {
      if (len !== 0) ok = false;
      return;
    }
    if (len === TAIL_LINE.length && spool.read(off, len).equals(TAIL_LINE)) {
      if (lastComma && lines.length > 0) ok = false;
      ended = true;
      return;
    }
    if (!lastComma || len === 0) {
      ok = false;
      return;
    }
    lastComma = spool.read(off + len - 1, 1)[0] === 0x2c;
    lines.push({ off, len: lastComma ? len - 1 : len });
  };
  for await (const c of body) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : c;
    const base = spool.append(chunk);
    if (!ok) continue;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const lineStart = pendingOff >= 0 ? pendingOff : base + start;
      pendingOff = -1;
      onLine(lineStart, base + nl - lineStart);
      start = nl + 1;
    }
    if (start < chunk.length && pendingOff < 0) pendingOff = base + start;
    if (pendingOff >= 0 && base + chunk.length - pendingOff > (lineNo === 0 ? HEAD_LINE.length + 1 : MAX_LINE_BYTES)) ok = false;
  }
  if (pendingOff >= 0) onLine(pendingOff, spool.size - pendingOff);
  return ok && ended ? lines : undefined;
}

/**
 * Read `v2/metadata/{cursor}/search-index-all.json` (and the folder's state text, if any) into a base revision
 * whose entries point into a fresh spool. Throws (plain Error) on a body that is not an index.
 */
export async function loadSpooledRevision(store: ObjectStore, cursor: string, stateText: string | undefined, onBad?: (why: string) => void, signal?: AbortSignal): Promise<BaseRevision> {
  const state = parseState(stateText);
  const res = await store.get(KEYS.indexAll(cursor), { signal });
  const spool = Spool.create();
  let lines: { off: number; len: number }[] | undefined;
  try {
    lines = await downloadAndSplit(res.body as AsyncIterable<Buffer>, spool);
  } catch (e) {
    (res.body as { destroy?: () => void }).destroy?.();
    spool.close();
    throw e;
  }
  const entries = new Map<string, RevEntry>();
  const etags = new Map<string, string>();
  if (lines && state && lines.length === state.keys.length && state.keys.every((k) => splitNameVersion(k) !== undefined)) {
    // our layout with its state: no parsing at all
    for (const [i, key] of state.keys.entries()) {
      const nv = splitNameVersion(key)!;
      entries.set(key, { ...nv, loc: { spool, ...lines[i]! } });
    }
    for (const [k, v] of Object.entries(state.documents)) if (typeof v === 'string' && entries.has(k)) etags.set(k, v);
    return { cursor, entries, etags };
  }
  // anything else: each element parsed alone, re-written compactly (one line, for our layout) to a new spool
  const out = Spool.create();
  const add = (w: unknown, i: number): void => {
    const m = isObject(w) ? w.package_manifest : undefined;
    if (!isObject(m) || typeof m.name !== 'string' || typeof m.version !== 'string') {
      onBad?.(`packages[${i}] has no package_manifest with a name and version`);
      return;
    }
    const text = Buffer.from(JSON.stringify(w));
    const key = entryKey(m as PackageDocument);
    if (!entries.has(key)) entries.set(key, { name: m.name, version: m.version, loc: { spool: out, off: out.append(text), len: text.length } });
  };
  try {
    if (lines) {
      for (const [i, l] of lines.entries()) add(JSON.parse(spool.read(l.off, l.len).toString('utf8')), i);
    } else {
      const size = spool.size;
      const input = (async function* () {
        for (let off = 0; off < size; off += 1024 * 1024) yield spool.read(off, Math.min(1024 * 1024, size - off));
      })();
      let i = 0;
      for await (const raw of streamPackagesArray(input)) add(JSON.parse(raw), i++);
    }
  } finally {
    spool.close();
  }
  // The state belongs to this index only if it names exactly these entries, in order.
  if (state && state.keys.length === entries.size) {
    let i = 0;
    let same = true;
    for (const k of entries.keys()) if (state.keys[i++] !== k) same = false;
    if (same) for (const [k, v] of Object.entries(state.documents)) if (typeof v === 'string' && entries.has(k)) etags.set(k, v);
  }
  return { cursor, entries, etags };
}

const HEAD = Buffer.from('{"packages":[\n');
const SEP = Buffer.from(',\n');
const TAIL = Buffer.from('\n]}\n');
const EMPTY = Buffer.from('{"packages":[]}\n');

/**
 * The full index in our layout (one entry per line), as a byte stream: carried-over entries are copied from
 * their spool, in chunks of about 1 MiB. Same bytes as serializeIndexAll.
 */
export function indexAllStream(entries: RevEntry[]): Readable {
  function* gen(): Generator<Buffer> {
    if (entries.length === 0) {
      yield EMPTY;
      return;
    }
    let parts: Buffer[] = [HEAD];
    let size = HEAD.length;
    for (let i = 0; i < entries.length; i++) {
      const b = rawBytes(entries[i]!);
      parts.push(b);
      size += b.length;
      if (i < entries.length - 1) {
        parts.push(SEP);
        size += 2;
      }
      if (size >= 1024 * 1024) {
        yield Buffer.concat(parts, size);
        parts = [];
        size = 0;
      }
    }
    parts.push(TAIL);
    yield Buffer.concat(parts);
  }
  return Readable.from(gen(), { objectMode: false });
}
