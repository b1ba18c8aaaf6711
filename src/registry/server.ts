/**
 * The registry HTTP server (fastify 5): the Elastic Package Registry API over a Package Storage v2 bucket
 * (docs/http-api.md), the raw bucket paths (so a stock EPR can use us as its `storage-endpoint`), Prometheus
 * metrics, the HTTP publish endpoint and the web UI.
 *
 * Routing follows gorilla/mux as EPR configures it (path cleaning, StrictSlash redirects, route order), so
 * EPR routes go through one catch-all handler with our own matcher; fastify routes only serve our additions
 * (`/metrics`, `/api/v1/...`, `/app/...`). Handlers are thin: the logic is in `service.ts`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
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
import { ZipFiles, type ZipFileEntry } from './zipfiles.js';
import { Limiter, type Release } from './limit.js';
import { defaultUploadDir, makeUploadFolder, receiveUpload, sweepUploadDir } from './upload.js';
import { validateKey } from '../storage/keys.js';
import { RegistryProxy, type ProxyOptions } from './proxy/index.js';
import type { Keyring } from '../signing/index.js';
import { encodedBody, negotiate, type Compressible } from './compress.js';

interface CacheTimes {
  /** `/`, `/index.json`, `/package/{n}/{v}/` (seconds). */
  index: number;
  search: number;
  categories: number;
  /** zips, signatures, static files, favicon. */
  catchAll: number;
}

const DEFAULT_CACHE_TIMES: CacheTimes = { index: 10, search: 600, categories: 600, catchAll: 600 };

/** Socket limits of the HTTP server (fastify's own timeouts do not apply with our serverFactory). */
interface ServerLimits {
  /** Time to receive the request headers (ms). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (ms). */
  requestTimeoutMs: number;
  /** A socket with no traffic for this long is closed (ms). */
  idleTimeoutMs: number;
  /** How long an idle keep-alive connection is kept between requests (ms). */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are refused at once. */
  maxConnections: number;
}

const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 20_000, requestTimeoutMs: 120_000, idleTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, maxConnections: 2048 };

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
  /** Timeouts and connection cap of the HTTP server. */
  limits?: Partial<ServerLimits>;
  /** Folder of upload temp files (swept of dead processes' leftovers at start). Default: per store, under the OS temp folder. */
  uploadDir?: string;
  /** HTTP publishes received at once; more wait (unread) for up to 60 s, 64 at most, then get 503 + Retry-After. Default 2. */
  maxConcurrentUploads?: number;
  /** Files streamed out of package zips at once (the fallback for files not extracted); more wait, then 503. Default 8. */
  maxZipInflations?: number;
}

export interface Registry {
  app: FastifyInstance;
  watcher: CatalogWatcher;
  /** Re-read the cursor and swap the catalog if it moved. */
  refresh(): Promise<RefreshOutcome>;
  close(): Promise<void>;
}

/** Constant-time token check: both sides hashed (equal lengths), every configured token compared. */
function tokenMatcher(tokens: string[]): (given: string) => boolean {
  const digests = tokens.map((t) => createHash('sha256').update(t, 'utf8').digest());
  return (given) => {
    const g = createHash('sha256').update(given, 'utf8').digest();
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, g) || ok;
    return ok;
  };
}

/** A key we can ask the store for: a valid key whose segments fit a file name (255 bytes). */
function servableKey(key: string): boolean {
  try {
    validateKey(key);
  } catch {
    return false;
  }
  return key.split('/').every((seg) => Buffer.byteLength(seg, 'utf8') <= 255);
}

