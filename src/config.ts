/**
 * Configuration: one typed object, built from command-line flags, then `PACKAGE_STORAGE_*` environment
 * variables, then defaults (first one set wins). Every field is described once, in `FIELDS`, which drives
 * env parsing, validation and the documentation printed by `--help`.
 */
import { PsError } from './errors.js';

export interface Config {
  /** Where the object store is: a path, a `file://` URL or `s3://bucket/prefix`. Env PACKAGE_STORAGE_URL. */
  storage: string;
  /** Address the registry listens on. */
  host: string;
  /** Port the registry listens on. */
  port: number;
  /** Log level (trace, debug, info, warn, error, silent). */
  logLevel: string;
  /** How often the registry polls cursor.json, in milliseconds (a GET of one small object per poll and worker). */
  pollIntervalMs: number;
  /** Registry processes sharing the listening port (node:cluster), each with its own catalog and watcher. */
  workers: number;
  /** Folder of the local spool files (index copies read by offset; unlinked at once). Default: the OS temp folder. */
  spoolDir?: string;
  /** Registry: megabytes of serialized `/package` bodies, and as many of `/search` items, kept in memory. */
  bodyCacheMB: number;
  /** Bearer tokens allowed to publish over HTTP (comma-separated in env). Empty = HTTP publishing disabled. */
  publishTokens: string[];
  /** File holding publish tokens, one per line. */
  publishTokenFile?: string;
  /** Trusted public keys for signature verification: an armored file or a directory of them. */
  trustedKeys?: string;
  /** Optional base URL that artifact downloads are redirected to (CDN / public bucket) instead of proxied. */
  publicUrl?: string;
  /** HTTP publishing without trusted keys: accept unsigned, unverified packages (refused to start otherwise). */
  allowUnsigned: boolean;
  /** Registry: time to receive a request's headers, in milliseconds. */
  headersTimeoutMs: number;
  /** Registry: time to receive a whole request, body included (uploads too), in milliseconds. */
  requestTimeoutMs: number;
  /** Registry: a connection with no traffic for this long is closed, in milliseconds. */
  idleTimeoutMs: number;
  /** Registry: how long an idle keep-alive connection is kept between requests, in milliseconds. */
  keepAliveTimeoutMs: number;
  /** Registry: open connections at most (more are refused). */
  maxConnections: number;
  /** Registry: folder of upload temp files, swept at start of what stopped servers left (default: one folder per store under the OS temp folder). */
  uploadDir?: string;
  /** Registry: HTTP publishes received at once (more wait unread for up to 60 s, then get 503 with Retry-After). */
  maxConcurrentUploads: number;
  /** Registry: files streamed out of package zips at once (files not extracted at publish); more wait, then 503. */
  maxZipInflations: number;
  /** Registry: ignore unknown query parameters of /search and /categories (Elastic's default); false = strict, answer 400. */
  allowUnknownQueryParameters: boolean;
  /** S3: custom endpoint (Ceph RGW, MinIO, R2...). Env also AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
  s3Endpoint?: string;
  /** S3: region. Env also AWS_REGION. */
  s3Region?: string;
  /** S3: path-style addressing (default true with a custom endpoint). */
  s3PathStyle?: boolean;
  /** S3: attempts per request, retries included (exponential backoff on 5xx, throttling, timeouts). Default 5. Env also AWS_MAX_ATTEMPTS. */
  s3MaxAttempts?: number;
  /** S3: socket idle timeout per request, in milliseconds. Default 60000. */
  s3TimeoutMs?: number;
  /** Zip limits for untrusted packages. */
  maxZipEntries: number;
  maxZipBytes: number;
  maxZipEntryBytes: number;
  maxZipRatio: number;

  // ---- upstream registry: `mirror` and `serve --proxy-to` ----
  /** Proxy: the upstream registry that `serve` pulls through from (e.g. https://epr.elastic.co); unset = no proxy. */
  proxyTo?: string;
  /** Proxy: folder of the pull-through cache (upstream answers and verified artifacts), never inside the store. Default `<storage>-proxy-cache` beside a local store, else `<tmp>/package-storage-proxy-cache`. */
  proxyCacheDir?: string;
  /** Upstream: idle timeout per request attempt (no answer or no new bytes for this long), in milliseconds. */
  upstreamTimeoutMs: number;
  /** Upstream: retries after a failed attempt (network error, timeout, 5xx, 429), with exponential backoff. */
  upstreamRetries: number;
  /** Upstream: first backoff between retries, in milliseconds (doubles per retry, with jitter, up to 10 s). */
  upstreamBackoffMs: number;
}

