import cluster from 'node:cluster';
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { PsError } from '../../errors.js';
import { ensureDir } from '../../paths.js';
import { createLogger, type Logger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import type { ObjectStore } from '../../storage/types.js';
import { KEYS } from '../../index/format.js';
import type { PublishFn } from '../../registry/server.js';
import type { Keyring } from '../../signing/index.js';
import { action, intArg } from '../util.js';
import { setSpoolDir } from '../../registry/spool.js';
import { setBodyCacheBytes } from '../../registry/catalog.js';

interface ServeFlags {
  storage?: string;
  host?: string;
  port?: number;
  pollInterval?: number;
  publishToken?: string[];
  publishTokenFile?: string;
  trustedKeys?: string;
  publicUrl?: string;
  seedSamples?: boolean;
  keysDir?: string;
  proxyTo?: string;
  proxyCacheDir?: string;
  upstreamTimeout?: number;
  upstreamRetries?: number;
  workers?: number;
  strictQueryParameters?: boolean;
  allowUnsigned?: boolean;
  uploadDir?: string;
}

const require = createRequire(import.meta.url);
const pkgVersion = (require('../../../package.json') as { version: string }).version;

/** The repository's `samples/` folder (from src/cli/commands or dist/cli/commands). */
export function samplesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../samples');
}

/**
 * Where `--seed-samples` keeps its generated signing key: beside a local store, never inside it
 * (`./data` → `./data-keys/`); `./.package-storage-keys/` for an S3 store.
 */
export function defaultKeysDir(storage: string): string {
  if (storage.startsWith('s3://')) return path.resolve('.package-storage-keys');
  const dir = storage.startsWith('file://') ? fileURLToPath(storage) : storage;
  const abs = path.resolve(dir);
  return `${abs}-keys`;
}

