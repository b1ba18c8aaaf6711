/**
 * The registry HTTP server (fastify 5): the Elastic Package Registry API over a Package Storage v2 bucket
 * (registry-api.md), the raw bucket paths (so a stock EPR can use us as its `storage-endpoint`), Prometheus
 * metrics, the HTTP publish endpoint and the web UI.
 *
 * Routing follows gorilla/mux as EPR configures it (path cleaning, StrictSlash redirects, route order), so
 * EPR routes go through one catch-all handler with our own matcher; fastify routes only serve our additions
 * (`/metrics`, `/api/v1/...`, `/app/...`). Handlers are thin: the logic is in `service.ts`.
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import { PsError, isPsError, toPsError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore, ObjectInfo, GetResult } from '../storage/types.js';
import { KEYS } from '../index/format.js';
import { FAVICON } from './favicon.js';
import { contentTypeByExtension, goEscapePath, goUnescapePath, muxCleanPath, parseHttpDate, parseRange, redirectBody, resolveRange, sniffContentType } from './http.js';
import { categories, lookup, packageIndex, parseGoQuery, search, TEXT_TYPE, type ServiceOptions, type ServiceResult } from './service.js';
import { CatalogWatcher, type RefreshOutcome } from './watcher.js';
import type { Catalog } from './catalog.js';
import { ZipFiles } from './zipfiles.js';
import { RegistryProxy, type ProxyOptions } from './proxy/index.js';
import type { Keyring } from '../signing/index.js';
import { encodedBody, negotiate, type Compressible } from './compress.js';

export interface CacheTimes {
  /** `/`, `/index.json`, `/package/{n}/{v}/` (seconds). */
  index: number;
  search: number;
  categories: number;
  /** zips, signatures, static files, favicon. */
  catchAll: number;
}

export const DEFAULT_CACHE_TIMES: CacheTimes = { index: 10, search: 600, categories: 600, catchAll: 600 };

/** What the HTTP publish endpoint calls with the spooled upload. */
export type PublishFn = (zipFile: string, signature: string | undefined) => Promise<{ status: string; name: string; version: string; cursor?: string; ms: number }>;

export interface RegistryOptions {
  store: ObjectStore;
  logger?: Logger;
  /** Poll interval of cursor.json (ms); 0 = no polling (tests call refresh()). Default 1000. */
  pollIntervalMs?: number;
  cacheTimes?: Partial<CacheTimes>;
  serviceName?: string;
  serviceVersion?: string;
  query?: ServiceOptions;
  /** Bearer tokens allowed to publish; empty = HTTP publishing disabled. */
  publishTokens?: string[];
  publish?: PublishFn;
  /** The trusted keyring; /api/v1/keys serves its export (the public parts of its keys, never a private key). */
  trustedKeys?: Pick<Keyring, 'armored'>;
  /** Redirect zip/sig downloads to this base URL (CDN / public bucket) instead of streaming them. */
  publicUrl?: string;
  /** Largest accepted upload (bytes). */
  maxUploadBytes?: number;
  /** Register the web UI plugin if present (default true). */
  ui?: boolean;
  /** Request logs (default: the logger at info level). */
  requestLogs?: boolean;
  /** Pull-through proxy: versions the store does not have come from this upstream registry (proxy/index.ts). */
  proxy?: ProxyOptions;
}

export interface Registry {
  app: FastifyInstance;
  watcher: CatalogWatcher;
  /** Re-read the cursor and swap the catalog if it moved. */
  refresh(): Promise<RefreshOutcome>;
  close(): Promise<void>;
}

