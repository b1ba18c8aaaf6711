/**
 * The web UI (issue 9), as a fastify plugin the registry registers:
 *
 *   GET /app, /app/, /app/<client route>   → index.html (the single-page app; no-cache)
 *   GET /app/assets/<hashed file>           → built assets (immutable, one year)
 *   GET /api/v1/ui/packages/{n}/{v}/integrity → { sha256, size, signature: { keyId, fingerprint } | null }
 *   GET /api/v1/ui/packages/{n}/published   → { name, versions: [{ version, published }] }  (published.ts)
 *   GET /api/v1/ui/updated                  → { updated: { <name>: <newest publish time> } }  (published.ts)
 *
 * The pages themselves only call the registry's public JSON API (/search, /categories, /package/...) plus the
 * endpoints above, which the EPR API lacks. Assets are built by Vite (`npm run build`) into
 * `dist/ui/app/` and read into memory once at registration (the bundle is small).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import mime from 'mime-types';
import { LRUCache } from 'lru-cache';
import { readSignature } from 'openpgp';
import { KEYS } from '../index/format.js';
import { PsError } from '../errors.js';
import type { ObjectStore } from '../storage/types.js';
import { PublishTimes, type CatalogView } from './published.js';

export interface UiOptions {
  store: ObjectStore;
  /** Directory holding the built UI (index.html + assets/). Default: `<repo>/dist/ui/app`. */
  uiDir?: string;
  /** The registry's current catalog (src/registry/catalog.ts); the publish-time endpoints answer from it. */
  getCatalog?: () => unknown;
  /** Smallest time between two listings of the package documents for publish times (ms). Default 5000. */
  publishTimesRelistMs?: number;
}

export interface Integrity {
  name: string;
  version: string;
  /** Hex SHA-256 of the zip, as stored. */
  sha256: string;
  size: number;
  /** Issuer of the detached signature (`.zip.sig`), or null when the package has no signature. */
  signature: { keyId: string; fingerprint?: string; created?: string } | null;
}

/** The default location of the built UI: two levels up from this file (src/ui or dist/ui) is the repo root. */
export function defaultUiDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../dist/ui/app');
}

const NAME_RE = /^[a-z0-9_]+$/;
const VERSION_RE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Content-Security-Policy of the pages: everything from this origin, nothing from elsewhere. */
export const UI_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

