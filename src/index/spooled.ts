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

/** The bytes of a full index in our layout, entry by entry, cut into chunks of about 1 MiB. */
class IndexChunks {
  private parts: Buffer[] = [HEAD];
  private size = HEAD.length;

  /** Add one entry's bytes (and the separator unless it is the last); a chunk once about 1 MiB is gathered. */
  add(entry: Buffer, more: boolean): Buffer | undefined {
    this.parts.push(entry);
    this.size += entry.length;
    if (more) {
      this.parts.push(SEP);
      this.size += SEP.length;
    }
    if (this.size < 1024 * 1024) return undefined;
    const chunk = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return chunk;
  }

  /** The rest, with the closing bytes. */
  end(): Buffer {
    this.parts.push(TAIL);
    return Buffer.concat(this.parts);
  }
}

/**
 * The full index in our layout (one entry per line), as a byte stream: carried-over entries are copied from
 * their spool, in chunks of about 1 MiB. Same bytes as serializeIndexAll.
 */
function indexAllStream(entries: RevEntry[]): Readable {
  function* gen(): Generator<Buffer> {
    if (entries.length === 0) {
      yield EMPTY;
      return;
    }
    const out = new IndexChunks();
    for (let i = 0; i < entries.length; i++) {
      const b = rawBytes(entries[i]!);
      const chunk = out.add(b, i < entries.length - 1);
      if (chunk) yield chunk;
    }
    yield out.end();
  }
  return Readable.from(gen(), { objectMode: false });
}

/** The base revision's file is not the layout its state describes: nothing was claimed; build from the spool. */
export class LayoutMismatch extends Error {}

/**
 * A journal run's base read from the folder's state alone: each entry is a line of the folder's own index
 * file (in the state's order), and that file is only opened here, to be streamed once when the next revision
 * is written (mergedIndexStream, which checks the layout on the way). Undefined when the state cannot serve
 * (absent, not ours, empty, keys that are not name-version or repeat): then the caller uses loadSpooledRevision.
 */
export async function loadLineRevision(store: ObjectStore, cursor: string, stateText: string | undefined, signal?: AbortSignal): Promise<BaseRevision | undefined> {
  const state = parseState(stateText);
  if (!state || state.keys.length === 0) return undefined;
  const entries = new Map<string, RevEntry>();
  for (const [i, key] of state.keys.entries()) {
    const nv = splitNameVersion(key);
    if (!nv || entries.has(key)) return undefined;
    entries.set(key, { ...nv, line: i });
  }
  const etags = new Map<string, string>();
  for (const [k, v] of Object.entries(state.documents)) if (typeof v === 'string' && entries.has(k)) etags.set(k, v);
  const res = await store.get(KEYS.indexAll(cursor), { signal });
  return { cursor, entries, etags, lines: { body: res.body as AsyncIterable<Buffer> & { destroy?: () => void }, count: state.keys.length } };
}

/**
 * Entry lines of our layout from a byte stream: yields [index, bytes of the entry without its comma] and
 * throws LayoutMismatch unless the stream is exactly `{"packages":[\n` + `count` entry lines joined by `,\n` +
 * `\n]}\n`.
 */
async function* entryLines(body: AsyncIterable<Buffer | string>, count: number): AsyncGenerator<[number, Buffer]> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let lineNo = 0; // 0: head; 1..count: entries; count+1: tail; count+2: the empty rest after the last newline
  const check = (ok: boolean, why: string): void => {
    if (!ok) throw new LayoutMismatch(`not the layout of its state: ${why}`);
  };
  const take = function* (line: Buffer): Generator<[number, Buffer]> {
    const n = lineNo++;
    if (n === 0) check(line.equals(HEAD_LINE), 'first line');
    else if (n <= count) {
      const last = n === count;
      check(line.length > 0 && (line[line.length - 1] === 0x2c) === !last, `line ${n + 1}`);
      yield [n - 1, last ? line : line.subarray(0, line.length - 1)];
    } else if (n === count + 1) check(line.equals(TAIL_LINE), 'tail');
    else check(false, 'bytes after the tail');
  };
  for await (const c of body) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : c;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      let line = chunk.subarray(start, nl);
      if (pendingLen > 0) {
        pending.push(line);
        line = Buffer.concat(pending, pendingLen + line.length);
        pending = [];
        pendingLen = 0;
      }
      yield* take(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingLen += chunk.length - start;
      check(pendingLen <= MAX_LINE_BYTES, 'a line too long');
    }
  }
  check(pendingLen === 0 && lineNo === count + 2, 'truncated');
}

/**
 * The next full index in our layout (same bytes as indexAllStream / serializeIndexAll), for a base from
 * loadLineRevision: the base file is read once, as a stream, and the bytes of each carried-over line are
 * copied as they pass (never parsed); new or changed entries are serialized. Throws LayoutMismatch (before
 * the stream ends, so no store write completes) if the base file does not match its state, or if the
 * carried lines are not in the base's order.
 */
export function mergedIndexStream(base: BaseRevision, entries: RevEntry[]): Readable {
  const src = base.lines;
  if (!src) return indexAllStream(entries);
  async function* gen(): AsyncGenerator<Buffer> {
    if (entries.length === 0) {
      for await (const _ of entryLines(src!.body, src!.count)); // still check (and drain) the base
      yield EMPTY;
      return;
    }
    const lines = entryLines(src!.body, src!.count);
    const out = new IndexChunks();
    let last = -1;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      let b: Buffer;
      if (e.line !== undefined && e.raw === undefined && e.entry === undefined && !e.loc) {
        if (e.line <= last) throw new LayoutMismatch('carried entries out of the base order');
        let got: [number, Buffer] | undefined;
        for (;;) {
          const r = await lines.next();
          if (r.done) throw new LayoutMismatch('base ended early');
          if (r.value[0] === e.line) {
            got = r.value;
            break;
          }
        }
        last = e.line;
        b = got[1];
      } else b = rawBytes(e);
      const chunk = out.add(b, i < entries.length - 1);
      if (chunk) yield chunk;
    }
    for (;;) if ((await lines.next()).done) break; // the rest of the base: checked, not copied
    yield out.end();
  }
  return Readable.from(gen(), { objectMode: false });
}