/** Files read from a package zip (not extracted to artifacts/static/) are buffered; larger ones are not served. */
const MAX_ZIP_FALLBACK_BYTES = 16 * 1024 * 1024;

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function metrics() {
  const registry = new PromRegistry();
  collectDefaultMetrics({ register: registry, prefix: 'package_storage_' });
  return {
    registry,
    requests: new Counter({ name: 'package_storage_http_requests_total', help: 'HTTP requests by route and status code', labelNames: ['route', 'method', 'code'] as const, registers: [registry] }),
    duration: new Histogram({
      name: 'package_storage_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['route'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    versions: new Gauge({ name: 'package_storage_catalog_versions', help: 'Package versions in the current catalog', registers: [registry] }),
    reloads: new Counter({ name: 'package_storage_catalog_reloads_total', help: 'Catalog reloads by result', labelNames: ['mode'] as const, registers: [registry] }),
    reloadSeconds: new Histogram({ name: 'package_storage_catalog_reload_seconds', help: 'Time to load and swap a catalog', registers: [registry], buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] }),
    skipped: new Counter({ name: 'package_storage_catalog_skipped_entries_total', help: 'Index entries skipped as invalid', registers: [registry] }),
  };
}

type Route = 'index' | 'search' | 'categories' | 'health' | 'favicon' | 'zip' | 'sig' | 'package' | 'static' | 'bucket' | 'other';

declare module 'fastify' {
  interface FastifyRequest {
    routeLabel?: Route | string;
  }
}

export async function createRegistry(opts: RegistryOptions): Promise<Registry> {
  const log = opts.logger ?? silentLogger;
  const store = opts.store;
  const times: CacheTimes = { ...DEFAULT_CACHE_TIMES, ...opts.cacheTimes };
  const serviceBody = Buffer.from(JSON.stringify({ 'service.name': opts.serviceName ?? process.env.ELASTIC_APM_SERVICE_NAME ?? 'package-storage', 'service.version': opts.serviceVersion ?? '0.0.0' }, null, 2) + '\n');
  const m = metrics();
  const watcher = new CatalogWatcher(store, {
    logger: log,
    pollIntervalMs: opts.pollIntervalMs,
    onRefresh: (o) => {
      if (o.mode !== 'unchanged') {
        m.reloads.inc({ mode: o.mode });
        if (o.mode !== 'error') m.reloadSeconds.observe(o.ms / 1000);
      }
      if (o.skipped) m.skipped.inc(o.skipped);
      m.versions.set(o.count);
    },
  });
  const zipFiles = new ZipFiles(store);
  const tokens = new Set((opts.publishTokens ?? []).filter((t) => t.length > 0));
  const maxUpload = opts.maxUploadBytes ?? 250 * 1024 * 1024;
  const proxy = opts.proxy ? await RegistryProxy.open({ logger: log, ...opts.proxy }) : undefined;

  /**
   * Fast path for the hot read routes (`/search`, `/categories`, `/package/{n}/{v}/`) when the answer is a 200
   * the service already has (precomputed or cached): written straight to the socket with exactly the headers
   * of the normal route, skipping fastify's per-request machinery (that halves throughput on a large cached
   * `/search`). Anything else (other methods, paths needing cleaning or decoding, errors) goes through fastify.
   */
  const requestLogs = opts.requestLogs !== false && log.isLevelEnabled('info');
  // labelled metric children bound once: resolving labels per request is a measurable share of a cached answer
  const bindMetrics = (route: 'search' | 'categories' | 'package') => ({
    requests: m.requests.labels({ route, method: 'GET', code: '200' }),
    duration: m.duration.labels({ route }),
  });
  const fastMetrics = { search: bindMetrics('search'), categories: bindMetrics('categories'), package: bindMetrics('package') };
  const fastRead = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (req.method !== 'GET' || proxy) return false;
    const t0 = process.hrtime.bigint();
    const raw = req.url ?? '/';
    const qi = raw.indexOf('?');
    const p = qi < 0 ? raw : raw.slice(0, qi);
    const rawQuery = qi < 0 ? '' : raw.slice(qi + 1);
    let route: 'search' | 'categories' | 'package';
    let r: ServiceResult;
    let seconds: number;
    const catalog: Catalog = watcher.current;
    if (p === '/search') {
      route = 'search';
      r = search(catalog, parseGoQuery(rawQuery), opts.query);
      seconds = times.search;
    } else if (p === '/categories') {
      route = 'categories';
      r = categories(catalog, parseGoQuery(rawQuery), opts.query);
      seconds = times.categories;
    } else {
      const mm = /^\/package\/([a-z0-9_]+)\/([0-9A-Za-z.+-]+)\/$/.exec(p);
      if (!mm || muxCleanPath(p) !== p) return false;
      route = 'package';
      r = packageIndex(catalog, mm[1]!, mm[2]!);
      seconds = times.index;
    }
    if (r.status !== 200 || r.error || typeof r.body === 'string') return false;
    const enc = negotiate(req.headers['accept-encoding']);
    const encoded = encodedBody(r as Compressible, enc);
    const body = encoded ?? r.body;
    res.writeHead(
      200,
      encoded
        ? ['Access-Control-Allow-Origin', '*', 'Cache-Control', `max-age=${seconds}`, 'Cache-Control', 'public', 'Content-Type', r.contentType, 'Vary', 'Accept-Encoding', 'Content-Encoding', enc!, 'Content-Length', String(body.length)]
        : ['Access-Control-Allow-Origin', '*', 'Cache-Control', `max-age=${seconds}`, 'Cache-Control', 'public', 'Content-Type', r.contentType, 'Vary', 'Accept-Encoding', 'Content-Length', String(body.length)],
    );
    res.end(body);
    const seconds_ = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = fastMetrics[route];
    c.requests.inc();
    c.duration.observe(seconds_);
    if (requestLogs) log.info({ req: { method: 'GET', url: raw, remoteAddress: req.socket.remoteAddress }, res: { statusCode: 200 }, responseTime: seconds_ * 1000 }, 'request completed');
    return true;
  };

  const app = Fastify({
    serverFactory: (handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
      const server = http.createServer((req, res) => {
        if (!fastRead(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = 72_000; // fastify's own default
      return server;
    },
    ...(opts.requestLogs === false ? { logger: false } : { loggerInstance: log as never }),
    routerOptions: { maxParamLength: 65535, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, caseSensitive: true },
    bodyLimit: maxUpload,
    return503OnClosing: false,
  } as never) as unknown as FastifyInstance;

  // Bodies are not parsed by fastify: the publish endpoint reads its own, the EPR routes ignore them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeLabel ?? 'other';
    m.requests.inc({ route, method: req.method, code: String(reply.statusCode) });
    m.duration.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toPsError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    if (reply.sent) return;
    if (req.url.startsWith('/api/')) return reply.code(e.status).type('application/json').send(JSON.stringify(e.toJSON()));
    return sendError(reply, 500, 'internal server error');
  });

  // ---- our additions ----
  app.get('/metrics', async (_req, reply) => {
    _req.routeLabel = 'metrics';
    const body = await m.registry.metrics();
    return reply.type(m.registry.contentType).send(body);
  });

  app.get('/api/v1/keys', async (req, reply) => {
    req.routeLabel = 'keys';
    if (!opts.trustedKeys) return reply.code(404).type('application/json').send(JSON.stringify(new PsError('NOT_FOUND', 'no trusted keys are configured').toJSON()));
    return reply.type('application/pgp-keys').header('Cache-Control', 'max-age=60').send(opts.trustedKeys.armored());
  });

  app.post('/api/v1/packages', async (req, reply) => {
    req.routeLabel = 'publish';
    const jsonError = (e: PsError) => reply.code(e.status).type('application/json').send(JSON.stringify(e.toJSON()) + '\n');
    if (tokens.size === 0 || !opts.publish) return jsonError(new PsError('PUBLISH_DISABLED', 'start the server with --publish-token or --publish-token-file'));
    const auth = req.headers.authorization ?? '';
    const m1 = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m1) return reply.header('WWW-Authenticate', 'Bearer').code(401).type('application/json').send(JSON.stringify(new PsError('UNAUTHORIZED', 'send Authorization: Bearer <token>').toJSON()) + '\n');
    if (!tokens.has(m1[1]!.trim())) return jsonError(new PsError('FORBIDDEN'));
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-upload-'));
    try {
      const { zipFile, signature } = await receiveUpload(req, tmp, maxUpload);
      const outcome = await opts.publish(zipFile, signature);
      await watcher.refresh();
      return reply.code(outcome.status === 'published' ? 201 : 200).type('application/json').send(JSON.stringify(outcome) + '\n');
    } catch (e) {
      const pe = toPsError(e);
      if (pe.status >= 500) req.log.error({ err: e }, 'publish failed');
      return jsonError(pe);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  if (opts.ui !== false) {
    try {
      const mod = (await import('../ui/plugin.js')) as { registerUi?: (app: FastifyInstance, o: { store: ObjectStore; getCatalog?: () => unknown }) => Promise<void> };
      if (mod.registerUi) await mod.registerUi(app, { store, getCatalog: () => watcher.current });
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'web UI not available');
    }
  }

  // ---- the EPR API (and raw bucket paths) ----
  app.route({
    method: [...ALL_METHODS],
    url: '*',
    handler: async (req, reply) => {
      await dispatch(req, reply);
    },
  });

  function sendError(reply: FastifyReply, status: number, text: string, keepCache = false): FastifyReply {
    if (!keepCache) reply.header('Cache-Control', ['max-age=0', 'private, no-store']);
    reply.removeHeader('Content-Length');
    return reply.code(status).header('Content-Type', TEXT_TYPE).header('X-Content-Type-Options', 'nosniff').send(`${text}\n`);
  }

  function cache(reply: FastifyReply, seconds: number): void {
    reply.header('Cache-Control', [`max-age=${seconds}`, 'public']);
  }

  function sendResult(reply: FastifyReply, r: ServiceResult, seconds: number): FastifyReply {
    if (r.error) {
      reply.header('Cache-Control', ['max-age=0', 'private, no-store']).header('X-Content-Type-Options', 'nosniff');
    } else cache(reply, seconds);
    reply.code(r.status).header('Content-Type', r.contentType);
    if (r.status === 200 && !r.error && typeof r.body !== 'string') {
      // JSON answers: gzip/brotli when asked, computed once per cached answer (compress.ts)
      reply.header('Vary', 'Accept-Encoding');
      const enc = negotiate(reply.request.headers['accept-encoding']);
      const encoded = encodedBody(r as Compressible, enc);
      if (encoded) return reply.header('Content-Encoding', enc!).send(encoded);
    }
    return reply.send(typeof r.body === 'string' ? Buffer.from(r.body) : r.body);
  }

  async function dispatch(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const raw = req.raw.url ?? '/';
    const qi = raw.indexOf('?');
    const rawPath = qi < 0 ? raw : raw.slice(0, qi);
    const rawQuery = qi < 0 ? '' : raw.slice(qi + 1);
    const decoded = goUnescapePath(rawPath);
    if (decoded === undefined) {
      req.routeLabel = 'other';
      return reply.code(400).header('Content-Type', TEXT_TYPE).header('Connection', 'close').send('400 Bad Request');
    }
    const cleaned = muxCleanPath(decoded);
    if (cleaned !== decoded) {
      req.routeLabel = 'redirect';
      return reply.code(301).header('Location', goEscapePath(cleaned) + (qi < 0 ? '' : `?${rawQuery}`)).send();
    }
    const p = decoded;
    const strictSlash = (target: string) => {
      req.routeLabel = 'redirect';
      const loc = goEscapePath(target) + (qi < 0 ? '' : `?${rawQuery}`);
      reply.code(301).header('Access-Control-Allow-Origin', '*').header('Location', loc);
      if (req.method === 'GET' || req.method === 'HEAD') reply.header('Content-Type', 'text/html; charset=utf-8');
      return reply.send(req.method === 'GET' ? redirectBody(loc) : undefined);
    };
    const cors = () => reply.header('Access-Control-Allow-Origin', '*');
    const catalog: Catalog = watcher.current;
    const simple: Record<string, Route> = { '/index.json': 'index', '/search': 'search', '/categories': 'categories', '/health': 'health', '/favicon.ico': 'favicon' };

    if (p === '/') {
      req.routeLabel = 'index';
      cors();
      cache(reply, times.index);
      return reply.header('Content-Type', 'application/json').send(serviceBody);
    }
    const bare = p.endsWith('/') ? p.slice(0, -1) : p;
    const simpleRoute = simple[bare];
    if (simpleRoute) {
      if (bare !== p) return strictSlash(bare);
      req.routeLabel = simpleRoute;
      cors();
      switch (simpleRoute) {
        case 'index':
          cache(reply, times.index);
          return reply.header('Content-Type', 'application/json').send(serviceBody);
        case 'health':
          return reply.code(200).send();
        case 'favicon':
          cache(reply, times.catchAll);
          return reply.header('Content-Type', 'image/x-icon').send(FAVICON);
        case 'search': {
          const r = search(catalog, parseGoQuery(rawQuery), opts.query);
          return sendResult(reply, proxy ? await proxy.search(r, rawQuery, reply) : r, times.search);
        }
        case 'categories': {
          const r = categories(catalog, parseGoQuery(rawQuery), opts.query);
          return sendResult(reply, proxy ? await proxy.categories(r, rawQuery, reply) : r, times.categories);
        }
      }
    }
    let mm: RegExpExecArray | null;
    if ((mm = /^\/epr\/[^/]+\/([a-z0-9_]+)-([^/]+)\.zip(\.sig)?(\/?)$/.exec(p))) {
      if (mm[4]) return strictSlash(p.slice(0, -1));
      const [, name, version, sig] = mm as unknown as [string, string, string, string | undefined];
      req.routeLabel = sig ? 'sig' : 'zip';
      cors();
      const e = lookup(catalog, name, version);
      if (e === undefined) return sendError(reply, 400, 'invalid package version');
      if (e === null && proxy) return proxy.serveArtifact(req, reply, name, version, sig !== undefined);
      if (e === null) return sendError(reply, 404, sig ? 'signature file not found' : 'artifact not found');
      const key = sig ? KEYS.sig(name, version) : KEYS.zip(name, version);
      if (opts.publicUrl) {
        // a redirect promises the object exists: an unsigned version has no .sig to redirect to
        if (sig && !e.signed) return sendError(reply, 404, 'signature file not found');
        cache(reply, times.catchAll);
        return reply.code(302).header('Location', new URL(key, opts.publicUrl.endsWith('/') ? opts.publicUrl : `${opts.publicUrl}/`).toString()).send();
      }
      cache(reply, times.catchAll);
      return serveObject(req, reply, key, sig ? 'application/pgp-signature' : 'application/zip', sig ? 'signature file not found' : 'artifact not found');
    }
    if ((mm = /^\/package\/([a-z0-9_]+)\/([^/]+)(\/?)$/.exec(p))) {
      if (!mm[3]) return strictSlash(p + '/');
      req.routeLabel = 'package';
      cors();
      const r = packageIndex(catalog, mm[1]!, mm[2]!);
      return sendResult(reply, proxy && r.status === 404 ? await proxy.packageIndex(mm[1]!, mm[2]!, reply) : r, times.index);
    }
    if ((mm = /^\/package\/([a-z0-9_]+)\/([^/]+)\/(.*)$/.exec(p))) {
      if (p.endsWith('/')) return strictSlash(p.slice(0, -1));
      const [, name, version, file] = mm as unknown as [string, string, string, string];
      req.routeLabel = 'static';
      cors();
      const e = lookup(catalog, name, version);
      if (e === undefined) return sendError(reply, 400, 'invalid package version');
      if (e === null && proxy && isSafeRelPath(file)) return proxy.serveStatic(req, reply, name, version, file);
      if (e === null) return sendError(reply, 404, 'package revision not found');
      cache(reply, times.catchAll);
      if (!isSafeRelPath(file)) return sendError(reply, 404, 'resource not found', true);
      return serveObject(req, reply, KEYS.staticFile(name, version, file), contentTypeByExtension(file), 'resource not found', async () => {
        const zipKey = KEYS.zip(name, version);
        const f = await zipFiles.find(zipKey, file);
        if (!f || f.size > MAX_ZIP_FALLBACK_BYTES) return undefined;
        const chunks: Buffer[] = [];
        for await (const c of await f.open()) chunks.push(c as Buffer);
        return { body: Buffer.concat(chunks), etag: `"${e.key}-${(f.crc32 >>> 0).toString(16)}"`, mtime: f.mtime };
      });
    }
    // raw bucket paths (the public Package Storage endpoint)
    if ((mm = /^\/artifacts\/packages\/([a-z0-9_]+-[^/]+\.zip(?:\.sig)?)$/.exec(p))) {
      req.routeLabel = 'bucket';
      cache(reply, times.catchAll);
      return serveObject(req, reply, `artifacts/packages/${mm[1]}`, mm[1]!.endsWith('.sig') ? 'application/pgp-signature' : 'application/zip', 'not found');
    }
    if ((mm = /^\/artifacts\/static\/([a-z0-9_]+-[^/]+)\/(.+)$/.exec(p)) && isSafeRelPath(mm[2]!)) {
      req.routeLabel = 'bucket';
      cache(reply, times.catchAll);
      return serveObject(req, reply, `artifacts/static/${mm[1]}/${mm[2]}`, contentTypeByExtension(mm[2]!), 'not found');
    }
    req.routeLabel = 'other';
    return sendError(reply, 404, '404 page not found');
  }

  /**
   * Stream an object with Content-Length, ETag, Last-Modified, Accept-Ranges, Range (206/416) and
   * conditional requests (If-None-Match / If-Modified-Since → 304, If-Range). Cache headers are set by the
   * caller and kept on a 404 (as EPR does for files missing from a package).
   */
  type Decision = { kind: 'not-modified' } | { kind: 'bad-range' } | { kind: 'range'; start: number; end: number } | { kind: 'full' };

  /** Conditionals and Range (Go http.ServeContent order); sets ETag, Last-Modified, Accept-Ranges. */
  function decide(req: FastifyRequest, reply: FastifyReply, size: number, etag: string, mtime: Date): Decision {
    const head = req.method === 'HEAD';
    let range = req.method === 'GET' || head ? parseRange(req.headers.range) : undefined;
    const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
    const inm = req.headers['if-none-match'];
    let notModified = false;
    if (typeof inm === 'string') {
      notModified = inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
    } else if (req.headers['if-modified-since'] && (req.method === 'GET' || head)) {
      const ims = parseHttpDate(String(req.headers['if-modified-since']));
      if (ims && lastModified.getTime() <= ims.getTime()) notModified = true;
    }
    reply.header('Accept-Ranges', 'bytes').header('ETag', etag).header('Last-Modified', lastModified.toUTCString());
    if (notModified) return { kind: 'not-modified' };
    const ifRange = req.headers['if-range'];
    if (range !== undefined && range !== 'invalid' && typeof ifRange === 'string') {
      const d = parseHttpDate(ifRange);
      const ok = ifRange.trim() === etag || (d !== undefined && d.getTime() === lastModified.getTime());
      if (!ok) range = undefined;
    }
    if (range === 'invalid') return { kind: 'bad-range' };
    if (range === undefined) return { kind: 'full' };
    const r = resolveRange(range, size);
    return r ? { kind: 'range', ...r } : { kind: 'bad-range' };
  }

  /**
   * Stream an object with Content-Length, ETag, Last-Modified, Accept-Ranges, Range (206/416) and
   * conditional requests (If-None-Match / If-Modified-Since → 304, If-Range). Cache headers are set by the
   * caller and kept on a 404 (as EPR does for files missing from a package). `fallback` is tried when the
   * object does not exist (a file of the package's zip that was not extracted).
   */
  async function serveObject(
    req: FastifyRequest,
    reply: FastifyReply,
    key: string,
    contentType: string | undefined,
    notFoundText: string,
    fallback?: () => Promise<{ body: Buffer; etag: string; mtime: Date } | undefined>,
  ): Promise<unknown> {
    const head = req.method === 'HEAD';
    const wantsRange = (req.method === 'GET' || head) && req.headers.range !== undefined;
    let res: GetResult | undefined;
    let info: ObjectInfo | undefined;
    try {
      if (head || wantsRange) info = await store.head(key);
      else {
        res = await store.get(key);
        info = res.info;
      }
    } catch (e) {
      if (!isPsError(e, 'STORAGE_NOT_FOUND')) throw e;
    }
    if (!info) {
      const f = fallback ? await fallback().catch((e: unknown) => {
        req.log.warn({ err: (e as Error).message, key }, 'reading a file from the package zip failed');
        return undefined;
      }) : undefined;
      if (!f) return sendError(reply, 404, notFoundText, true);
      return serveBuffer(req, reply, f.body, f.etag, f.mtime, contentType);
    }
    const d = decide(req, reply, info.size, `"${info.etag}"`, info.lastModified);
    if (d.kind === 'not-modified') {
      res?.body.destroy();
      return reply.code(304).send();
    }
    if (d.kind === 'range' || d.kind === 'bad-range') res?.body.destroy();
    if (contentType === undefined) contentType = await sniff(key, info);
    reply.header('Content-Type', contentType);
    if (d.kind === 'bad-range') return sendRangeError(reply, info.size);
    if (d.kind === 'range') {
      reply.code(206).header('Content-Range', `bytes ${d.start}-${d.end}/${info.size}`).header('Content-Length', String(d.end - d.start + 1));
      if (head) return reply.send();
      const part = await store.get(key, { range: { start: d.start, end: d.end } });
      return reply.send(part.body);
    }
    reply.code(200).header('Content-Length', String(info.size));
    if (head) return reply.send();
    if (!res) res = await store.get(key);
    return reply.send(res.body);
  }

  function serveBuffer(req: FastifyRequest, reply: FastifyReply, body: Buffer, etag: string, mtime: Date, contentType: string | undefined): FastifyReply {
    const d = decide(req, reply, body.length, etag, mtime);
    if (d.kind === 'not-modified') return reply.code(304).send();
    reply.header('Content-Type', contentType ?? (body.length === 0 ? 'text/plain; charset=utf-8' : sniffContentType(body)));
    if (d.kind === 'bad-range') return sendRangeError(reply, body.length);
    const part = d.kind === 'range' ? body.subarray(d.start, d.end + 1) : body;
    if (d.kind === 'range') reply.code(206).header('Content-Range', `bytes ${d.start}-${d.end}/${body.length}`);
    else reply.code(200);
    reply.header('Content-Length', String(part.length));
    return reply.send(req.method === 'HEAD' ? undefined : part);
  }

  function sendRangeError(reply: FastifyReply, size: number): FastifyReply {
    reply.removeHeader('Content-Type');
    reply.header('Content-Range', `bytes */${size}`);
    return sendError(reply, 416, 'invalid range: failed to overlap', true);
  }

  async function sniff(key: string, info: ObjectInfo): Promise<string> {
    if (info.size === 0) return 'text/plain; charset=utf-8';
    try {
      const part = await store.get(key, { range: { start: 0, end: Math.min(511, info.size - 1) } });
      const chunks: Buffer[] = [];
      for await (const c of part.body as Readable) chunks.push(c as Buffer);
      return sniffContentType(Buffer.concat(chunks));
    } catch {
      return 'application/octet-stream';
    }
  }

  return {
    app,
    watcher,
    refresh: () => watcher.refresh(),
    close: async () => {
      watcher.stop();
      zipFiles.clear();
      await app.close();
    },
  };
}

function isSafeRelPath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\u0000')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Read a `multipart/form-data` upload: a `package` file part (the zip) and an optional `signature` part
 * (armored text). A raw `application/zip` body is accepted too (signature then in the
 * `X-Package-Signature` header, base64 of the armored text).
 */
async function receiveUpload(req: FastifyRequest, dir: string, max: number): Promise<{ zipFile: string; signature?: string }> {
  const ct = String(req.headers['content-type'] ?? '');
  const zipFile = path.join(dir, 'upload.zip');
  const chunks: Buffer[] = [];
  let total = 0;
  if (ct.startsWith('application/zip') || ct.startsWith('application/octet-stream')) {
    let n = 0;
    const limit = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        n += c.length;
        if (n > max) throw new PsError('PAYLOAD_TOO_LARGE', `the upload exceeds ${max} bytes`);
        yield c;
      }
    };
    await pipeline(req.raw, limit, createWriteStream(zipFile));
    const h = req.headers['x-package-signature'];
    return { zipFile, signature: typeof h === 'string' && h !== '' ? Buffer.from(h, 'base64').toString('utf8') : undefined };
  }
  if (!ct.startsWith('multipart/form-data')) throw new PsError('BAD_REQUEST', `send multipart/form-data with a 'package' file part (and an optional 'signature' part), not '${ct || 'no content type'}'`);
  for await (const c of req.raw) {
    total += (c as Buffer).length;
    if (total > max) throw new PsError('PAYLOAD_TOO_LARGE', `the upload exceeds ${max} bytes`);
    chunks.push(c as Buffer);
  }
  let form: FormData;
  try {
    form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': ct } }).formData();
  } catch (e) {
    throw new PsError('BAD_REQUEST', `cannot read the multipart body: ${(e as Error).message}`);
  }
  const pkg = form.get('package');
  if (!pkg || typeof pkg === 'string') throw new PsError('BAD_REQUEST', "the form has no 'package' file part");
  await fsp.writeFile(zipFile, Buffer.from(await pkg.arrayBuffer()));
  const sig = form.get('signature');
  const signature = sig === null ? undefined : typeof sig === 'string' ? sig : await sig.text();
  return { zipFile, signature: signature === '' ? undefined : signature };
}
