/**
 * Pull-through proxy (`serve --proxy-to <url>`): local packages first, then an upstream registry.
 *
 * Elastic's proxy-mode semantics where it has them (see merge.ts for /search and /categories; package pages,
 * zips, signatures and static files come from the store, else from the upstream). Beyond Elastic's:
 * - upstream artifacts are served by us (200, Range, ETag, conditional requests), from a local cache that an
 *   artifact enters only once its signature verifies against the trusted keys (without trusted keys nothing is
 *   cached: each request is fetched and streamed again);
 * - every upstream answer is kept, so when the upstream is down or slow (idle timeout, retries) the last one
 *   seen is served, marked `Warning: 110 - "Response is Stale"` and `X-Package-Storage-Upstream: stale`;
 *   with nothing seen, /search and /categories answer the local part, marked `Warning: 199` and
 *   `X-Package-Storage-Upstream: unavailable`, never a 500;
 * - the cache is a folder of its own (cache.ts), never the store: the upstream cannot write into the
 *   published namespace.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PsError, isPsError, toPsError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { verifyDetached, type Keyring } from '../../signing/index.js';
import { joinUrl } from '../../mirror/config.js';
import { DEFAULT_UPSTREAM_HTTP, downloadFile, getBytes, type UpstreamHttpOptions } from '../../mirror/http.js';
import { parseHttpDate, parseRange, resolveRange } from '../http.js';
import { errorResult, parseGoQuery, JSON_TYPE, TEXT_TYPE, type ServiceResult } from '../service.js';
import { ProxyCache, type CachedArtifact } from './cache.js';
import { mergeCategories, mergeSearch } from './merge.js';

export interface ProxyOptions {
  /** Base URL of the upstream registry (e.g. https://epr.elastic.co). */
  upstream: string;
  /** The cache folder (answers and verified artifacts); must not be inside a local store. */
  cacheDir: string;
  /** Idle timeout, retries and backoff of upstream requests. */
  http?: Partial<Pick<UpstreamHttpOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'maxBackoffMs'>>;
  /** Keys the upstream's signatures must verify against before an artifact is cached. */
  keyring?: Keyring;
  /** Most upstream answers kept (distinct requests; default 20000). Past it, new requests are not kept. */
  maxCachedAnswers?: number;
  /** Largest upstream zip accepted (bytes; default 250 MiB). */
  maxZipBytes?: number;
  logger?: Logger;
}

export const UPSTREAM_HEADER = 'X-Package-Storage-Upstream';
const STALE_WARNING = '110 - "Response is Stale"';
const MAX_JSON_BYTES = 256 * 1024 * 1024;
const MAX_STATIC_BYTES = 16 * 1024 * 1024;
const MAX_SIG_BYTES = 64 * 1024;

type Mark = 'fresh' | 'stale' | 'unavailable' | 'cached';

