/**
 * Files of a published zip, read straight from the store with range requests (the central directory once,
 * then only the entry asked for). The registry falls back to this for `/package/{n}/{v}/{file}` when the file
 * was not extracted to `artifacts/static/` (publish extracts img/, docs/ and a few root files; the document's
 * `assets` list every file, as EPR serves every file of a local package).
 */
import { PassThrough, Transform, type Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import yauzl from 'yauzl';
import type { ObjectStore } from '../storage/types.js';

export interface ZipFileEntry {
  size: number;
  mtime: Date;
  crc32: number;
  /** The entry's bytes, inflated as they are read (never whole in memory); `range` = inclusive byte offsets. */
  open(range?: { start: number; end: number }): Promise<Readable>;
}

/** Pass on only bytes [start, end] (inclusive) of a stream, then end early. */
function slice(src: Readable, start: number, end: number): Readable {
  let pos = 0;
  let ended = false;
  const out = new Transform({
    transform(c: Buffer, _enc, cb) {
      if (ended) return cb();
      const from = Math.max(0, start - pos);
      const to = Math.min(c.length, end + 1 - pos);
      pos += c.length;
      if (to > from) this.push(c.subarray(from, to));
      if (pos > end) {
        ended = true;
        this.push(null);
        src.unpipe(this);
        src.destroy();
      }
      cb();
    },
  });
  src.on('error', (e) => out.destroy(e));
  out.on('close', () => src.destroy());
  return src.pipe(out);
}

class StoreReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly store: ObjectStore,
    private readonly key: string,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    if (end <= start) {
      out.end();
      return out;
    }
    this.store.get(this.key, { range: { start, end: end - 1 } }).then(
      (r) => {
        r.body.on('error', (e) => out.destroy(e));
        r.body.pipe(out);
      },
      (e: Error) => out.destroy(e),
    );
    return out;
  }
}

interface Opened {
  zip: yauzl.ZipFile;
  entries: Map<string, yauzl.Entry>;
}

export class ZipFiles {
  private readonly cache: LRUCache<string, Promise<Opened>>;

  constructor(
    private readonly store: ObjectStore,
    max = 32,
  ) {
    this.cache = new LRUCache<string, Promise<Opened>>({
      max,
      dispose: (p) => {
        p.then((o) => o.zip.close()).catch(() => undefined);
      },
    });
  }

  /** The entry `rel` (relative to the package root) of the zip at `key`, or undefined. */
  async find(key: string, rel: string): Promise<ZipFileEntry | undefined> {
    const info = await this.store.head(key);
    if (!info) return undefined;
    const ck = `${key}@${info.etag}`;
    let p = this.cache.get(ck);
    if (!p) {
      p = this.open(key, info.size);
      this.cache.set(ck, p);
      p.catch(() => this.cache.delete(ck));
    }
    const o = await p;
    const e = o.entries.get(rel);
    if (!e) return undefined;
    return {
      size: e.uncompressedSize,
      mtime: e.getLastModDate(),
      crc32: e.crc32,
      open: async (range) => {
        if (!range) return o.zip.openReadStreamPromise(e);
        // stored entries can be read from an offset; deflated ones are inflated from the start and sliced
        if (e.compressionMethod === 0) return o.zip.openReadStreamPromise(e, { start: range.start, end: range.end + 1 });
        return slice(await o.zip.openReadStreamPromise(e), range.start, range.end);
      },
    };
  }

  private async open(key: string, size: number): Promise<Opened> {
    const zip = await yauzl.fromRandomAccessReaderPromise(new StoreReader(this.store, key), size, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    const all: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        all.push(e);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    // the package root: the shallowest folder holding manifest.yml
    let root = '';
    let best = Infinity;
    for (const e of all) {
      if (e.fileName === 'manifest.yml' || e.fileName.endsWith('/manifest.yml')) {
        const depth = e.fileName.split('/').length;
        if (depth < best) {
          best = depth;
          root = e.fileName.slice(0, -'manifest.yml'.length);
        }
      }
    }
    const entries = new Map<string, yauzl.Entry>();
    for (const e of all) {
      if (e.fileName.endsWith('/') || !e.fileName.startsWith(root)) continue;
      entries.set(e.fileName.slice(root.length), e);
    }
    return { zip, entries };
  }

  clear(): void {
    this.cache.clear();
  }
}
