/**
 * Loads a full index revision (`v2/metadata/{cursor}/search-index-all.json`) into a Catalog without ever
 * holding the index as one string or one parsed tree: the object is streamed into a local spool file
 * (spool.ts) and each entry is parsed alone, kept only as its filter structure plus its offset in the spool.
 *
 * Our own layout is one entry per line (`{"packages":[` / `entry,` ... / `entry` / `]}`), so the stream is
 * split at newlines (a native byte search) instead of being scanned character by character. Anything else
 * (Elastic's own formatting of the same file: pretty-printed, one line, other keys, other order) falls back
 * to the tolerant streaming scanner of index/reader.ts over the local copy: same entries, slower.
 */
import { PsError } from '../errors.js';
import { KEYS } from '../index/format.js';
import { streamPackagesArray } from '../index/reader.js';
import type { ObjectStore } from '../storage/types.js';
import { CatalogBuilder, type Catalog, type OnBadEntry } from './catalog.js';
import { Spool } from './spool.js';

const HEAD_LINE = Buffer.from('{"packages":[');
const TAIL_LINE = Buffer.from(']}');
/** A line longer than this is not our layout (one document is far smaller): fall back to the scanner. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why the fast line split gave up (the scanner then decides whether the file is an index at all). */
class NotOurLayout extends Error {}

/**
 * Splits our one-entry-per-line layout. Bad entries are collected (reported only if the layout holds, so a
 * fallback does not report them twice).
 */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private pendingOff = 0;
  private line = 0;
  private ended = false;
  private lastHadComma = true;
  private index = 0;
  readonly bad: string[] = [];

  constructor(private readonly builder: CatalogBuilder) {}

  /** Feed a chunk written at spool offset `off`. Throws NotOurLayout. */
  push(chunk: Buffer, off: number): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (this.pendingLen > 0) {
        this.pending.push(chunk.subarray(start, nl));
        const lineOff = this.pendingOff;
        const buf = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingLen = 0;
        this.onLine(buf, lineOff);
      } else this.onLine(chunk.subarray(start, nl), off + start);
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (this.pendingLen === 0) this.pendingOff = off + start;
      const rest = chunk.subarray(start);
      this.pending.push(Buffer.from(rest)); // copy: the chunk may be reused by the stream
      this.pendingLen += rest.length;
      if (this.pendingLen > MAX_LINE_BYTES || (this.line === 0 && this.pendingLen > HEAD_LINE.length + 1)) throw new NotOurLayout('line too long');
    }
  }

  end(): void {
    if (this.pendingLen > 0) {
      const buf = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLen = 0;
      this.onLine(buf, this.pendingOff);
    }
    if (!this.ended) throw new NotOurLayout('no closing line');
  }

  private onLine(buf: Buffer, off: number): void {
    const n = this.line++;
    if (n === 0) {
      if (!buf.equals(HEAD_LINE)) throw new NotOurLayout('first line');
      return;
    }
    if (this.ended) {
      if (buf.length !== 0) throw new NotOurLayout('text after the closing line');
      return;
    }
    if (buf.equals(TAIL_LINE)) {
      if (this.lastHadComma && this.index > 0) throw new NotOurLayout('trailing comma');
      this.ended = true;
      return;
    }
    if (!this.lastHadComma) throw new NotOurLayout('missing comma');
    let len = buf.length;
    this.lastHadComma = len > 0 && buf[len - 1] === 0x2c;
    if (this.lastHadComma) len--;
    let v: unknown;
    try {
      v = JSON.parse(buf.toString('utf8', 0, len));
    } catch {
      throw new NotOurLayout('a line is not JSON');
    }
    const i = this.index++;
    if (isObject(v) && isObject(v.package_manifest)) this.builder.add(v.package_manifest, { off, len, wrapped: true });
    else this.bad.push(`packages[${i}] is not an object with a package_manifest object`);
  }
}

/**
 * Load the full index of `cursor` into a new Catalog. Throws STORAGE_NOT_FOUND, or INDEX_INVALID for a body
 * that is not an index (not JSON, no `packages` array); bad entries are skipped through `onBad`.
 */
export async function loadFullCatalog(store: ObjectStore, cursor: string, onBad: OnBadEntry, signal?: AbortSignal): Promise<Catalog> {
  const key = KEYS.indexAll(cursor);
  const res = await store.get(key, { signal });
  const download = Spool.create();
  const bad: string[] = [];
  let builder: CatalogBuilder | undefined = new CatalogBuilder(download, (why) => bad.push(why));
  let splitter: LineSplitter | undefined = new LineSplitter(builder);
  try {
    for await (const c of res.body as AsyncIterable<Buffer | string>) {
      const chunk = typeof c === 'string' ? Buffer.from(c) : c;
      const off = download.append(chunk);
      if (!splitter) continue;
      try {
        splitter.push(chunk, off);
      } catch (e) {
        if (!(e instanceof NotOurLayout)) throw e;
        splitter = undefined;
        builder = undefined;
      }
    }
    if (splitter) {
      try {
        splitter.end();
      } catch (e) {
        if (!(e instanceof NotOurLayout)) throw e;
        splitter = undefined;
        builder = undefined;
      }
    }
  } catch (e) {
    (res.body as { destroy?: () => void }).destroy?.();
    download.close();
    throw e;
  }
  if (builder && splitter) {
    for (const why of [...bad, ...splitter.bad]) onBad(why);
    return builder.finish(cursor);
  }
  // not our layout: scan the local copy with the tolerant scanner, entries copied into a fresh spool
  const spool = Spool.create();
  const b = new CatalogBuilder(spool, onBad);
  const size = download.size;
  let i = 0;
  try {
    const input = (async function* () {
      for (let off = 0; off < size; off += 1024 * 1024) yield download.read(off, Math.min(1024 * 1024, size - off));
    })();
    for await (const raw of streamPackagesArray(input)) {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (e) {
        throw new PsError('INDEX_INVALID', `${key}: packages[${i}] is not JSON: ${(e as Error).message}`);
      }
      if (isObject(v) && isObject(v.package_manifest)) {
        const text = Buffer.from(raw);
        b.add(v.package_manifest, { off: spool.append(text), len: text.length, wrapped: true });
      } else onBad(`packages[${i}] is not an object with a package_manifest object`);
      i++;
    }
  } catch (e) {
    spool.close();
    if (e instanceof PsError) throw e;
    throw new PsError('INDEX_INVALID', `${key}: ${(e as Error).message}`, { cause: e });
  } finally {
    download.close();
  }
  return b.finish(cursor);
}
