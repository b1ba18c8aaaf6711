/**
 * S3 object store: any S3 API server (AWS S3, Ceph RGW, MinIO, R2...), `s3://<bucket>/<prefix>`.
 *
 * Keys are stored under the URL's prefix; every key this store takes or returns is relative to it.
 *
 * Conditional writes are what coordinates processes, so they are always ONE PutObject request:
 *   putIfAbsent → `If-None-Match: *`, putIfMatch → `If-Match: <etag>` (etag sent without quotes: RGW compares
 *   the raw string). RGW ignores preconditions on multipart uploads, so a conditional put never goes multipart:
 *   a stream body larger than `singlePutMax` is spooled to a temp file (never to memory) to learn its length, and
 *   sent as one PutObject (S3's single-put limit: 5 GiB). A 412 (or RGW/AWS 409 ConditionalRequestConflict)
 *   becomes STORAGE_PRECONDITION_FAILED. Each conditional put carries a random write id in its metadata
 *   (x-amz-meta-ps-write-id): when a retried conditional put gets a 412 (the first attempt may have landed before
 *   its answer was lost), the current object's write id tells whether that object is ours (success) or another
 *   writer's (precondition failed), even when both wrote the same bytes.
 * Unconditional `put` of a stream: bodies up to `singlePutMax` are collected and sent as one PutObject (so
 *   same bytes → same MD5 etag); larger ones go through a multipart upload (@aws-sdk/lib-storage) that holds at
 *   most `queueSize` parts of `partSize` in memory.
 * Reads stream: `get` hands back the HTTP response body; ranges are validated locally (S3 ignores malformed
 *   ones) and sent as `Range: bytes=a-b` / `bytes=-n`.
 * Retries: the SDK's standard strategy (exponential backoff with jitter on 5xx, throttling, timeouts and
 *   connection errors), `maxAttempts` configurable. Timeouts: connect and socket-idle timeouts on the handler.
 * RGW quirks handled: checksums only when required (`requestChecksumCalculation`/`responseChecksumValidation`
 *   = WHEN_REQUIRED), unquoted If-Match, path-style addressing by default with a custom endpoint.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PsError } from '../errors.js';
import type { Config } from '../config.js';
import { validateKey, validatePrefix } from './keys.js';
import type { Body, ByteRange, GetResult, ListResult, ObjectInfo, ObjectStore, PutOptions } from './types.js';

// The SDK warns once per process that its releases after January 2027 need Node 22; we run Node 20 on a pinned
// SDK version (package-lock), so the warning is noise on every CLI run. An explicit setting still wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MiB = 1024 * 1024;
/** User metadata naming the conditional write that produced an object (x-amz-meta-ps-write-id). */
const WRITE_ID = 'ps-write-id';
/** S3's limit for one PutObject. */
const SINGLE_PUT_LIMIT = 5 * 1024 * MiB;

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ('' or ending with '/'). */
  prefix?: string;
  /** Custom endpoint (Ceph RGW, MinIO...). Default: AWS. */
  endpoint?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`). Default: true with a custom endpoint, else false. */
  pathStyle?: boolean;
  /** Static credentials; default: the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request, retries included (SDK standard retry strategy). Default 5. */
  maxAttempts?: number;
  /** Socket idle timeout per request in ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** TCP connect timeout in ms. Default 5 000. */
  connectionTimeoutMs?: number;
  /** Stream bodies up to this size are sent as one PutObject (collected in memory). Default 8 MiB. */
  singlePutMax?: number;
  /** Multipart part size for large unconditional puts. Default 8 MiB (min 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once. Default 2. */
  queueSize?: number;
  /** Max sockets to the server. Default 64. */
  maxSockets?: number;
  /** Where large conditional-put bodies are spooled. Default os.tmpdir(). */
  tmpDir?: string;
  /** Receives the SDK's warnings (default: dropped; the SDK would print them on the console). */
  logger?: { warn: (obj: object, msg: string) => void; debug: (obj: object, msg: string) => void };
}

/** Parse `s3://bucket[/prefix[/]]` → bucket and normalized prefix ('' or 'a/b/'). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/.exec(url);
  if (!m) throw new PsError('STORAGE_URL_INVALID', `'${url}': expected s3://<bucket>/<prefix>`);
  const bucket = m[1]!;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/.test(bucket)) {
    throw new PsError('STORAGE_URL_INVALID', `'${url}': '${bucket}' is not a valid bucket name`);
  }
  let prefix = (m[2] ?? '').replace(/^\/+/, '');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  try {
    validatePrefix(prefix);
  } catch (e) {
    throw new PsError('STORAGE_URL_INVALID', `'${url}': bad prefix (${(e as Error).message})`);
  }
  return { bucket, prefix };
}