type Kind = 'string' | 'int' | 'bool' | 'list';
interface FieldDef { key: keyof Config; env: string; kind: Kind; default?: unknown; extraEnv?: string[] }

const MB = 1024 * 1024;

const FIELDS: FieldDef[] = [
  { key: 'storage', env: 'PACKAGE_STORAGE_URL', kind: 'string', default: './data' },
  { key: 'host', env: 'PACKAGE_STORAGE_HOST', kind: 'string', default: '0.0.0.0' },
  { key: 'port', env: 'PACKAGE_STORAGE_PORT', kind: 'int', default: 8080 },
  { key: 'logLevel', env: 'PACKAGE_STORAGE_LOG_LEVEL', kind: 'string', default: 'info' },
  { key: 'pollIntervalMs', env: 'PACKAGE_STORAGE_POLL_INTERVAL_MS', kind: 'int', default: 250 },
  { key: 'workers', env: 'PACKAGE_STORAGE_WORKERS', kind: 'int', default: 1 },
  { key: 'spoolDir', env: 'PACKAGE_STORAGE_SPOOL_DIR', kind: 'string' },
  { key: 'bodyCacheMB', env: 'PACKAGE_STORAGE_BODY_CACHE_MB', kind: 'int', default: 32 },
  { key: 'publishTokens', env: 'PACKAGE_STORAGE_PUBLISH_TOKENS', kind: 'list', default: [] },
  { key: 'publishTokenFile', env: 'PACKAGE_STORAGE_PUBLISH_TOKEN_FILE', kind: 'string' },
  { key: 'trustedKeys', env: 'PACKAGE_STORAGE_TRUSTED_KEYS', kind: 'string' },
  { key: 'publicUrl', env: 'PACKAGE_STORAGE_PUBLIC_URL', kind: 'string' },
  { key: 'allowUnsigned', env: 'PACKAGE_STORAGE_ALLOW_UNSIGNED', kind: 'bool', default: false },
  { key: 'headersTimeoutMs', env: 'PACKAGE_STORAGE_HEADERS_TIMEOUT_MS', kind: 'int', default: 20_000 },
  { key: 'requestTimeoutMs', env: 'PACKAGE_STORAGE_REQUEST_TIMEOUT_MS', kind: 'int', default: 120_000 },
  { key: 'idleTimeoutMs', env: 'PACKAGE_STORAGE_IDLE_TIMEOUT_MS', kind: 'int', default: 30_000 },
  { key: 'keepAliveTimeoutMs', env: 'PACKAGE_STORAGE_KEEP_ALIVE_TIMEOUT_MS', kind: 'int', default: 72_000 },
  { key: 'maxConnections', env: 'PACKAGE_STORAGE_MAX_CONNECTIONS', kind: 'int', default: 2048 },
  { key: 'uploadDir', env: 'PACKAGE_STORAGE_UPLOAD_DIR', kind: 'string' },
  { key: 'maxConcurrentUploads', env: 'PACKAGE_STORAGE_MAX_CONCURRENT_UPLOADS', kind: 'int', default: 2 },
  { key: 'maxZipInflations', env: 'PACKAGE_STORAGE_MAX_ZIP_INFLATIONS', kind: 'int', default: 8 },
  { key: 'allowUnknownQueryParameters', env: 'PACKAGE_STORAGE_ALLOW_UNKNOWN_QUERY_PARAMETERS', kind: 'bool', default: true },
  { key: 's3Endpoint', env: 'PACKAGE_STORAGE_S3_ENDPOINT', kind: 'string', extraEnv: ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] },
  { key: 's3Region', env: 'PACKAGE_STORAGE_S3_REGION', kind: 'string', extraEnv: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  { key: 's3PathStyle', env: 'PACKAGE_STORAGE_S3_PATH_STYLE', kind: 'bool' },
  { key: 's3MaxAttempts', env: 'PACKAGE_STORAGE_S3_MAX_ATTEMPTS', kind: 'int', extraEnv: ['AWS_MAX_ATTEMPTS'] },
  { key: 's3TimeoutMs', env: 'PACKAGE_STORAGE_S3_TIMEOUT_MS', kind: 'int' },
  { key: 'maxZipEntries', env: 'PACKAGE_STORAGE_MAX_ZIP_ENTRIES', kind: 'int', default: 65535 },
  { key: 'maxZipBytes', env: 'PACKAGE_STORAGE_MAX_ZIP_BYTES', kind: 'int', default: 250 * MB },
  { key: 'maxZipEntryBytes', env: 'PACKAGE_STORAGE_MAX_ZIP_ENTRY_BYTES', kind: 'int', default: 150 * MB },
  { key: 'maxZipRatio', env: 'PACKAGE_STORAGE_MAX_ZIP_RATIO', kind: 'int', default: 200 },
  { key: 'proxyTo', env: 'PACKAGE_STORAGE_PROXY_TO', kind: 'string' },
  { key: 'proxyCacheDir', env: 'PACKAGE_STORAGE_PROXY_CACHE_DIR', kind: 'string' },
  { key: 'upstreamTimeoutMs', env: 'PACKAGE_STORAGE_UPSTREAM_TIMEOUT_MS', kind: 'int', default: 10_000 },
  { key: 'upstreamRetries', env: 'PACKAGE_STORAGE_UPSTREAM_RETRIES', kind: 'int', default: 3 },
  { key: 'upstreamBackoffMs', env: 'PACKAGE_STORAGE_UPSTREAM_BACKOFF_MS', kind: 'int', default: 250 },
];

