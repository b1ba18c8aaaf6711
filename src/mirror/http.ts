/**
 * The HTTP client for upstream registries (shared by `mirror` and the pull-through proxy): every request has
 * an idle timeout (no byte for `timeoutMs` = give up on this attempt, so a stalled body is caught too), is
 * retried with exponential backoff and jitter on network errors, timeouts, 5xx and 429 (honouring
 * `Retry-After`, capped), and reads at most `maxBytes`. Failures are PsErrors: UPSTREAM_UNAVAILABLE,
 * UPSTREAM_TIMEOUT, UPSTREAM_NOT_FOUND (404, not retried), UPSTREAM_BAD_ANSWER (other statuses, too large).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import { PsError, isPsError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';

export interface UpstreamHttpOptions {
  /** Idle timeout per attempt: the longest wait for the answer or for the next bytes of its body (ms). */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff (ms); doubles per retry, with jitter, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export const DEFAULT_UPSTREAM_HTTP: Required<Pick<UpstreamHttpOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'maxBackoffMs'>> = {
  timeoutMs: 30_000,
  retries: 3,
  backoffMs: 250,
  maxBackoffMs: 10_000,
};

const USER_AGENT = 'package-storage';

class Retriable extends Error {
  constructor(readonly error: PsError, readonly retryAfterMs?: number) {
    super(error.message);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfter(h: string | null, max: number): number | undefined {
  if (!h) return undefined;
  if (/^\d+$/.test(h.trim())) return Math.min(Number(h.trim()) * 1000, max);
  const d = Date.parse(h);
  return Number.isNaN(d) ? undefined : Math.min(Math.max(0, d - Date.now()), max);
}

interface Attempt {
  res: Response;
  /** Call on every chunk: re-arms the idle timeout. */
  touch(): void;
  signal: AbortSignal;
}

/**
 * Run `fn` over a successful (2xx) answer of GET `url`, with the timeout and retry policy. `fn` reads the
 * body (calling `touch()` per chunk); a failure while reading is retried like a failed request.
 */
async function withUpstream<T>(url: string, opts: UpstreamHttpOptions, fn: (a: Attempt) => Promise<T>, what = url): Promise<T> {
  const o = { ...DEFAULT_UPSTREAM_HTTP, ...opts };
  const log = o.logger ?? silentLogger;
  for (let i = 0; ; i++) {
    o.signal?.throwIfAborted();
    const ac = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        ac.abort(new Error('timeout'));
      }, o.timeoutMs);
    };
    const onOuter = () => ac.abort(o.signal!.reason);
    o.signal?.addEventListener('abort', onOuter, { once: true });
    touch();
    try {
      let res: Response;
      try {
        res = await fetch(url, { signal: ac.signal, headers: { 'user-agent': USER_AGENT, ...o.headers }, redirect: 'follow' });
      } catch (e) {
        throw new Retriable(new PsError(timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', `${what}: ${timedOut ? `no answer in ${o.timeoutMs} ms` : causeText(e)}`));
      }
      if (res.status >= 500 || res.status === 429) {
        await res.body?.cancel().catch(() => undefined);
        throw new Retriable(new PsError('UPSTREAM_UNAVAILABLE', `${what}: HTTP ${res.status}`), retryAfter(res.headers.get('retry-after'), o.maxBackoffMs));
      }
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        throw new PsError('UPSTREAM_NOT_FOUND', `${what}: HTTP 404`);
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => undefined);
        throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: HTTP ${res.status}`);
      }
      try {
        return await fn({ res, touch, signal: ac.signal });
      } catch (e) {
        if (isPsError(e) || o.signal?.aborted) throw e;
        throw new Retriable(new PsError(timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', `${what}: ${timedOut ? `body stalled for ${o.timeoutMs} ms` : `body: ${causeText(e)}`}`));
      }
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (!(e instanceof Retriable)) throw e;
      if (i >= o.retries) throw e.error;
      const wait = e.retryAfterMs ?? Math.min(o.maxBackoffMs, o.backoffMs * 2 ** i) * (0.5 + Math.random() / 2);
      log.debug({ url, attempt: i + 1, err: e.error.message, waitMs: Math.round(wait) }, 'upstream: retrying');
      await sleep(wait, o.signal);
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onOuter);
    }
  }
}

function causeText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** Read the body, at most `maxBytes`. */
async function readBody(a: Attempt, maxBytes: number, what: string): Promise<Buffer> {
  const len = Number(a.res.headers.get('content-length') ?? NaN);
  if (len > maxBytes) {
    await a.res.body?.cancel().catch(() => undefined);
    throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: ${len} bytes is more than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  if (a.res.body) {
    for await (const c of a.res.body) {
      a.touch();
      n += c.length;
      if (n > maxBytes) {
        await a.res.body.cancel().catch(() => undefined);
        throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: more than the limit of ${maxBytes} bytes`);
      }
      chunks.push(Buffer.from(c));
    }
  }
  return Buffer.concat(chunks);
}

export interface UpstreamBytes {
  body: Buffer;
  contentType: string;
  headers: Headers;
}

export function getBytes(url: string, opts: UpstreamHttpOptions, maxBytes: number, what = url): Promise<UpstreamBytes> {
  return withUpstream(url, opts, async (a) => ({ body: await readBody(a, maxBytes, what), contentType: a.res.headers.get('content-type') ?? '', headers: a.res.headers }), what);
}

/** GET a JSON answer (parsed). A body that is not JSON is UPSTREAM_BAD_ANSWER (not retried). */
export async function getJson(url: string, opts: UpstreamHttpOptions, maxBytes: number, what = url): Promise<{ value: unknown; raw: Buffer }> {
  const r = await getBytes(url, opts, maxBytes, what);
  try {
    return { value: JSON.parse(r.body.toString('utf8')) as unknown, raw: r.body };
  } catch (e) {
    throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: not JSON (${(e as Error).message})`);
  }
}

/**
 * Download to `file` (created or truncated per attempt). `onBytes` gets every chunk size, and the negative
 * total of an attempt that failed (so a progress count stays true across retries).
 */
export function downloadFile(url: string, file: string, opts: UpstreamHttpOptions, maxBytes: number, onBytes?: (n: number) => void, what = url): Promise<{ size: number; sha256: string }> {
  return withUpstream(
    url,
    opts,
    async (a) => {
      const len = Number(a.res.headers.get('content-length') ?? NaN);
      if (len > maxBytes) {
        await a.res.body?.cancel().catch(() => undefined);
        throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: ${len} bytes is more than the limit of ${maxBytes}`);
      }
      const out = createWriteStream(file);
      const h = createHash('sha256');
      let n = 0;
      try {
        if (a.res.body) {
          for await (const c of a.res.body) {
            a.touch();
            n += c.length;
            if (n > maxBytes) throw new PsError('UPSTREAM_BAD_ANSWER', `${what}: more than the limit of ${maxBytes} bytes`);
            h.update(c);
            onBytes?.(c.length);
            if (!out.write(c)) await once(out, 'drain');
          }
        }
        out.end();
        await once(out, 'finish');
        const fh = await fsp.open(file, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (e) {
        out.destroy();
        onBytes?.(-n);
        await a.res.body?.cancel().catch(() => undefined);
        throw e;
      }
      return { size: n, sha256: h.digest('hex') };
    },
    what,
  );
}