/** An ETag without quotes (and without a weak marker). */
export function unquoteEtag(etag: string | undefined): string {
  if (!etag) return '';
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e;
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function statusOf(e: unknown): number | undefined {
  return (e as SdkError)?.$metadata?.httpStatusCode;
}
function nameOf(e: unknown): string {
  const x = e as SdkError;
  return String(x?.name ?? x?.Code ?? x?.code ?? '');
}
function attemptsOf(e: unknown): number {
  return (e as SdkError)?.$metadata?.attempts ?? 1;
}
function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return (signal?.aborted ?? false) || nameOf(e) === 'AbortError';
}
function isPrecondition(e: unknown): boolean {
  const n = nameOf(e);
  return statusOf(e) === 412 || n === 'PreconditionFailed' || n === 'ConditionalRequestConflict' || (statusOf(e) === 409 && /conditional/i.test(n));
}
function isNotFound(e: unknown): boolean {
  const n = nameOf(e);
  return n === 'NoSuchKey' || n === 'NotFound' || (statusOf(e) === 404 && n !== 'NoSuchBucket');
}

/** A body held whole (Buffer), spooled to a temp file (with its length), or a head + rest stream (large puts). */
type Prepared =
  | { kind: 'buffer'; data: Buffer }
  | { kind: 'file'; file: string; size: number; dispose: () => Promise<void> }
  | { kind: 'stream'; head: Buffer[]; rest: Readable };