function parse(kind: Kind, raw: unknown, source: string): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (kind === 'list') {
    if (Array.isArray(raw)) return raw.map(String).filter((s) => s.length > 0);
    return String(raw).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  }
  if (typeof raw !== 'string') {
    if (kind === 'int' && typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (kind === 'bool' && typeof raw === 'boolean') return raw;
    if (kind === 'string') return String(raw);
  }
  const s = String(raw);
  if (s === '' && kind !== 'string') return undefined;
  switch (kind) {
    case 'string':
      return s;
    case 'int': {
      if (!/^-?\d+$/.test(s.trim())) throw new PsError('CONFIG_INVALID', `${source} must be an integer, got '${s}'`);
      return Number.parseInt(s, 10);
    }
    case 'bool': {
      const v = s.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new PsError('CONFIG_INVALID', `${source} must be true or false, got '${s}'`);
    }
  }
}

/**
 * Build the config. `flags` are the parsed command-line options (undefined = not given); `env` defaults
 * to `process.env`.
 */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    let v = parse(f.kind, flags[f.key], `--${f.key}`);
    if (v === undefined) v = parse(f.kind, env[f.env], f.env);
    for (const e of f.extraEnv ?? []) if (v === undefined) v = parse(f.kind, env[e], e);
    if (v === undefined) v = f.default;
    out[f.key] = v;
  }
  const c = out as unknown as Config;
  if (c.port < 0 || c.port > 65535) throw new PsError('CONFIG_INVALID', `port must be 0..65535, got ${c.port}`);
  if (c.upstreamTimeoutMs < 1) throw new PsError('CONFIG_INVALID', `upstream timeout must be at least 1 ms, got ${c.upstreamTimeoutMs}`);
  if (c.upstreamRetries < 0 || c.upstreamBackoffMs < 0) throw new PsError('CONFIG_INVALID', 'upstream retries and backoff must not be negative');
  if (c.proxyTo !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(c.proxyTo);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new PsError('CONFIG_INVALID', `proxy upstream must be an http(s) URL, got '${c.proxyTo}'`);
  }
  for (const k of ['headersTimeoutMs', 'requestTimeoutMs', 'idleTimeoutMs', 'keepAliveTimeoutMs', 'maxConnections', 'maxConcurrentUploads', 'maxZipInflations'] as const) {
    if (!(c[k] >= 1)) throw new PsError('CONFIG_INVALID', `${k} must be at least 1, got ${c[k]}`);
  }
  if (c.pollIntervalMs < 50) throw new PsError('CONFIG_INVALID', `poll interval must be at least 50 ms, got ${c.pollIntervalMs}`);
  if (c.bodyCacheMB < 1) throw new PsError('CONFIG_INVALID', `the body cache needs at least 1 MB, got ${c.bodyCacheMB}`);
  if (!Number.isInteger(c.workers) || c.workers < 1 || c.workers > 64) throw new PsError('CONFIG_INVALID', `workers must be 1..64, got ${c.workers}`);
  return c;
}

/** A line per setting for `--help` texts: env name and default. */
export function describeEnvironment(): string {
  return FIELDS.map((f) => `  ${f.env.padEnd(38)} ${f.default === undefined ? '' : `(default ${JSON.stringify(f.default)})`}`).join('\n');
}
