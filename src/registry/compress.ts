/**
 * Compression of the registry's JSON answers (`/search`, `/categories`, `/package/{n}/{v}/`): gzip when the
 * client accepts it (Kibana always sends `Accept-Encoding: gzip,deflate`), brotli when the client lists `br`.
 * Each encoding of an answer is computed once and kept on the answer object itself, so a cached answer is
 * compressed once for its whole life in the cache. Artifacts (zips, signatures, static files) never come here:
 * they are served as stored.
 *
 * Every compressible answer carries `Vary: Accept-Encoding` whether or not it was compressed, so a shared cache
 * never hands a gzip body to a client that did not ask for one.
 */
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';

export type Encoding = 'gzip' | 'br';

/** An answer whose encoded forms are computed on first use and then kept. */
export interface Compressible {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** Below this many bytes an answer is sent as is (the gzip framing alone is ~20 bytes; nginx's default is 20). */
const MIN_COMPRESS_BYTES = 256;

/** Brotli quality: 11 (the default) takes seconds on a 10 MB `/search?all=true`; 5 is close in size and fast. */
const BROTLI_QUALITY = 5;

const parsedCache = new Map<string, Encoding | undefined>();

/**
 * The encoding to answer with for an `Accept-Encoding` header (RFC 9110 §12.5.3): `br` if listed with q > 0,
 * else `gzip` (or `x-gzip`, or `*`) with q > 0, else none. `identity` is always acceptable, so the answer can
 * always fall back to the plain body. Results are memoized per header value (clients send a handful of values).
 */
export function negotiate(header: string | string[] | undefined): Encoding | undefined {
  if (header === undefined) return undefined;
  const h = Array.isArray(header) ? header.join(',') : header;
  if (h === '') return undefined;
  if (parsedCache.has(h)) return parsedCache.get(h);
  let gzip: number | undefined;
  let br: number | undefined;
  let star: number | undefined;
  for (const part of h.split(',')) {
    const [tokenRaw, ...params] = part.split(';');
    const token = tokenRaw!.trim().toLowerCase();
    if (token === '') continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    if (token === 'gzip' || token === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (token === 'br') br = q;
    else if (token === '*') star = q;
  }
  let out: Encoding | undefined;
  if (br !== undefined && br > 0) out = 'br';
  else if ((gzip ?? star ?? 0) > 0) out = 'gzip';
  if (parsedCache.size > 256) parsedCache.clear();
  parsedCache.set(h, out);
  return out;
}

/** The body to send for `enc` (computed once per answer), or undefined to send the plain body. */
export function encodedBody(r: Compressible, enc: Encoding | undefined): Buffer | undefined {
  if (enc === undefined || r.body.length < MIN_COMPRESS_BYTES) return undefined;
  if (enc === 'gzip') return (r.gzip ??= gzipSync(r.body, { level: 6 }));
  return (r.br ??= brotliCompressSync(r.body, {
    params: { [zc.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zc.BROTLI_PARAM_SIZE_HINT]: r.body.length, [zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_TEXT },
  }));
}
