/**
 * In-memory object store: the same contract as `fs` and `s3` (conditional writes, content-hash etags, ranges,
 * sorted listings with delimiters, the same error codes), held in one process's memory. For fast unit tests
 * and for embedding; nothing survives the process, and nothing is shared with other processes.
 *
 * Semantics, as the contract suite checks them:
 * - Writes are atomic: a body (even a stream) is read whole into a private buffer first, then the key is
 *   switched to it in one synchronous step, so readers see the old object or the new one. The check of
 *   `putIfAbsent` / `putIfMatch` happens in that same step, which makes them race-free within the process.
 * - ETags are the sha256 of the bytes (as `fs`), so the same bytes give the same etag.
 * - Bytes are copied on the way in and on the way out: a caller mutating a buffer it wrote, or a chunk it
 *   read, cannot change what is stored.
 * - Unlike `fs`, a key may be both an object and a "folder" of other keys (as on S3).
 * - `maxBytes` bounds the total held, counting an overwritten object and its replacement both while the new
 *   body is read (a write that would pass it fails with STORAGE_UNAVAILABLE, and stops
 *   reading its body as soon as it is over), so a hostile upload cannot exhaust the process.
 */
import { createHash } from 'node:crypto';
import { Readable, addAbortSignal } from 'node:stream';
import { PsError } from '../errors.js';
import { validateKey, validatePrefix } from './keys.js';
import { resolveRange, type ByteSpan } from './range.js';
import type { Body, ByteRange, GetResult, ListResult, ObjectInfo, ObjectStore, PutOptions } from './types.js';

export interface MemoryStoreOptions {
  /** Shown in `description` (`memory:<name>`). Default `default`. */
  name?: string;
  /** Most bytes the store may hold in total; writes past it fail with STORAGE_UNAVAILABLE. Default: no limit. */
  maxBytes?: number;
  /** Chunk size of the streams `get` returns. Default 64 KiB. */
  readChunkBytes?: number;
}

interface Entry {
  bytes: Buffer;
  etag: string;
  lastModified: Date;
}

type Condition = { kind: 'none' } | { kind: 'absent' } | { kind: 'match'; etag: string };

/** Compare keys by their UTF-8 bytes (the order S3 lists in). */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function info(key: string, e: Entry): ObjectInfo {
  return { key, size: e.bytes.length, etag: e.etag, lastModified: e.lastModified };
}

export class MemoryStore implements ObjectStore {
  readonly description: string;
  private readonly objects = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly readChunk: number;
  /** Bytes held, plus bytes being read by writes in flight (reserved, so concurrent writes cannot pass the cap). */
  private held = 0;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.description = `memory:${opts.name ?? 'default'}`;
    this.maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    this.readChunk = Math.max(1, opts.readChunkBytes ?? 64 * 1024);
  }

  private check(signal?: AbortSignal): void {
    if (this.closed) throw new PsError('STORAGE_UNAVAILABLE', `${this.description}: the store is closed`);
    signal?.throwIfAborted();
  }

  // ---------------------------------------------------------------------------------------------- reads

  async get(key: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<GetResult> {
    validateKey(key);
    this.check(opts.signal);
    const e = this.objects.get(key);
    if (!e) throw new PsError('STORAGE_NOT_FOUND', JSON.stringify(key));
    const range = opts.range ? resolveRange(key, opts.range, e.bytes.length) : undefined;
    const span: ByteSpan = range ?? { start: 0, end: e.bytes.length - 1 };
    const body = this.stream(e.bytes, span);
    if (opts.signal) addAbortSignal(opts.signal, body);
    return range ? { info: info(key, e), body, range } : { info: info(key, e), body };
  }

  /** A stream of copies of `bytes[start..end]`, one chunk per read (the stored buffer is never handed out). */
  private stream(bytes: Buffer, span: ByteSpan): Readable {
    let pos = span.start;
    const stop = span.end + 1;
    const chunk = this.readChunk;
    return new Readable({
      read() {
        if (pos >= stop) {
          this.push(null);
          return;
        }
        const n = Math.min(chunk, stop - pos);
        this.push(Buffer.from(bytes.subarray(pos, pos + n)));
        pos += n;
      },
    });
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    validateKey(key);
    this.check(opts.signal);
    const e = this.objects.get(key);
    return e ? info(key, e) : undefined;
  }

  async list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): Promise<ListResult> {
    validatePrefix(prefix);
    this.check(opts.signal);
    const delimiter = opts.delimiter || undefined;
    const objects: ObjectInfo[] = [];
    const prefixes = new Set<string>();
    for (const [key, e] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      const i = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (i >= 0) prefixes.add(key.slice(0, i + delimiter!.length));
      else objects.push(info(key, e));
    }
    objects.sort((a, b) => compareUtf8(a.key, b.key));
    return { objects, prefixes: [...prefixes].sort(compareUtf8) };
  }

  // ---------------------------------------------------------------------------------------------- writes

  put(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    return this.write(key, body, { kind: 'none' }, opts.signal);
  }

  putIfAbsent(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    return this.write(key, body, { kind: 'absent' }, opts.signal);
  }

  putIfMatch(key: string, etag: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    return this.write(key, body, { kind: 'match', etag }, opts.signal);
  }

  async delete(key: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    validateKey(key);
    this.check(opts.signal);
    const e = this.objects.get(key);
    if (!e) return;
    this.objects.delete(key);
    this.held -= e.bytes.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.objects.clear();
    this.held = 0;
  }

  private async write(key: string, body: Body, cond: Condition, signal?: AbortSignal): Promise<ObjectInfo> {
    validateKey(key);
    this.check(signal);
    const { bytes, reserved } = await this.collect(key, body, signal);
    try {
      this.check(signal);
      // From here to the end: no await, so the precondition and the switch are one step.
      const current = this.objects.get(key);
      if (cond.kind === 'absent' && current) {
        throw new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)}: already exists`);
      }
      if (cond.kind === 'match' && current?.etag !== cond.etag) {
        throw new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)}: ${current ? 'etag does not match' : 'does not exist'}`);
      }
      const entry: Entry = { bytes, etag: createHash('sha256').update(bytes).digest('hex'), lastModified: new Date() };
      this.objects.set(key, entry);
      // The reservation becomes the new object's share; the replaced object's bytes are released.
      this.held -= current?.bytes.length ?? 0;
      return info(key, entry);
    } catch (e) {
      this.held -= reserved;
      throw e;
    }
  }

  /** Read a body into a private buffer, reserving its bytes against `maxBytes` as they arrive. */
  private async collect(key: string, body: Body, signal?: AbortSignal): Promise<{ bytes: Buffer; reserved: number }> {
    let reserved = 0;
    const reserve = (n: number): void => {
      if (this.held + n > this.maxBytes) {
        throw new PsError('STORAGE_UNAVAILABLE', `${this.description} ${JSON.stringify(key)}: the store is full (limit ${this.maxBytes} bytes)`);
      }
      this.held += n;
      reserved += n;
    };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body); // a copy
        reserve(bytes.length);
        return { bytes, reserved };
      }
      const chunks: Buffer[] = [];
      const source = signal ? addAbortSignal(signal, body) : body;
      for await (const c of source) {
        const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as Uint8Array);
        reserve(b.length);
        chunks.push(b);
      }
      return { bytes: Buffer.concat(chunks), reserved };
    } catch (e) {
      this.held -= reserved;
      if (typeof body !== 'string' && !(body instanceof Uint8Array)) body.destroy();
      throw e;
    }
  }
}
