/**
 * The object-store port. Everything the system shares lives behind this interface; nothing coordinates
 * processes but the conditional writes below. Backends: `fs` (local disk, default) and `s3`.
 * Every backend must pass the contract suite in `contract.case.test.ts`.
 */
import type { Readable } from 'node:stream';

/** A body to write: bytes, or a stream (never buffered whole by the backend when large). */
export type Body = Buffer | Uint8Array | string | Readable;

export interface ObjectInfo {
  key: string;
  /** Size in bytes. */
  size: number;
  /** Opaque entity tag, without quotes. For `fs` it is a content hash. */
  etag: string;
  lastModified: Date;
}

/** Inclusive byte range, as in HTTP: {start, end} or a suffix {suffix: n} (last n bytes). */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface GetResult {
  info: ObjectInfo;
  /** The bytes (the requested range only, if a range was asked). */
  body: Readable;
  /** The range actually served (inclusive), when a range was requested. */
  range?: { start: number; end: number };
}

export interface ListResult {
  /** Objects directly matching (with a delimiter: only those not under a deeper "folder"). Sorted by key. */
  objects: ObjectInfo[];
  /** With a delimiter: the distinct "folders" (prefix + part + delimiter). Sorted. */
  prefixes: string[];
}

export interface PutOptions {
  contentType?: string;
  signal?: AbortSignal;
}

export interface ObjectStore {
  /** A short description for logs, e.g. `fs:/srv/data` or `s3://bucket/prefix`. */
  readonly description: string;
  /**
   * Read an object, or a byte range of it. Throws PsError STORAGE_NOT_FOUND if absent, STORAGE_RANGE_INVALID
   * if the range starts past the end (or the object is empty and a range was asked).
   */
  get(key: string, opts?: { range?: ByteRange; signal?: AbortSignal }): Promise<GetResult>;
  /** Metadata, or `undefined` if the key does not exist. */
  head(key: string, opts?: { signal?: AbortSignal }): Promise<ObjectInfo | undefined>;
  /** All keys under `prefix` (pagination handled inside), sorted. */
  list(prefix: string, opts?: { delimiter?: string; signal?: AbortSignal }): Promise<ListResult>;
  /** Unconditional write (atomic: readers see the old object or the new one, never a part). */
  put(key: string, body: Body, opts?: PutOptions): Promise<ObjectInfo>;
  /** Write only if the key does not exist; otherwise throw PsError STORAGE_PRECONDITION_FAILED. */
  putIfAbsent(key: string, body: Body, opts?: PutOptions): Promise<ObjectInfo>;
  /** Compare-and-swap: write only if the current etag equals `etag`; otherwise STORAGE_PRECONDITION_FAILED. */
  putIfMatch(key: string, etag: string, body: Body, opts?: PutOptions): Promise<ObjectInfo>;
  /** Delete; deleting a missing key is not an error. */
  delete(key: string, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Release resources (connections, timers). */
  close?(): Promise<void>;
}