export class S3Store implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  /** Same settings, SDK retries off: for bodies the SDK cannot replay (file streams), retried by us. */
  private readonly onceClient: S3Client;
  private readonly singlePutMax: number;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly tmpDir: string;
  private readonly maxAttempts: number;

  constructor(opts: S3StoreOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? '';
    if (this.prefix !== '' && !this.prefix.endsWith('/')) this.prefix += '/';
    validatePrefix(this.prefix);
    this.description = `s3://${this.bucket}/${this.prefix}`.replace(/\/$/, '');
    this.singlePutMax = opts.singlePutMax ?? 8 * MiB;
    this.partSize = Math.max(5 * MiB, opts.partSize ?? 8 * MiB);
    this.queueSize = opts.queueSize ?? 2;
    this.tmpDir = opts.tmpDir ?? os.tmpdir();
    this.maxAttempts = opts.maxAttempts ?? 5;
    const clientConfig = (maxAttempts: number): S3ClientConfig => ({
      region: opts.region || 'us-east-1',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.pathStyle ?? !!opts.endpoint,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      maxAttempts,
      logger: sdkLogger(opts.logger),
      retryMode: 'standard',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        requestTimeout: opts.requestTimeoutMs ?? 60_000,
        connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
        httpAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 64 },
        httpsAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 64 },
      },
    });
    this.client = new S3Client(clientConfig(this.maxAttempts));
    this.onceClient = new S3Client(clientConfig(1));
  }

  /**
   * Open `s3://bucket/prefix` with endpoint/region/path-style from `config` (s3Endpoint, s3Region, s3PathStyle,
   * s3MaxAttempts, s3TimeoutMs) and credentials from the standard AWS chain; `overrides` win over both.
   * Opening makes no request.
   */
  static async fromUrl(url: string, config: Partial<Config>, overrides: Partial<S3StoreOptions> = {}): Promise<S3Store> {
    const { bucket, prefix } = parseS3Url(url);
    const c = config;
    const opts: S3StoreOptions = { bucket, prefix };
    if (c.s3Endpoint) opts.endpoint = c.s3Endpoint;
    if (c.s3Region) opts.region = c.s3Region;
    if (c.s3PathStyle !== undefined) opts.pathStyle = c.s3PathStyle;
    if (c.s3MaxAttempts !== undefined) opts.maxAttempts = c.s3MaxAttempts;
    if (c.s3TimeoutMs !== undefined) opts.requestTimeoutMs = c.s3TimeoutMs;
    if (opts.endpoint !== undefined && !/^https?:\/\/[^/]+/.test(opts.endpoint)) {
      throw new PsError('CONFIG_INVALID', `S3 endpoint '${opts.endpoint}' must be an http:// or https:// URL`);
    }
    return new S3Store({ ...opts, ...overrides });
  }

  private full(key: string): string {
    return this.prefix + validateKey(key);
  }

  private fail(op: string, key: string, e: unknown, signal?: AbortSignal): Error {
    if (e instanceof PsError) return e;
    if (isAbort(e, signal)) return e instanceof Error ? e : new Error(String(e));
    const where = `${this.description} ${op} ${JSON.stringify(key)}`;
    const n = nameOf(e);
    const status = statusOf(e);
    const msg = (e as Error)?.message ?? String(e);
    if (n === 'NoSuchBucket') return new PsError('STORAGE_UNAVAILABLE', `${where}: bucket '${this.bucket}' does not exist`, { cause: e });
    if (status === 403 || n === 'AccessDenied' || n === 'InvalidAccessKeyId' || n === 'SignatureDoesNotMatch') {
      return new PsError('STORAGE_UNAVAILABLE', `${where}: access denied (${n || status}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy`, { cause: e });
    }
    if (n === 'CredentialsProviderError') {
      return new PsError('STORAGE_UNAVAILABLE', `${where}: no S3 credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile)`, { cause: e });
    }
    const tries = attemptsOf(e) > 1 ? ` after ${attemptsOf(e)} attempts` : '';
    return new PsError('STORAGE_UNAVAILABLE', `${where}${tries}: ${n || 'error'}${status ? ` (HTTP ${status})` : ''}: ${msg}`, { cause: e });
  }

  // ---------------------------------------------------------------------------------------------- reads

  async get(key: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<GetResult> {
    const Key = this.full(key);
    let Range: string | undefined;
    if (opts.range) Range = rangeHeader(key, opts.range);
    let r;
    try {
      r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, ...(Range ? { Range } : {}) }), { abortSignal: opts.signal });
    } catch (e) {
      if (isNotFound(e)) throw new PsError('STORAGE_NOT_FOUND', `${JSON.stringify(key)} in ${this.description}`);
      if (statusOf(e) === 416 || nameOf(e) === 'InvalidRange') {
        throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)}: ${Range} is not satisfiable`);
      }
      throw this.fail('get', key, e, opts.signal);
    }
    const body = r.Body as Readable | undefined;
    const length = r.ContentLength ?? 0;
    const cr = r.ContentRange ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(r.ContentRange) : null;
    const size = cr && cr[3] !== '*' ? Number(cr[3]) : cr ? Number(cr[2]) + 1 : length;
    const info: ObjectInfo = { key, size, etag: unquoteEtag(r.ETag), lastModified: r.LastModified ?? new Date(0) };
    const stream = body ?? Readable.from([]);
    if (opts.signal) {
      // Aborting after the headers arrived stops the body too (as the fs backend does).
      const signal = opts.signal;
      const onAbort = (): void => {
        stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    if (!opts.range) return { info, body: stream };
    if (cr) return { info, body: stream, range: { start: Number(cr[1]), end: Number(cr[2]) } };
    // A 200 to a range request: the server served the whole object (some do when the range covers it all).
    if (size === 0) {
      stream.destroy();
      throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)}: the object is empty`);
    }
    const want = resolveRange(key, opts.range, size);
    if (want.start === 0 && want.end === size - 1) return { info, body: stream, range: want };
    stream.destroy();
    throw new PsError('STORAGE_UNAVAILABLE', `${this.description} ignored the range ${Range} on ${JSON.stringify(key)}`);
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    const Key = this.full(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: opts.signal });
      return { key, size: r.ContentLength ?? 0, etag: unquoteEtag(r.ETag), lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.fail('head', key, e, opts.signal);
    }
  }

  async list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): Promise<ListResult> {
    validatePrefix(prefix);
    const full = this.prefix + prefix;
    const cut = this.prefix.length;
    const objects: ObjectInfo[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(full ? { Prefix: full } : {}),
            ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
            MaxKeys: 1000,
          }),
          { abortSignal: opts.signal },
        );
        for (const o of r.Contents ?? []) {
          if (!o.Key || !o.Key.startsWith(this.prefix)) continue;
          objects.push({ key: o.Key.slice(cut), size: o.Size ?? 0, etag: unquoteEtag(o.ETag), lastModified: o.LastModified ?? new Date(0) });
        }
        for (const cp of r.CommonPrefixes ?? []) if (cp.Prefix?.startsWith(this.prefix)) prefixes.push(cp.Prefix.slice(cut));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw this.fail('list', prefix, e, opts.signal);
    }
    // S3 returns keys in UTF-8 byte order page by page; make sure of it across pages and kinds.
    objects.sort((a, b) => compareUtf8(a.key, b.key));
    prefixes.sort(compareUtf8);
    return { objects, prefixes };
  }

  // ---------------------------------------------------------------------------------------------- writes

  async put(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.full(key);
    const p = await this.prepare(body, false, opts.signal);
    try {
      if (p.kind === 'stream') return await this.multipart(key, Key, p, opts);
      return await this.putOnce(key, Key, p, {}, opts);
    } finally {
      if (p.kind === 'file') await p.dispose();
    }
  }

  async putIfAbsent(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.full(key);
    const p = await this.prepare(body, true, opts.signal);
    try {
      return await this.putOnce(key, Key, p as Exclude<Prepared, { kind: 'stream' }>, { IfNoneMatch: '*' }, opts);
    } finally {
      if (p.kind === 'file') await p.dispose();
    }
  }

  async putIfMatch(key: string, etag: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.full(key);
    const want = unquoteEtag(etag);
    if (!want || /["*,\s]/.test(want)) {
      // Drain a stream body so the caller's source is not left paused; no real etag looks like this.
      if (body instanceof Readable) body.destroy();
      throw new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)}: etag ${JSON.stringify(etag)} cannot match`);
    }
    const p = await this.prepare(body, true, opts.signal);
    try {
      return await this.putOnce(key, Key, p as Exclude<Prepared, { kind: 'stream' }>, { IfMatch: want }, opts);
    } finally {
      if (p.kind === 'file') await p.dispose();
    }
  }

  async delete(key: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const Key = this.full(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: opts.signal });
    } catch (e) {
      if (isNotFound(e)) return;
      throw this.fail('delete', key, e, opts.signal);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.onceClient.destroy();
  }

  // ---------------------------------------------------------------------------------------------- internals

  /**
   * Turn a body into something sendable. Bytes/strings → buffer. A stream: collected up to `singlePutMax`;
   * beyond that, `single` (conditional puts) spools it to a temp file, otherwise the rest stays a stream.
   */
  private async prepare(body: Body, single: boolean, signal?: AbortSignal): Promise<Prepared> {
    if (typeof body === 'string') return { kind: 'buffer', data: Buffer.from(body, 'utf8') };
    if (Buffer.isBuffer(body)) return { kind: 'buffer', data: body };
    if (body instanceof Uint8Array) return { kind: 'buffer', data: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
    signal?.throwIfAborted();
    const head: Buffer[] = [];
    let n = 0;
    const it = body[Symbol.asyncIterator]();
    for (;;) {
      const r = await it.next();
      if (r.done) return { kind: 'buffer', data: Buffer.concat(head, n) };
      const c = typeof r.value === 'string' ? Buffer.from(r.value) : Buffer.from(r.value as Uint8Array);
      head.push(c);
      n += c.length;
      if (n > this.singlePutMax) break;
    }
    // The rest of the stream (iteration resumes where it stopped).
    const rest = Readable.from({ [Symbol.asyncIterator]: () => it });
    if (!single) return { kind: 'stream', head, rest };
    const dir = await fsp.mkdtemp(path.join(this.tmpDir, 'ps-s3-'));
    const file = path.join(dir, `body-${randomBytes(6).toString('hex')}`);
    const dispose = async (): Promise<void> => {
      await fsp.rm(dir, { recursive: true, force: true });
    };
    try {
      let size = 0;
      const all = Readable.from(
        (async function* () {
          for (const c of head) yield c;
          for await (const c of rest) yield c;
        })(),
      );
      all.on('data', (c: Buffer) => {
        size += c.length;
      });
      await pipeline(all, createWriteStream(file), signal ? { signal } : {});
      if (size > SINGLE_PUT_LIMIT) {
        throw new PsError('PAYLOAD_TOO_LARGE', `a conditional write is one PutObject, limited to 5 GiB; this body has ${size} bytes`);
      }
      return { kind: 'file', file, size, dispose };
    } catch (e) {
      await dispose();
      throw e;
    }
  }

  /** One PutObject (with optional preconditions); a file body is re-opened on each of our own retries. */
  private async putOnce(
    key: string,
    Key: string,
    p: Exclude<Prepared, { kind: 'stream' }>,
    cond: { IfNoneMatch?: string; IfMatch?: string },
    opts: PutOptions,
  ): Promise<ObjectInfo> {
    const conditional = !!(cond.IfMatch || cond.IfNoneMatch);
    const size = p.kind === 'buffer' ? p.data.length : p.size;
    // A conditional write carries a random id, so that a retry that fails its precondition can tell whether the
    // object it collides with is its own earlier attempt (answer lost) or another writer's (even with equal bytes).
    const writeId = conditional ? randomBytes(12).toString('hex') : '';
    const base: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key,
      ContentLength: size,
      ...(opts.contentType ? { ContentType: opts.contentType } : {}),
      ...(conditional ? { Metadata: { [WRITE_ID]: writeId } } : {}),
      ...cond,
    };
    // Buffers are retried by the SDK. A file stream cannot be replayed by the SDK, so it is sent with SDK retries
    // off and retried here, re-opening the file.
    const ourAttempts = p.kind === 'file' ? this.maxAttempts : 1;
    let lastErr: unknown;
    for (let attempt = 1; attempt <= ourAttempts; attempt++) {
      try {
        const Body = p.kind === 'buffer' ? p.data : createReadStream(p.file);
        const client = p.kind === 'file' ? this.onceClient : this.client;
        const r = await client.send(new PutObjectCommand({ ...base, Body }), { abortSignal: opts.signal });
        return { key, size, etag: unquoteEtag(r.ETag), lastModified: new Date() };
      } catch (e) {
        lastErr = e;
        const retried = attempt > 1 || attemptsOf(e) > 1;
        if (isPrecondition(e) || (cond.IfMatch && isNotFound(e))) {
          if (conditional && retried) {
            // An earlier attempt may have landed before its answer was lost, and the retry then met our own object.
            const ours = await this.ourWrite(key, Key, writeId, opts.signal);
            if (ours) return ours;
          }
          throw new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)} in ${this.description}: ${cond.IfNoneMatch ? 'already exists' : 'etag does not match'}`);
        }
        if (isAbort(e, opts.signal) || attempt >= ourAttempts || !transient(e)) break;
        await sleep(Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
    if (conditional && !isAbort(lastErr, opts.signal) && transient(lastErr)) {
      // RGW answers 500 (not 412) to some conditional puts that lose a race, even after retries. The request is
      // over either way, so the object's current state settles it: our write id means it landed; an object whose
      // state no longer satisfies the precondition means another writer won; only an unchanged state is a real outage.
      const settled = await this.settleConditional(key, Key, writeId, cond, opts.signal);
      if (settled === 'precondition') {
        throw new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)} in ${this.description}: ${cond.IfNoneMatch ? 'already exists' : 'etag does not match'} (after a server error)`);
      }
      if (settled) return settled;
    }
    throw this.fail(conditional ? 'conditional put' : 'put', key, lastErr, opts.signal);
  }

  /** After a conditional put failed with a server error: our object, 'precondition' if another writer won, else undefined. */
  private async settleConditional(
    key: string,
    Key: string,
    writeId: string,
    cond: { IfNoneMatch?: string; IfMatch?: string },
    signal?: AbortSignal,
  ): Promise<ObjectInfo | 'precondition' | undefined> {
    let r;
    try {
      r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal });
    } catch (e) {
      if (isNotFound(e)) return cond.IfMatch ? 'precondition' : undefined;
      return undefined;
    }
    if (r.Metadata?.[WRITE_ID] === writeId) return { key, size: r.ContentLength ?? 0, etag: unquoteEtag(r.ETag), lastModified: r.LastModified ?? new Date(0) };
    if (cond.IfNoneMatch) return 'precondition';
    return unquoteEtag(r.ETag) !== cond.IfMatch ? 'precondition' : undefined;
  }

  /** The object at `Key` if it was written by the conditional put carrying `writeId`, else undefined. */
  private async ourWrite(key: string, Key: string, writeId: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal });
      if (r.Metadata?.[WRITE_ID] !== writeId) return undefined;
      return { key, size: r.ContentLength ?? 0, etag: unquoteEtag(r.ETag), lastModified: r.LastModified ?? new Date(0) };
    } catch {
      return undefined;
    }
  }

  /** A large unconditional stream: multipart upload, at most `queueSize` parts in memory. */
  private async multipart(key: string, Key: string, p: Extract<Prepared, { kind: 'stream' }>, opts: PutOptions): Promise<ObjectInfo> {
    let size = 0;
    const counted = new PassThrough({ highWaterMark: MiB });
    counted.on('data', (c: Buffer) => {
      size += c.length;
    });
    const source = Readable.from(
      (async function* () {
        for (const c of p.head) yield c;
        for await (const c of p.rest) yield c;
      })(),
    );
    source.on('error', (e) => counted.destroy(e));
    source.pipe(counted);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: counted, ...(opts.contentType ? { ContentType: opts.contentType } : {}) },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    const onAbort = (): void => {
      void upload.abort();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await upload.done();
      let etag = unquoteEtag(r.ETag);
      if (!etag) {
        // RGW's CompleteMultipartUpload answer carries no ETag the SDK can read: ask for it. (Another writer could
        // overwrite in between; unconditional puts give no guarantee about that anyway.)
        etag = (await this.head(key))?.etag ?? '';
      }
      return { key, size, etag, lastModified: new Date() };
    } catch (e) {
      source.destroy();
      throw this.fail('multipart put', key, e, opts.signal);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function sdkLogger(l: S3StoreOptions['logger']): { debug: (...a: unknown[]) => void; info: (...a: unknown[]) => void; warn: (...a: unknown[]) => void; error: (...a: unknown[]) => void } {
  const text = (a: unknown[]): string => a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return {
    debug: (...a) => l?.debug({ sdk: text(a) }, 's3 sdk'),
    info: (...a) => l?.debug({ sdk: text(a) }, 's3 sdk'),
    warn: (...a) => l?.warn({ sdk: text(a) }, 's3 sdk warning'),
    error: (...a) => l?.warn({ sdk: text(a) }, 's3 sdk error'),
  };
}

function transient(e: unknown): boolean {
  const s = statusOf(e);
  if (s !== undefined && (s >= 500 || s === 429)) return true;
  const code = (e as { code?: string })?.code ?? '';
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) || /Timeout/i.test(nameOf(e));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Validate a range locally (S3 silently ignores malformed ones) and render the Range header. */
function rangeHeader(key: string, r: ByteRange): string {
  const bad = (why: string): never => {
    throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)}: ${why}`);
  };
  if ('suffix' in r) {
    if (!Number.isSafeInteger(r.suffix) || r.suffix <= 0) bad(`suffix ${r.suffix} must be a positive integer`);
    return `bytes=-${r.suffix}`;
  }
  if (!Number.isSafeInteger(r.start) || r.start < 0) bad(`start ${r.start} must be a non-negative integer`);
  if (r.end === undefined) return `bytes=${r.start}-`;
  if (!Number.isSafeInteger(r.end)) bad(`end ${r.end} must be an integer`);
  if (r.end < r.start) bad(`end ${r.end} is before start ${r.start}`);
  return `bytes=${r.start}-${r.end}`;
}

function resolveRange(key: string, r: ByteRange, size: number): { start: number; end: number } {
  if ('suffix' in r) return { start: Math.max(0, size - r.suffix), end: size - 1 };
  if (r.start >= size) throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)}: start ${r.start} is past the end (${size} bytes)`);
  return { start: r.start, end: Math.min(r.end ?? size - 1, size - 1) };
}