/** An error for the HTTP channel: no server temp paths, no command-line hints, said once. */
function forHttp(e: PsError, tmp: string | undefined): PsError {
  let d = e.detail;
  if (d === undefined) return e;
  if (tmp) d = d.split(`${tmp}/upload.zip`).join('the upload').split(tmp).join('the upload');
  if (e.code === 'SIGNATURE_MISSING') {
    const who = /^([^\s:]+): no signature/.exec(d)?.[1];
    d = `${who ? `${who}: ` : ''}no signature; send it as the 'signature' form part or, with a raw zip body, base64 in the X-Package-Signature header`;
  }
  d = d.replace(/\s*\([^()]*--[a-z][^()]*\)/g, '').replace(/,? or use --[a-z-]+/g, '');
  return d === e.detail ? e : new PsError(e.code, d, { data: e.data });
}

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
  const tokenList = (opts.publishTokens ?? []).filter((t) => t.length > 0);
  const tokenOk = tokenMatcher(tokenList);
  const maxUpload = opts.maxUploadBytes ?? 250 * 1024 * 1024;
  const proxy = opts.proxy ? await RegistryProxy.open({ logger: log, ...opts.proxy }) : undefined;
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
  const uploadDir = opts.uploadDir ?? defaultUploadDir(store.description);
  // an upload waiting for its turn is not read (TCP backpressure holds its body), so waiting costs no memory
  const uploads = new Limiter(opts.maxConcurrentUploads ?? 2, 64, 60_000);
  const inflations = new Limiter(opts.maxZipInflations ?? 8, 1024, 30_000);
  if (tokenList.length > 0) {
    const swept = await sweepUploadDir(uploadDir);
    if (swept.length) log.warn({ uploadDir, removed: swept.length }, 'removed upload temp files left by a stopped server');
  }

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
    if (req.method !== 'GET' || proxy || watcher.health.state !== 'ok') return false;
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
      const server = http.createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // how often Node checks the header and request deadlines (its default, 30 s, would blur short ones)
          connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
        },
        (req, res) => {
          if (!fastRead(req, res)) handler(req, res);
        },
      );
      server.timeout = limits.idleTimeoutMs;
      server.maxConnections = limits.maxConnections;
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
    if (req.url.startsWith('/api/')) return reply.code(e.status).type('application/json').send(JSON.stringify(forHttp(e, undefined).toJSON()));
    // a request we cannot serve (bad bytes, fastify's own 4xx) is the client's; only our failures are 5xx
    const status = e.code === 'INTERNAL' ? ((err as { statusCode?: number }).statusCode ?? 500) : e.status;
    if (status >= 400 && status < 500) return sendError(reply, status === 404 ? 404 : 400, status === 404 ? 'not found' : 'bad request');
    if (e.code === 'STORAGE_UNAVAILABLE') return sendError(reply, 503, 'storage unavailable');
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
    let tmp: string | undefined;
    const jsonError = (e: PsError, headers: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
      // a body we did not read: Node discards the rest after the answer, so a client still sending reads the answer
      // (closing at once resets it mid-upload); but only briefly and only a little (a slow or endless body must not
      // hold the connection): then the connection is dropped
      if (!req.raw.complete) boundedDrain(req.raw);
      return reply.code(e.status).type('application/json').send(JSON.stringify(forHttp(e, tmp).toJSON()) + '\n');
    };
    if (tokenList.length === 0 || !opts.publish) return jsonError(new PsError('PUBLISH_DISABLED'));
    const auth = req.headers.authorization ?? '';
    const m1 = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m1) return jsonError(new PsError('UNAUTHORIZED', 'send Authorization: Bearer <token>'), { 'WWW-Authenticate': 'Bearer' });
    if (!tokenOk(m1[1]!.trim())) return jsonError(new PsError('FORBIDDEN'));
    const release = await uploads.acquire();
    if (!release) return jsonError(new PsError('STORAGE_UNAVAILABLE', `${uploads.permits} uploads are being received; retry later`), { 'Retry-After': '5' });
    try {
      tmp = await makeUploadFolder(uploadDir);
      const { zipFile, signature } = await receiveUpload(req.raw, req.headers, tmp, maxUpload);
      const outcome = await opts.publish(zipFile, signature);
      await watcher.refresh();
      return reply.code(outcome.status === 'published' ? 201 : 200).type('application/json').send(JSON.stringify(outcome) + '\n');
    } catch (e) {
      const pe = toPsError(e);
      if (pe.status >= 500) req.log.error({ err: e }, 'publish failed');
      return jsonError(pe);
    } finally {
      release();
      if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
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
    // no readable index revision: not an empty registry, a non-cacheable 503 for everything that reads the index
    const health = watcher.health;
    const unavailable = () => sendError(reply.header('Retry-After', '10'), 503, 'package index not available');
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
          if (health.state !== 'ok') return unavailable();
          return reply.code(200).send();
        case 'favicon':
          cache(reply, times.catchAll);
          return reply.header('Content-Type', 'image/x-icon').send(FAVICON);
        case 'search': {
          if (health.state !== 'ok') return unavailable();
          const r = search(catalog, parseGoQuery(rawQuery), opts.query);
          return sendResult(reply, proxy ? await proxy.search(r, rawQuery, reply) : r, times.search);
        }
        case 'categories': {
          if (health.state !== 'ok') return unavailable();
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
      if (health.state !== 'ok') return unavailable();
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
      if (health.state !== 'ok') return unavailable();
      const r = packageIndex(catalog, mm[1]!, mm[2]!);
      return sendResult(reply, proxy && r.status === 404 ? await proxy.packageIndex(mm[1]!, mm[2]!, reply) : r, times.index);
    }
    if ((mm = /^\/package\/([a-z0-9_]+)\/([^/]+)\/(.*)$/.exec(p))) {
      if (p.endsWith('/')) return strictSlash(p.slice(0, -1));
      const [, name, version, file] = mm as unknown as [string, string, string, string];
      req.routeLabel = 'static';
      cors();
      if (health.state !== 'ok') return unavailable();
      const e = lookup(catalog, name, version);
      if (e === undefined) return sendError(reply, 400, 'invalid package version');
      if (e === null && proxy && isSafeRelPath(file)) return proxy.serveStatic(req, reply, name, version, file);
      if (e === null) return sendError(reply, 404, 'package revision not found');
      cache(reply, times.catchAll);
      if (!isSafeRelPath(file)) return sendError(reply, 404, 'resource not found', true);
      return serveObject(req, reply, KEYS.staticFile(name, version, file), contentTypeByExtension(file), 'resource not found', async () => {
        const f = await zipFiles.find(KEYS.zip(name, version), file);
        return f ? { entry: f, etag: `"${e.key}-${(f.crc32 >>> 0).toString(16)}"` } : undefined;
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
    fallback?: () => Promise<{ entry: ZipFileEntry; etag: string } | undefined>,
  ): Promise<unknown> {
    if (!servableKey(key)) return sendError(reply, 404, notFoundText, true);
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
      if (!isPsError(e, 'STORAGE_NOT_FOUND') && !isPsError(e, 'STORAGE_KEY_INVALID')) throw e;
    }
    if (!info) {
      const f = fallback ? await fallback().catch((e: unknown) => {
        req.log.warn({ err: (e as Error).message, key }, 'reading a file from the package zip failed');
        return undefined;
      }) : undefined;
      if (!f) return sendError(reply, 404, notFoundText, true);
      return serveZipEntry(req, reply, f.entry, f.etag, contentType);
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

  /**
   * A file streamed out of the package zip (inflated as it is sent, never whole in memory), Range and
   * conditionals as for objects. Inflations are bounded (`maxZipInflations`): a request beyond waits, and after
   * a while gets 503 with Retry-After. HEAD, 304 and 416 inflate nothing (sniffing a type reads 512 bytes).
   */
  async function serveZipEntry(req: FastifyRequest, reply: FastifyReply, f: ZipFileEntry, etag: string, contentType: string | undefined): Promise<unknown> {
    const d = decide(req, reply, f.size, etag, f.mtime);
    if (d.kind === 'not-modified') return reply.code(304).send();
    const head = req.method === 'HEAD';
    const busy = () => sendError(reply.header('Retry-After', '2'), 503, 'too many files are being read from package zips; retry later', false);
    if (contentType === undefined) {
      if (f.size === 0) contentType = 'text/plain; charset=utf-8';
      else {
        const release = await inflations.acquire();
        if (!release) return busy();
        try {
          const s = await f.open({ start: 0, end: Math.min(511, f.size - 1) });
          const chunks: Buffer[] = [];
          for await (const c of s) chunks.push(c as Buffer);
          contentType = sniffContentType(Buffer.concat(chunks));
        } finally {
          release();
        }
      }
    }
    reply.header('Content-Type', contentType);
    if (d.kind === 'bad-range') return sendRangeError(reply, f.size);
    const start = d.kind === 'range' ? d.start : 0;
    const end = d.kind === 'range' ? d.end : f.size - 1;
    if (d.kind === 'range') reply.code(206).header('Content-Range', `bytes ${d.start}-${d.end}/${f.size}`);
    else reply.code(200);
    reply.header('Content-Length', String(end - start + 1));
    if (head || f.size === 0) return reply.send();
    let release: Release | undefined = await inflations.acquire();
    if (!release) {
      reply.removeHeader('Content-Range').removeHeader('Content-Length');
      return busy();
    }
    const done = () => {
      release?.();
      release = undefined;
    };
    reply.raw.once('close', done);
    try {
      const s = await f.open(d.kind === 'range' ? { start, end } : undefined);
      s.once('close', done);
      s.once('error', done);
      return reply.send(s);
    } catch (e) {
      done();
      throw e;
    }
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
  if (Buffer.byteLength(p, 'utf8') > 4096) return false;
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\u0000')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Let an unread request body be discarded for at most `ms` and `maxBytes`, then drop the connection. */
function boundedDrain(raw: http.IncomingMessage, ms = 750, maxBytes = 4 * 1024 * 1024): void {
  let seen = 0;
  const drop = () => raw.destroy(); // in a real server this closes the socket
  const timer = setTimeout(drop, ms);
  timer.unref();
  raw.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > maxBytes) {
      clearTimeout(timer);
      drop();
    }
  });
  raw.once('end', () => clearTimeout(timer));
}