async function loadAssets(dir: string): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) {
        const body = await readFile(path.join(dir, r));
        const type = mime.contentType(path.extname(e.name)) || 'application/octet-stream';
        out.set(r, { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` });
      }
    }
  }
  await walk('');
  return out;
}

/** Hex SHA-256 and size of a stored object, streamed. */
async function hashObject(store: ObjectStore, key: string): Promise<{ sha256: string; size: number }> {
  const { body } = await store.get(key);
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

async function readText(store: ObjectStore, key: string): Promise<string> {
  const { body } = await store.get(key);
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Parse an armored detached signature and return its issuer key id / fingerprint (upper-case hex). */
export async function signatureIssuer(armored: string): Promise<{ keyId: string; fingerprint?: string; created?: string }> {
  let sig;
  try {
    sig = await readSignature({ armoredSignature: armored });
  } catch (e) {
    throw new PsError('SIGNATURE_MALFORMED', (e as Error).message);
  }
  const packet = sig.packets[0];
  if (!packet) throw new PsError('SIGNATURE_MALFORMED', 'no signature packet');
  const fp = packet.issuerFingerprint;
  const keyId = fp && fp.length >= 8 ? hex(fp.subarray(fp.length - 8)) : packet.issuerKeyID.toHex();
  const created = packet.created instanceof Date ? packet.created.toISOString() : undefined;
  return {
    keyId: keyId.toUpperCase(),
    ...(fp && fp.length > 0 ? { fingerprint: hex(fp).toUpperCase() } : {}),
    ...(created ? { created } : {}),
  };
}

/** Integrity facts of one published package, read from the store. Throws STORAGE_NOT_FOUND if no zip. */
export async function computeIntegrity(store: ObjectStore, name: string, version: string): Promise<Integrity> {
  const { sha256, size } = await hashObject(store, KEYS.zip(name, version));
  let signature: Integrity['signature'] = null;
  let armored: string | undefined;
  try {
    armored = await readText(store, KEYS.sig(name, version));
  } catch (e) {
    if (!(e instanceof PsError && e.code === 'STORAGE_NOT_FOUND')) throw e;
  }
  if (armored !== undefined) signature = await signatureIssuer(armored);
  return { name, version, sha256, size, signature };
}

export async function registerUi(app: FastifyInstance, opts: UiOptions): Promise<void> {
  const uiDir = opts.uiDir ?? defaultUiDir();
  let assets = new Map<string, Asset>();
  try {
    if ((await stat(uiDir)).isDirectory()) assets = await loadAssets(uiDir);
  } catch {
    /* not built */
  }
  const index = assets.get('index.html');
  if (!index) app.log.warn({ uiDir }, 'web UI is not built (no index.html); run `npm run build`. /app/ will answer 503');

  const sendIndex = (reply: FastifyReply) => {
    if (!index) {
      return reply.code(503).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store')
        .send(`The web UI is not built: no ${path.join(uiDir, 'index.html')}. Run \`npm run build\`.\n`);
    }
    return reply
      .type(index.type)
      .header('Cache-Control', 'no-cache')
      .header('ETag', index.etag)
      .header('Content-Security-Policy', UI_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'same-origin')
      .send(index.body);
  };

  const serve = (rel: string, reply: FastifyReply, ifNoneMatch: string | undefined) => {
    const a = assets.get(rel);
    if (!a || rel === 'index.html') return sendIndex(reply);
    const immutable = rel.startsWith('assets/');
    reply
      .header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=600')
      .header('ETag', a.etag)
      .header('X-Content-Type-Options', 'nosniff');
    if (ifNoneMatch === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  };

  // The registry labels requests by route for its metrics (`req.routeLabel`); ours are 'ui' and 'ui-integrity'.
  const label = (req: object, l: string) => ((req as { routeLabel?: string }).routeLabel = l);
  app.get('/app', (req, reply) => (label(req, 'ui'), sendIndex(reply)));
  app.get('/app/', (req, reply) => (label(req, 'ui'), sendIndex(reply)));
  app.get('/app/*', (req, reply) => {
    label(req, 'ui');
    const rel = (req.params as { '*': string })['*'] ?? '';
    // Unknown files under assets/ are real 404s (a stale page asking for an old hash), not the app shell.
    if (rel.startsWith('assets/') && !assets.has(rel)) {
      return reply.code(404).type('text/plain; charset=utf-8').send('asset not found\n');
    }
    return serve(rel, reply, req.headers['if-none-match']);
  });

  // Publish times (issue 17): one listing of v2/packages/ per catalog revision, never one per request.
  const getCatalog = opts.getCatalog as (() => CatalogView | undefined) | undefined;
  const times = new PublishTimes(opts.store, getCatalog ?? (() => undefined), { minRelistMs: opts.publishTimesRelistMs });
  app.get('/api/v1/ui/packages/:name/published', async (req, reply) => {
    label(req, 'ui-published');
    const { name } = req.params as { name: string };
    reply.header('Cache-Control', 'no-cache');
    if (!NAME_RE.test(name) || name.length > 200) {
      return reply.code(400).send({ error: 'BAD_REQUEST', message: 'invalid package name' });
    }
    if (!getCatalog) return reply.code(404).send({ error: 'NOT_FOUND', message: 'no catalog' });
    const r = await times.published(name);
    if (!r) return reply.code(404).send({ error: 'NOT_FOUND', message: `no package ${name} in this registry` });
    return reply.send({ name, versions: r.versions });
  });
  app.get('/api/v1/ui/updated', async (req, reply) => {
    label(req, 'ui-updated');
    reply.header('Cache-Control', 'no-cache');
    if (!getCatalog) return reply.type('application/json').send({ updated: {} });
    const snap = await times.get();
    reply.header('ETag', snap.etag);
    if (req.headers['if-none-match'] === snap.etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(snap.updatedBody);
  });

  const cache = new LRUCache<string, Integrity>({ max: 2000, ttl: 10 * 60 * 1000 });
  const inflight = new Map<string, Promise<Integrity>>();
  app.get('/api/v1/ui/packages/:name/:version/integrity', async (req, reply) => {
    label(req, 'ui-integrity');
    const { name, version } = req.params as { name: string; version: string };
    reply.header('Cache-Control', 'no-cache');
    if (!NAME_RE.test(name) || !VERSION_RE.test(version)) {
      return reply.code(400).send({ error: 'BAD_REQUEST', message: 'invalid package name or version' });
    }
    const k = `${name}-${version}`;
    const hit = cache.get(k);
    if (hit) return reply.header('Cache-Control', 'public, max-age=600').send(hit);
    let p = inflight.get(k);
    if (!p) {
      p = computeIntegrity(opts.store, name, version).finally(() => inflight.delete(k));
      inflight.set(k, p);
    }
    try {
      const result = await p;
      cache.set(k, result);
      return reply.header('Cache-Control', 'public, max-age=600').send(result);
    } catch (e) {
      if (e instanceof PsError && e.code === 'STORAGE_NOT_FOUND') {
        return reply.code(404).send({ error: 'NOT_FOUND', message: `no artifact for ${k} in the store` });
      }
      if (e instanceof PsError && e.code === 'SIGNATURE_MALFORMED') {
        return reply.code(422).send({ error: e.code, message: `${k}.zip.sig: ${e.message}` });
      }
      throw e;
    }
  });
}