async function readTokens(cfg: Config, flags: ServeFlags): Promise<string[]> {
  const tokens = [...(flags.publishToken ?? []), ...cfg.publishTokens];
  const file = flags.publishTokenFile ?? cfg.publishTokenFile;
  if (file) {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      throw new PsError('CONFIG_INVALID', `cannot read the publish token file ${file}: ${(e as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const t = line.trim();
      if (t && !t.startsWith('#')) tokens.push(t);
    }
  }
  return tokens;
}

/** The signing key of `--seed-samples`: generated on first run into `keysDir` (private.asc, public.asc). */
async function ensureSampleKey(keysDir: string, log: Logger): Promise<{ privateKey: string; publicKeyFile: string }> {
  const priv = path.join(keysDir, 'private.asc');
  const pub = path.join(keysDir, 'public.asc');
  try {
    return { privateKey: await fsp.readFile(priv, 'utf8'), publicKeyFile: pub };
  } catch {
    /* generate */
  }
  const { generateKeyPair } = await import('../../signing/index.js');
  const kp = await generateKeyPair({ name: 'Package Storage samples', email: 'samples@package-storage.invalid' });
  await ensureDir(keysDir, 0o700);
  await fsp.writeFile(priv, kp.privateKey, { mode: 0o600 });
  await fsp.writeFile(pub, kp.publicKey);
  log.info({ keysDir }, 'seed: generated a signing key for the samples');
  return { privateKey: kp.privateKey, publicKeyFile: pub };
}

/** Seed an empty store with the packages under samples/ (built, signed, published, indexed). */
async function seedSamples(store: ObjectStore, keysDir: string, log: Logger): Promise<string | undefined> {
  const existing = await store.list(KEYS.documentPrefix);
  if (existing.objects.length > 0) return undefined;
  const dir = samplesDir();
  const names = (await fsp.readdir(dir).catch(() => [] as string[])).sort();
  if (names.length === 0) {
    log.warn({ dir }, 'seed: no samples found');
    return undefined;
  }
  const key = await ensureSampleKey(keysDir, log);
  const { publishPackage } = await import('../../publish/index.js');
  let keyring: Keyring | undefined;
  if (key) {
    const { loadKeyring } = await import('../../signing/index.js');
    keyring = await loadKeyring(key.publicKeyFile);
  }
  for (const n of names) {
    const p = path.join(dir, n);
    if (!(await fsp.stat(p)).isDirectory()) continue;
    const out = await publishPackage(store, { dir: p }, {
      signingKey: key ? { armored: key.privateKey } : undefined,
      keyring,
      skipVerify: !key,
      logger: log,
    });
    log.info({ name: out.name, version: out.version, status: out.status }, 'seed: published a sample');
  }
  return key?.publicKeyFile;
}

/**
 * `serve --workers N`: fork N workers (each a full registry: its own catalog, watcher and caches) that share
 * the listening socket through node:cluster; print the listening line once all are up; re-fork a worker that
 * dies (after a second); on SIGINT/SIGTERM stop them all and exit.
 */
async function superviseWorkers(n: number, log: Logger): Promise<void> {
  let stopping = false;
  let up = 0;
  let announced = false;
  const fork = (): void => {
    const w = cluster.fork();
    w.on('message', (m: { listening?: string; count?: number; storage?: string }) => {
      if (!m || typeof m.listening !== 'string') return;
      up++;
      if (!announced && up >= n) {
        announced = true;
        process.stdout.write(`package-storage registry listening on ${m.listening} (storage ${m.storage}, ${m.count} package versions, ${n} workers)\n`);
      }
    });
  };
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    log.error({ pid: w.process.pid, code, signal }, 'registry worker died; starting another one');
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000).unref();
  });
  for (let i = 0; i < n; i++) fork();
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stopping = true;
      log.info('shutting down the workers');
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      if (workers.length === 0) return resolve();
      let left = workers.length;
      for (const w of workers) {
        w.once('exit', () => {
          if (--left === 0) resolve();
        });
        w.process.kill('SIGTERM');
      }
      setTimeout(() => {
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
      }, 10_000).unref();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the registry server (Elastic Package Registry API) over the store')
    .option('--storage <url>', 'object store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL; default ./data)')
    .option('--host <addr>', 'address to listen on (env PACKAGE_STORAGE_HOST; default 0.0.0.0)')
    .option('--port <n>', 'port to listen on (env PACKAGE_STORAGE_PORT; default 8080)', intArg('--port'))
    .option('--poll-interval <ms>', 'how often to check cursor.json for a new index revision (env PACKAGE_STORAGE_POLL_INTERVAL_MS; default 250)', intArg('--poll-interval'))
    .option('--workers <n>', 'registry processes sharing the port (node:cluster), each with its own catalog and watcher (env PACKAGE_STORAGE_WORKERS; default 1)', intArg('--workers'))
    .option('--publish-token <token>', 'bearer token allowed to POST /api/v1/packages (repeatable); none = HTTP publishing disabled', (v: string, acc: string[] = []) => [...acc, v])
    .option('--publish-token-file <file>', 'file with publish tokens, one per line')
    .option('--trusted-keys <file|dir>', 'armored public keys that published signatures must verify against (served at /api/v1/keys)')
    .option('--public-url <url>', 'redirect zip/sig downloads to this base URL (CDN or public bucket) instead of streaming them')
    .option('--seed-samples', 'on first run with an empty store, build, sign and publish the packages in samples/')
    .option('--keys-dir <dir>', 'where --seed-samples keeps its generated key (default: <storage>-keys beside a local store)')
    .option('--proxy-to <url>', 'pull-through proxy: versions the store does not have come from this upstream registry (env PACKAGE_STORAGE_PROXY_TO)')
    .option('--proxy-cache-dir <dir>', 'proxy cache folder (default <storage>-proxy-cache; env PACKAGE_STORAGE_PROXY_CACHE_DIR)')
    .option('--upstream-timeout <ms>', 'proxy: idle timeout per upstream request attempt (default 10000)', intArg('--upstream-timeout'))
    .option('--upstream-retries <n>', 'proxy: retries per upstream request (default 3)', intArg('--upstream-retries'))
    .option('--allow-unsigned', 'with --publish-token and no --trusted-keys: accept unsigned, unverified packages over HTTP (refused without this flag)')
    .option('--upload-dir <dir>', 'folder for upload temp files, swept at start (env PACKAGE_STORAGE_UPLOAD_DIR; default: one per store under the OS temp folder)')
    .option('--strict-query-parameters', 'answer 400 to unknown query parameters of /search and /categories (default: ignore them, as Elastic does; = EPR -allow-unknown-query-parameters=false)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage serve --storage ./data --port 8080\n' +
        '  package-storage serve --storage s3://bucket/prefix --publish-token-file tokens.txt --trusted-keys keys/\n' +
        '  npm start    # = serve --seed-samples on ./data; then open http://localhost:8080/search\n\n' +
        'Endpoints: /search /categories /package/{n}/{v}/ /epr/{n}/{n}-{v}.zip[.sig] /package/{n}/{v}/{file}\n' +
        '/artifacts/... (raw bucket paths) /health /metrics /api/v1/packages (POST) /api/v1/keys /app/ (web UI)',
    )
    .action(
      action(async (flags: ServeFlags) => {
        const cfg = loadConfig({ storage: flags.storage, host: flags.host, port: flags.port, pollIntervalMs: flags.pollInterval, trustedKeys: flags.trustedKeys, publicUrl: flags.publicUrl, publishTokenFile: flags.publishTokenFile, allowUnknownQueryParameters: flags.strictQueryParameters ? false : undefined, allowUnsigned: flags.allowUnsigned, uploadDir: flags.uploadDir, proxyTo: flags.proxyTo, proxyCacheDir: flags.proxyCacheDir, upstreamTimeoutMs: flags.upstreamTimeout, upstreamRetries: flags.upstreamRetries, workers: flags.workers });
        const log = createLogger({ level: cfg.logLevel, name: 'registry' });
        if (cfg.workers > 1 && cluster.isPrimary) {
          // the primary only seeds (once, before any worker reads the store) and supervises the workers
          if (flags.seedSamples) {
            const store = await openStore(cfg.storage, cfg);
            await seedSamples(store, flags.keysDir ?? defaultKeysDir(cfg.storage), log);
            await store.close?.();
          }
          return superviseWorkers(cfg.workers, log);
        }
        setSpoolDir(cfg.spoolDir);
        setBodyCacheBytes(cfg.bodyCacheMB * 1024 * 1024);
        const store = await openStore(cfg.storage, cfg);
        let trustedKeys = cfg.trustedKeys;
        if (flags.seedSamples) {
          const keysDir = flags.keysDir ?? defaultKeysDir(cfg.storage);
          const pub = cluster.isWorker ? undefined : await seedSamples(store, keysDir, log);
          if (!trustedKeys) trustedKeys = pub ?? (await fsp.stat(path.join(keysDir, 'public.asc')).then(() => path.join(keysDir, 'public.asc')).catch(() => undefined));
        }
        const tokens = await readTokens(cfg, flags);
        if (tokens.length > 0 && !trustedKeys && !cfg.allowUnsigned) {
          throw new PsError('CONFIG_INVALID', 'HTTP publishing (--publish-token) needs --trusted-keys to verify signatures; to accept unsigned packages say so with --allow-unsigned (PACKAGE_STORAGE_ALLOW_UNSIGNED=true)');
        }
        // one keyring: it verifies HTTP publishes and its export (public parts only) is served at /api/v1/keys
        let keyring: Keyring | undefined;
        if (trustedKeys) {
          const { loadKeyring } = await import('../../signing/index.js');
          keyring = await loadKeyring(trustedKeys, { logger: log });
        }
        let publish: PublishFn | undefined;
        if (tokens.length > 0) {
          const { publishZipFile } = await import('../../publish/index.js');
          if (!keyring) log.warn('HTTP publishing is enabled with --allow-unsigned: signatures are NOT verified');
          publish = (zip, sig) =>
            publishZipFile(store, zip, sig, {
              keyring,
              skipVerify: keyring === undefined,
              logger: log,
              zipLimits: { maxEntries: cfg.maxZipEntries, maxTotalBytes: cfg.maxZipBytes, maxEntryBytes: cfg.maxZipEntryBytes, maxRatio: cfg.maxZipRatio },
            });
        }
        const { proxyOptionsFromConfig } = await import('../../registry/proxy/config.js');
        const proxy = await proxyOptionsFromConfig(cfg, trustedKeys, log);
        const { createRegistry } = await import('../../registry/server.js');
        const reg = await createRegistry({
          store,
          logger: log,
          pollIntervalMs: cfg.pollIntervalMs,
          serviceVersion: pkgVersion,
          publishTokens: tokens,
          publish,
          trustedKeys: keyring,
          publicUrl: cfg.publicUrl,
          maxUploadBytes: cfg.maxZipBytes,
          query: { allowUnknownQueryParameters: cfg.allowUnknownQueryParameters },
          proxy,
          limits: { headersTimeoutMs: cfg.headersTimeoutMs, requestTimeoutMs: cfg.requestTimeoutMs, idleTimeoutMs: cfg.idleTimeoutMs, keepAliveTimeoutMs: cfg.keepAliveTimeoutMs, maxConnections: cfg.maxConnections },
          uploadDir: cfg.uploadDir,
          maxConcurrentUploads: cfg.maxConcurrentUploads,
          maxZipInflations: cfg.maxZipInflations,
        });
        const first = await reg.watcher.start();
        log.info({ storage: store.description, cursor: first.cursor, versions: first.count }, 'catalog loaded');
        let address: string;
        try {
          address = await reg.app.listen({ host: cfg.host, port: cfg.port });
        } catch (e) {
          await reg.close().catch(() => {});
          await store.close?.();
          if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PsError('PORT_IN_USE', `${cfg.host}:${cfg.port}`, { cause: e });
          if ((e as NodeJS.ErrnoException).code === 'EACCES') throw new PsError('PERMISSION_DENIED', `cannot listen on ${cfg.host}:${cfg.port} (ports below 1024 need privileges: choose another with --port or PACKAGE_STORAGE_PORT)`, { cause: e });
          throw e;
        }
        if (cluster.isWorker) process.send?.({ listening: address, count: first.count, storage: store.description });
        else process.stdout.write(`package-storage registry listening on ${address} (storage ${store.description}, ${first.count} package versions${proxy ? `; proxy to ${proxy.upstream}, cache ${proxy.cacheDir}` : ''})\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            log.info('shutting down');
            // a failing close must not become an unhandled rejection (a crash with a stack): log it, exit cleanly
            reg
              .close()
              .then(() => store.close?.())
              .catch((e: unknown) => log.error({ err: (e as Error)?.message ?? String(e) }, 'shutdown: closing the registry or the store failed'))
              .finally(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        if (cluster.isWorker) process.disconnect?.(); // the IPC channel would keep a worker alive
      }),
    );
}