function mark(reply: FastifyReply, m: Mark, why?: string): void {
  reply.header(UPSTREAM_HEADER, m);
  if (m === 'stale') reply.header('Warning', STALE_WARNING);
  if (m === 'unavailable') reply.header('Warning', `199 - "upstream registry unavailable, local packages only${why ? `: ${why.replace(/["\\\r\n]/g, ' ').slice(0, 200)}` : ''}"`);
}

export class RegistryProxy {
  private readonly http: UpstreamHttpOptions;
  private readonly log: Logger;
  private readonly inflight = new Map<string, Promise<CachedArtifact | { tmp: string; zip: string; sig?: string; sha256: string; size: number }>>();

  private constructor(
    readonly opts: ProxyOptions,
    readonly cache: ProxyCache,
  ) {
    this.log = opts.logger ?? silentLogger;
    this.http = { ...DEFAULT_UPSTREAM_HTTP, ...opts.http, logger: this.log };
  }

  static async open(opts: ProxyOptions): Promise<RegistryProxy> {
    const u = new URL(opts.upstream);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PsError('CONFIG_INVALID', `proxy upstream must be http(s), got '${opts.upstream}'`);
    const log = opts.logger ?? silentLogger;
    const cache = await ProxyCache.open(opts.cacheDir, { maxAnswers: opts.maxCachedAnswers, onFull: () => log.warn({ dir: opts.cacheDir }, 'proxy: answer cache is full; new requests are not kept') });
    const p = new RegistryProxy(opts, cache);
    if (!opts.keyring) p.log.warn('proxy: no trusted keys: upstream artifacts are not verified and therefore never cached');
    return p;
  }

  private url(...parts: string[]): URL {
    return joinUrl(this.opts.upstream, ...parts);
  }

  /** GET an upstream answer; on success it is kept. On failure the kept one, if any, with `stale: true`. */
  private async answer(key: string, url: string, maxBytes: number): Promise<{ body: Buffer; contentType: string; stale: boolean } | { error: PsError }> {
    try {
      const r = await getBytes(url, this.http, maxBytes, `upstream ${new URL(url).pathname}`);
      await this.cache.putAnswer(key, { url, status: 200, contentType: r.contentType, body: r.body }).catch((e: unknown) => this.log.warn({ err: String(e) }, 'proxy: cannot keep an upstream answer'));
      return { body: r.body, contentType: r.contentType, stale: false };
    } catch (e) {
      const err = toPsError(e);
      if (err.code === 'UPSTREAM_NOT_FOUND') return { error: err };
      const kept = await this.cache.getAnswer(key);
      this.log.warn({ url, err: err.message, stale: kept !== undefined }, 'proxy: upstream request failed');
      if (kept) return { body: kept.body, contentType: kept.contentType, stale: true };
      return { error: err };
    }
  }

  private parseJson(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** `/search`: the local answer (already a 200) merged with the upstream's for the same query. */
  async search(local: ServiceResult, rawQuery: string, reply: FastifyReply): Promise<ServiceResult> {
    return this.merged('search', local, rawQuery, reply, (l, u) => mergeSearch(l, u, parseGoQuery(rawQuery)));
  }

  /** `/categories`: counts summed per id with the upstream's. */
  async categories(local: ServiceResult, rawQuery: string, reply: FastifyReply): Promise<ServiceResult> {
    return this.merged('categories', local, rawQuery, reply, (l, u) => mergeCategories(l, u));
  }

  private async merged(route: 'search' | 'categories', local: ServiceResult, rawQuery: string, reply: FastifyReply, merge: (local: Buffer | string, upstream: unknown) => string): Promise<ServiceResult> {
    if (local.status !== 200 || local.error) return local;
    const u = this.url(route);
    const url = `${u.toString()}${rawQuery ? `?${rawQuery}` : ''}`;
    const a = await this.answer(`${route}?${rawQuery}`, url, MAX_JSON_BYTES);
    const items = 'body' in a ? this.parseJson(a.body) : undefined;
    if (!('body' in a) || !Array.isArray(items)) {
      mark(reply, 'unavailable', 'error' in a ? a.error.code : 'not a JSON array');
      return { status: 200, body: merge(local.body, []), contentType: JSON_TYPE };
    }
    mark(reply, a.stale ? 'stale' : 'fresh');
    return { status: 200, body: merge(local.body, items), contentType: JSON_TYPE };
  }

  /** `/package/{n}/{v}/` of a version the store does not have. */
  async packageIndex(name: string, version: string, reply: FastifyReply): Promise<ServiceResult> {
    const a = await this.answer(`package/${name}/${version}/`, this.url('package', name, `${version}/`).toString(), MAX_JSON_BYTES);
    if ('error' in a) {
      if (a.error.code === 'UPSTREAM_NOT_FOUND') return errorResult(404, 'package revision not found');
      mark(reply, 'unavailable', a.error.code);
      return errorResult(a.error.status, `upstream registry unavailable: ${a.error.code}`);
    }
    const doc = this.parseJson(a.body) as { name?: unknown; version?: unknown } | undefined;
    if (!doc || doc.name !== name || doc.version !== version) {
      mark(reply, 'unavailable', 'UPSTREAM_BAD_ANSWER');
      return errorResult(502, 'upstream registry answered another package');
    }
    mark(reply, a.stale ? 'stale' : 'fresh');
    return { status: 200, body: a.body, contentType: JSON_TYPE };
  }

  /** `/package/{n}/{v}/{file}` of a version the store does not have (kept; served from what was kept first). */
  async serveStatic(req: FastifyRequest, reply: FastifyReply, name: string, version: string, file: string): Promise<unknown> {
    const key = `static/${name}/${version}/${file}`;
    let kept = await this.cache.getAnswer(key);
    let m: Mark = 'cached';
    if (!kept) {
      const url = this.url('package', name, version, ...file.split('/').map(encodeURIComponent)).toString();
      const a = await this.answer(key, url, MAX_STATIC_BYTES);
      if ('error' in a) {
        if (a.error.code === 'UPSTREAM_NOT_FOUND') return sendText(reply, 404, 'resource not found', true);
        mark(reply, 'unavailable', a.error.code);
        return sendText(reply, a.error.status, `upstream registry unavailable: ${a.error.code}`);
      }
      kept = { url, status: 200, contentType: a.contentType, body: a.body, storedAt: new Date() };
      m = a.stale ? 'stale' : 'fresh';
    }
    mark(reply, m);
    const etag = `"${createHash('sha256').update(kept.body).digest('hex').slice(0, 32)}"`;
    return serveBytes(req, reply, { size: kept.body.length, etag, mtime: kept.storedAt, contentType: kept.contentType || 'application/octet-stream', open: (s, e) => Promise.resolve(kept!.body.subarray(s, e + 1)) });
  }

  /** `/epr/{n}/{n}-{v}.zip[.sig]` (and `/epr/package/{n}-{v}.zip[.sig]`) of a version the store does not have. */
  async serveArtifact(req: FastifyRequest, reply: FastifyReply, name: string, version: string, sig: boolean): Promise<unknown> {
    const notFound = sig ? 'signature file not found' : 'artifact not found';
    let got: CachedArtifact | { tmp: string; zip: string; sig?: string; sha256: string; size: number } | undefined = await this.cache.getArtifact(name, version);
    let m: Mark = 'cached';
    if (!got) {
      try {
        got = await this.fetchArtifact(name, version);
        m = 'fresh';
      } catch (e) {
        const err = toPsError(e);
        if (err.code === 'UPSTREAM_NOT_FOUND') return sendText(reply, 404, notFound);
        this.log.warn({ name, version, err: err.message }, 'proxy: upstream artifact not served');
        mark(reply, 'unavailable', err.code);
        if (err.code.startsWith('SIGNATURE_') || err.code === 'PACKAGE_NAME_MISMATCH') return sendText(reply, 502, `upstream artifact refused: ${err.code}`);
        return sendText(reply, err.status >= 500 ? err.status : 502, `upstream registry unavailable: ${err.code}`);
      }
    }
    mark(reply, m);
    const uncached = 'tmp' in got ? got.tmp : undefined;
    try {
      if (sig) {
        if (got.sig === undefined) return sendText(reply, 404, notFound);
        const body = await fsp.readFile(got.sig);
        const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
        return await serveBytes(req, reply, { size: body.length, etag, mtime: 'storedAt' in got ? got.storedAt : new Date(), contentType: 'application/pgp-signature', open: (s, e) => Promise.resolve(body.subarray(s, e + 1)) });
      }
      const zip = got.zip;
      return await serveBytes(req, reply, {
        size: got.size,
        etag: `"${got.sha256}"`,
        mtime: 'storedAt' in got ? got.storedAt : new Date(),
        contentType: 'application/zip',
        open: (s, e) => Promise.resolve(createReadStream(zip, { start: s, end: e })),
        onDone: uncached ? () => void fsp.rm(uncached, { recursive: true, force: true }) : undefined,
      });
    } catch (e) {
      if (uncached) await fsp.rm(uncached, { recursive: true, force: true });
      throw e;
    }
  }

  /** Download zip and signature; verify; cache (with trusted keys). Concurrent requests share one download. */
  private fetchArtifact(name: string, version: string): Promise<CachedArtifact | { tmp: string; zip: string; sig?: string; sha256: string; size: number }> {
    const id = `${name}-${version}`;
    if (this.opts.keyring) {
      const running = this.inflight.get(id);
      if (running) return running;
    }
    const p = (async () => {
      const tmp = await this.cache.tempDir();
      try {
        const zip = path.join(tmp, 'package.zip');
        const sigFile = path.join(tmp, 'package.zip.sig');
        const zipUrl = this.url('epr', name, `${id}.zip`).toString();
        let sigText: string | undefined;
        try {
          const s = await getBytes(`${zipUrl}.sig`, this.http, MAX_SIG_BYTES, `upstream /epr/${name}/${id}.zip.sig`);
          sigText = s.body.toString('utf8');
        } catch (e) {
          if (!isPsError(e, 'UPSTREAM_NOT_FOUND') || this.opts.keyring) throw e;
        }
        const d = await downloadFile(zipUrl, zip, this.http, this.opts.maxZipBytes ?? 250 * 1024 * 1024, undefined, `upstream /epr/${name}/${id}.zip`);
        if (sigText !== undefined) await fsp.writeFile(sigFile, sigText);
        if (!this.opts.keyring) return { tmp, zip, sig: sigText === undefined ? undefined : sigFile, sha256: d.sha256, size: d.size };
        if (sigText === undefined) throw new PsError('SIGNATURE_MISSING', `${id}: the upstream has no signature`);
        await verifyDetached(zip, sigText, this.opts.keyring);
        return await this.cache.commitArtifact(name, version, tmp, { size: d.size, sha256: d.sha256, sigSha256: createHash('sha256').update(sigText).digest('hex') });
      } catch (e) {
        await fsp.rm(tmp, { recursive: true, force: true });
        throw e;
      }
    })();
    if (this.opts.keyring) {
      this.inflight.set(id, p);
      void p.then(
        () => this.inflight.delete(id),
        () => this.inflight.delete(id),
      );
    }
    return p;
  }
}

function sendText(reply: FastifyReply, status: number, text: string, keepCache = false): FastifyReply {
  if (!keepCache) reply.header('Cache-Control', ['max-age=0', 'private, no-store']);
  reply.removeHeader('Content-Length');
  return reply.code(status).header('Content-Type', TEXT_TYPE).header('X-Content-Type-Options', 'nosniff').send(`${text}\n`);
}

interface Servable {
  size: number;
  etag: string;
  mtime: Date;
  contentType: string;
  /** The bytes start..end (inclusive). */
  open(start: number, end: number): Promise<Buffer | NodeJS.ReadableStream>;
  onDone?: () => void;
}

/** Range (206/416), If-None-Match / If-Modified-Since (304), If-Range; ETag, Last-Modified, Accept-Ranges. */
async function serveBytes(req: FastifyRequest, reply: FastifyReply, s: Servable): Promise<unknown> {
  const head = req.method === 'HEAD';
  const lastModified = new Date(Math.floor(s.mtime.getTime() / 1000) * 1000);
  reply.header('Accept-Ranges', 'bytes').header('ETag', s.etag).header('Last-Modified', lastModified.toUTCString());
  if (s.onDone) reply.raw.once('close', s.onDone);
  const inm = req.headers['if-none-match'];
  let notModified = false;
  if (typeof inm === 'string') notModified = inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === s.etag);
  else if (req.headers['if-modified-since']) {
    const ims = parseHttpDate(String(req.headers['if-modified-since']));
    if (ims && lastModified.getTime() <= ims.getTime()) notModified = true;
  }
  if (notModified) return reply.code(304).send();
  let range = req.method === 'GET' || head ? parseRange(req.headers.range) : undefined;
  const ifRange = req.headers['if-range'];
  if (range !== undefined && range !== 'invalid' && typeof ifRange === 'string') {
    const d = parseHttpDate(ifRange);
    if (!(ifRange.trim() === s.etag || (d !== undefined && d.getTime() === lastModified.getTime()))) range = undefined;
  }
  const r = range === undefined ? undefined : range === 'invalid' ? undefined : resolveRange(range, s.size);
  if (range === 'invalid' || (range !== undefined && !r)) {
    reply.header('Content-Range', `bytes */${s.size}`);
    return sendText(reply, 416, 'invalid range: failed to overlap', true);
  }
  reply.header('Content-Type', s.contentType);
  if (r) {
    reply.code(206).header('Content-Range', `bytes ${r.start}-${r.end}/${s.size}`).header('Content-Length', String(r.end - r.start + 1));
    return reply.send(head ? undefined : await s.open(r.start, r.end));
  }
  reply.code(200).header('Content-Length', String(s.size));
  if (head || s.size === 0) return reply.send(head ? undefined : Buffer.alloc(0));
  return reply.send(await s.open(0, s.size - 1));
}
