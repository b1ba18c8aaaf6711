/**
 * Client side of the registry's HTTP publish endpoint (`POST /api/v1/packages`, bearer token): uploads the
 * zip and its signature; the registry runs the same pipeline (publishZipFile) and answers with the outcome.
 * Request: the zip streamed as the body (`Content-Type: application/zip`), the armored signature base64-encoded
 * in `X-Package-Signature` (the endpoint also accepts multipart/form-data). Response 201 published / 200
 * already published: `{status, name, version, cursor?, ms}`; errors: `{code, message}` with the catalog's status.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CATALOG, PsError, type ErrorCode } from '../errors.js';
import { buildZip } from '../package/build.js';
import { signDetached } from '../signing/index.js';
import type { PublishOutcome } from './index.js';

export async function publishViaRegistry(
  registry: string,
  token: string | undefined,
  arg: string,
  opts: { signature?: string; signingKey?: { armored: string; passphrase?: string } } = {},
): Promise<PublishOutcome> {
  const st = await fsp.stat(arg).catch(() => undefined);
  if (!st) throw new PsError('NOT_FOUND', `no such file or folder: ${arg}`);
  let tmp: string | undefined;
  try {
    let zip = arg;
    let signature: string | undefined;
    if (st.isDirectory()) {
      tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-client-'));
      zip = (await buildZip(arg, tmp)).file;
      if (opts.signingKey) signature = await signDetached(zip, opts.signingKey.armored, opts.signingKey.passphrase);
    } else {
      signature = await fsp.readFile(opts.signature ?? `${zip}.sig`, 'utf8').catch((e: unknown) => {
        if (opts.signature) throw new PsError('SIGNATURE_MISSING', `cannot read ${opts.signature}: ${(e as Error).message}`);
        return undefined;
      });
    }
    const headers: Record<string, string> = { 'content-type': 'application/zip', 'content-length': String((await fsp.stat(zip)).size) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (signature !== undefined) headers['x-package-signature'] = Buffer.from(signature, 'utf8').toString('base64');
    const url = new URL('/api/v1/packages', registry).toString();
    const init = { method: 'POST', body: Readable.toWeb(createReadStream(zip)), headers, duplex: 'half' } as unknown as RequestInit;
    const res = await fetch(url, init).catch((e: unknown) => {
      throw new PsError('STORAGE_UNAVAILABLE', `cannot reach ${url}: ${(e as Error).message}`);
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const code = typeof body.code === 'string' && body.code in ERROR_CATALOG ? (body.code as ErrorCode) : 'PUBLISH_FAILED';
      let msg = typeof body.message === 'string' ? body.message : `HTTP ${res.status}: ${text.slice(0, 200)}`;
      // the server's message starts with the code's own text, which our PsError adds again: say it once
      const base = ERROR_CATALOG[code].message;
      if (msg === base) msg = '';
      else if (msg.startsWith(`${base}: `)) msg = msg.slice(base.length + 2);
      throw new PsError(code, msg ? `${msg} (registry ${registry})` : `registry ${registry}`, { data: body.data });
    }
    return body as unknown as PublishOutcome;
  } finally {
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  }
}
