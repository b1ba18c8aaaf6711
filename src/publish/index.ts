/**
 * The publish pipeline (docs/bucket-format.md §5): read safely → identity → validate → verify signature →
 * write-once zip and .sig → static files → package document LAST → index → wait until visible.
 *
 * Every check happens before the first write, so refused input changes nothing. Every write is
 * `putIfAbsent`; finding an object already there is fine when its bytes are ours (a retry after a crash),
 * and `VERSION_EXISTS` when the zip differs. The document is written last: its presence is what makes a
 * version published, so a crash at any step leaves either nothing visible or the complete version.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import mime from 'mime-types';
import { PsError, isPsError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ObjectStore, ObjectInfo } from '../storage/types.js';
import { checkPortableKey } from '../storage/keys.js';
import { readCursor } from '../index/reader.js';
import { KEYS, entryKey, type PackageDocument } from '../index/format.js';
import { crashPoint } from '../index/crash.js';
import { checkDocument } from '../index/revision.js';
import { runIndexerDetailed, requestIndexerRun, mapLimit } from '../index/indexer.js';
import { writeJournalMarker } from '../index/journal.js';
import type { PackageSource } from '../package/source.js';
import { openZip, checkPackageIdentity, type ZipLimits } from '../package/zip.js';
import { buildZip } from '../package/build.js';
import { deriveDocument } from '../package/document.js';
import { validatePackage } from '../spec/index.js';
import { parseSignature, signDetached, verifyDetached, type Keyring } from '../signing/index.js';
import { gcClaimKey, GC_CLAIM_STALE_MS } from './gc.js';

export type PublishInput = { zip: string; signature?: string } | { dir: string };

export interface PublishOptions {
  /** Validate only what deriving a correct document needs (re-publishing old v1 packages). */
  legacy?: boolean;
  /** Do not verify the signature (tests, local development). A given signature is still stored. */
  skipVerify?: boolean;
  /** Trusted public keys; required unless skipVerify. */
  keyring?: Keyring;
  /** Sign a folder input's built zip with this key. */
  signingKey?: { armored: string; passphrase?: string };
  /** Return only once the current index revision contains the package (default true). */
  wait?: boolean;
  /** Run the indexer at all (default true). `migrate` turns it off and indexes once at the end. */
  index?: boolean;
  logger?: Logger;
  zipLimits?: Partial<ZipLimits>;
  signal?: AbortSignal;
  /** Refuse (PACKAGE_NAME_MISMATCH, before any write) a zip that is not this name and version (`mirror`). */
  expect?: { name: string; version: string };
}

export type PublishStatus = 'published' | 'already-published';

export interface PublishOutcome {
  status: PublishStatus;
  name: string;
  version: string;
  /** The cursor of a revision containing the package (when the indexer ran). */
  cursor?: string;
  ms: number;
}

/** Static files extracted to artifacts/static/{n}-{v}/ (served by /package/{n}/{v}/{path}). */
export function isStaticPath(p: string): boolean {
  return p.startsWith('img/') || p.startsWith('docs/') || ['manifest.yml', 'changelog.yml', 'LICENSE.txt', 'NOTICE.txt'].includes(p);
}

/** Publish a zip (with its signature: the given path, or `<zip>.sig` beside it) or a folder (built first). */
export async function publishPackage(store: ObjectStore, input: PublishInput, opts: PublishOptions = {}): Promise<PublishOutcome> {
  const t0 = performance.now();
  if ('dir' in input) {
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-publish-'));
    try {
      const built = await buildZip(input.dir, tmp);
      const signature = opts.signingKey ? await signDetached(built.file, opts.signingKey.armored, opts.signingKey.passphrase) : undefined;
      return await publishZipFile(store, built.file, signature, opts, t0);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }
  let signature: Buffer | undefined;
  const sigPath = input.signature ?? `${input.zip}.sig`;
  try {
    signature = await fsp.readFile(sigPath); // bytes: with --skip-verify they are stored exactly as given
  } catch (e) {
    if (input.signature !== undefined) throw new PsError('SIGNATURE_MISSING', `cannot read ${input.signature}: ${(e as Error).message}`);
  }
  return publishZipFile(store, input.zip, signature, opts, t0);
}

/**
 * Publish an already-received zip file with its armored signature (text or bytes, if any). This is what the
 * registry's HTTP publish endpoint calls after spooling the upload to a temp file.
 */
export async function publishZipFile(store: ObjectStore, zipFile: string, signatureIn: string | Buffer | undefined, opts: PublishOptions = {}, t0 = performance.now()): Promise<PublishOutcome> {
  const log = opts.logger ?? silentLogger;
  // the signature's exact bytes are what is stored; its text is what is checked
  const signature = signatureIn === undefined ? undefined : typeof signatureIn === 'string' ? Buffer.from(signatureIn, 'utf8') : signatureIn;
  const signatureText = signature?.toString('utf8');
  const signal = opts.signal;

  // 1. read safely (every entry is decompressed once, so bombs and size lies are caught before any write)
  const src = await openZip(zipFile, opts.zipLimits);
  let name: string;
  let version: string;
  let doc: PackageDocument;
  let docBytes: string;
  let statics: string[];
  try {
    await drainEntries(src);
    ({ name, version } = await checkPackageIdentity(src));
    if (opts.expect && (opts.expect.name !== name || opts.expect.version !== version)) {
      throw new PsError('PACKAGE_NAME_MISMATCH', `expected ${opts.expect.name}-${opts.expect.version}, the zip holds ${name}-${version}`);
    }

    // 2. validate
    const v = await validatePackage(src, { legacy: opts.legacy === true });
    if (!v.valid) {
      const first = v.errors.slice(0, 3).map((e) => `${e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : ''}${e.message}`).join('; ');
      throw new PsError('SPEC_INVALID', `${name}-${version}: ${v.errors.length} error(s): ${first}${v.errors.length > 3 ? '; ...' : ''}`, { data: v.errors });
    }

    // 3. signature. With skipVerify a given signature is stored as is (as Elastic's registry serves whatever
    // .sig it has), with a warning when it is not a parseable OpenPGP signature.
    if (signatureText !== undefined && opts.skipVerify) {
      try {
        await parseSignature(signatureText);
      } catch (e) {
        log.warn({ package: `${name}-${version}`, reason: (e as Error).message }, 'publish --skip-verify: the signature is not a parseable armored OpenPGP signature; storing it as is');
      }
    } else if (signatureText !== undefined && !/-----BEGIN PGP SIGNATURE-----/.test(signatureText)) {
      throw new PsError('SIGNATURE_MALFORMED', `${name}-${version}: not an ASCII-armored signature`);
    }
    if (!opts.skipVerify) {
      if (signatureText === undefined) throw new PsError('SIGNATURE_MISSING', `${name}-${version}: no signature (give --signature or put ${path.basename(zipFile)}.sig beside the zip)`);
      if (!opts.keyring) throw new PsError('SIGNATURE_UNKNOWN_KEY', 'no trusted keys configured (--trusted-keys or PACKAGE_STORAGE_TRUSTED_KEYS), or use --skip-verify');
      await verifyDetached(zipFile, signatureText, opts.keyring);
    }

    // 4. the document (derived and checked now, written last)
    doc = await deriveDocument(src, { signed: signature !== undefined });
    if (doc.name !== name || doc.version !== version) throw new PsError('PACKAGE_NAME_MISMATCH', `document says ${doc.name}-${doc.version}, zip is ${name}-${version}`);
    docBytes = JSON.stringify(doc);
    try {
      checkDocument(docBytes, { name, version });
    } catch (e) {
      throw new PsError('MANIFEST_INVALID', `${name}-${version}: ${(e as Error).message}`);
    }
    statics = src.entries().filter((e) => e.type === 'file' && isStaticPath(e.path)).map((e) => e.path);
    for (const rel of statics) {
      try {
        checkPortableKey(KEYS.staticFile(name, version, rel));
      } catch (e) {
        throw new PsError('ZIP_PATH_INVALID', `${rel} cannot be stored as a static file: ${(e as Error).message}`);
      }
    }
    // 4b. the index can be updated (the last step): an unreadable cursor would refuse the publish after its writes
    if (opts.index !== false) await checkIndexReadable(store, signal);
  } catch (e) {
    await src.close();
    throw e;
  }

  const key = `${name}-${version}`;
  // every object the document points to, and how to put it back if a concurrent gc removed it
  const objects: Restorable[] = [
    { key: KEYS.zip(name, version), contentType: 'application/zip', body: async () => createReadStream(zipFile) },
    ...(signature !== undefined ? [{ key: KEYS.sig(name, version), contentType: 'application/pgp-signature', body: async () => signature }] : []),
    ...statics.map((rel) => ({ key: KEYS.staticFile(name, version, rel), contentType: contentTypeFor(rel), body: async () => (await src.openStream(rel)) as Readable })),
  ];
  const writeAll = async (): Promise<void> => {
    crashPoint('validated');
    const local = await hashFile(zipFile);

    // Already published? (the document exists): same zip bytes = no-op success, different = refused.
    const existingDoc = await store.head(KEYS.document(name, version), { signal });
    if (existingDoc) {
      await awaitNoGcClaim(store, name, version, log, signal);
      if (!(await sameAsStored(store, KEYS.zip(name, version), local, signal))) {
        // A document without its zip (removed by a gc that raced an earlier publish): if the document is the one
        // this zip makes, the version is ours to repair; otherwise it is another package.
        const zipGone = !(await store.head(KEYS.zip(name, version), { signal }));
        if (!zipGone || (await readText(store, KEYS.document(name, version), signal).catch(() => '')) !== docBytes) {
          throw new PsError('VERSION_EXISTS', `${key} is already published with different bytes; publish a new version`);
        }
        log.warn({ package: key }, 'publish: the published version had lost its zip; putting its objects back');
      }
      await restoreMissing(store, objects, log, signal);
      log.info({ package: key }, 'publish: already published');
      status = 'already-published';
      return;
    }

    // 5. the zip, write-once
    for (let attempt = 0; ; attempt++) {
      const zipStream = createReadStream(zipFile);
      try {
        await store.putIfAbsent(KEYS.zip(name, version), zipStream, { contentType: 'application/zip', signal });
        break;
      } catch (e) {
        zipStream.destroy();
        if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
        if (await sameAsStored(store, KEYS.zip(name, version), local, signal)) {
          log.debug({ package: key }, 'publish: zip already stored (same bytes), continuing');
          break;
        }
        // removed between our write and our look (a gc): write it again
        if (attempt < 5 && !(await store.head(KEYS.zip(name, version), { signal }))) continue;
        throw new PsError('VERSION_EXISTS', `${key}: a different zip is already stored for this version (left by an unfinished publish? 'package-storage gc' removes it after its grace period)`);
      }
    }
    crashPoint('zip');

    // 6. the signature
    if (signature !== undefined) await putSignature(store, name, version, signature, opts, log);
    crashPoint('sig');

    // 7. static files
    let n = 0;
    await mapLimit(statics, 8, async (rel) => {
      await putStatic(store, src, KEYS.staticFile(name, version, rel), rel, signal);
      if (n++ === 0) crashPoint('static-first');
    });
    crashPoint('static');

    // 8. the document, last. Its objects must still be there (a gc may be removing them: wait for it, put back).
    await awaitNoGcClaim(store, name, version, log, signal);
    await restoreMissing(store, objects, log, signal);
    try {
      await store.putIfAbsent(KEYS.document(name, version), docBytes, { contentType: 'application/json', signal });
    } catch (e) {
      if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
      status = 'already-published'; // a concurrent publish of the same bytes won
    }
    crashPoint('document');
    // 9. Only now is success certain: a gc that claimed the version after this point sees the document and
    // deletes nothing; one that claimed it before has finished once its claim is gone. Put back what it removed.
    await awaitNoGcClaim(store, name, version, log, signal);
    await restoreMissing(store, objects, log, signal);
    log.info({ package: key, status }, 'publish: package written');
  };
  let status: PublishStatus = 'published';
  try {
    await writeAll();
  } finally {
    await src.close();
  }
  // the zip is closed before indexing: nothing below reads it
  return finish(store, status, name, version, opts, t0);
}

/** Run the indexer and, when waiting, make sure the resulting current revision holds the package. */
async function finish(store: ObjectStore, status: PublishStatus, name: string, version: string, opts: PublishOptions, t0: number): Promise<PublishOutcome> {
  const log = opts.logger ?? silentLogger;
  const out: PublishOutcome = { status, name, version, ms: 0 };
  // the journal marker: the next indexer run reads this document without listing the others. Written on
  // "already published" too, which repairs a crash between the document and its marker.
  await writeJournalMarker(store, name, version, opts.signal);
  crashPoint('journal');
  if (opts.index !== false) {
    const wait = opts.wait !== false;
    const key = entryKey({ name, version });
    for (let i = 0; ; i++) {
      try {
        // the first run is shared with concurrent publishes of this process; a rare second one is our own
        const r = wait && i === 0 ? await requestIndexerRun(store, { logger: log, mode: 'journal' }) : await runIndexerDetailed(store, { logger: log, mode: 'journal', maxRetries: wait ? undefined : 0, signal: opts.signal });
        if (r.keys.has(key)) {
          out.cursor = r.cursor;
          break;
        }
        if (!wait) break;
        if (i >= 2) throw new PsError('PUBLISH_TIMEOUT', `${key}: the index does not contain it after ${i + 1} indexer runs (is its document valid?)`);
      } catch (e) {
        if (!wait && isPsError(e, 'INDEX_CONFLICT')) {
          log.info({ package: key }, 'publish: index busy; another indexer run will pick the package up');
          break;
        }
        throw e;
      }
    }
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

async function putSignature(store: ObjectStore, name: string, version: string, signature: Buffer, opts: PublishOptions, log: Logger): Promise<void> {
  const key = KEYS.sig(name, version);
  try {
    await store.putIfAbsent(key, signature, { contentType: 'application/pgp-signature', signal: opts.signal });
    return;
  } catch (e) {
    if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
  }
  let stored: Buffer;
  try {
    stored = await readBytes(store, key, opts.signal);
  } catch (e) {
    if (!isPsError(e, 'STORAGE_NOT_FOUND')) throw e;
    await store.putIfAbsent(key, signature, { contentType: 'application/pgp-signature', signal: opts.signal }).catch((e2) => {
      if (!isPsError(e2, 'STORAGE_PRECONDITION_FAILED')) throw e2;
    });
    return; // removed meanwhile (a gc): written again (or by a concurrent publish)
  }
  if (stored.equals(signature)) return;
  // Another signature for the same zip bytes (signatures are not deterministic): keep the stored one if it
  // verifies; replace it only if it does not (it came from an unverified, never-completed attempt).
  if (opts.keyring && !opts.skipVerify) {
    try {
      const zipBody = (await store.get(KEYS.zip(name, version), { signal: opts.signal })).body;
      await verifyDetached(zipBody as Readable, stored.toString('utf8'), opts.keyring);
      log.debug({ key }, 'publish: a valid signature is already stored; keeping it');
      return;
    } catch {
      log.warn({ key }, 'publish: replacing an unverifiable signature left by an unfinished publish');
      await store.put(key, signature, { contentType: 'application/pgp-signature', signal: opts.signal });
      return;
    }
  }
  log.debug({ key }, 'publish: a signature is already stored; keeping it');
}

/** INDEX_INVALID unless cursor.json is absent, or readable and naming a revision whose full index exists. */
async function checkIndexReadable(store: ObjectStore, signal?: AbortSignal): Promise<void> {
  let current: string | undefined;
  try {
    ({ current } = await readCursor(store, signal));
  } catch (e) {
    if (isPsError(e, 'INDEX_INVALID')) throw new PsError('INDEX_INVALID', `${e.detail ?? e.message}; nothing was written (fix or remove it, then run 'package-storage index')`);
    throw e;
  }
  if (current !== undefined && !(await store.head(KEYS.indexAll(current), { signal }))) {
    throw new PsError('INDEX_INVALID', `${KEYS.cursor} names ${current}, but ${KEYS.indexAll(current)} does not exist; nothing was written`);
  }
}

interface Restorable {
  key: string;
  contentType: string;
  body: () => Promise<string | Buffer | Readable>;
}

/** Put back any of `objects` that is missing (removed by a gc racing this publish). */
async function restoreMissing(store: ObjectStore, objects: Restorable[], log: Logger, signal?: AbortSignal): Promise<void> {
  await mapLimit(objects, 8, async (o) => {
    if (await store.head(o.key, { signal })) return;
    log.warn({ key: o.key }, 'publish: an object was removed meanwhile (gc?); putting it back');
    const body = await o.body();
    try {
      await store.putIfAbsent(o.key, body, { contentType: o.contentType, signal });
    } catch (e) {
      if (typeof body !== 'string' && !Buffer.isBuffer(body)) await drain(body);
      if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e; // put back by a concurrent publish: fine
    }
  });
}

/**
 * Wait until no gc claims this version (gc.ts): a gc holding the claim may be deleting its objects. A claim seen
 * unchanged for GC_CLAIM_STALE_MS (by our clock) belongs to a gc that died: it is removed.
 */
async function awaitNoGcClaim(store: ObjectStore, name: string, version: string, log: Logger, signal?: AbortSignal): Promise<void> {
  const claim = gcClaimKey(name, version);
  let seen: { etag: string; since: number } | undefined;
  for (let i = 0; ; i++) {
    const info = await store.head(claim, { signal });
    if (!info) return;
    if (!seen || seen.etag !== info.etag) seen = { etag: info.etag, since: performance.now() };
    else if (performance.now() - seen.since > GC_CLAIM_STALE_MS) {
      log.warn({ key: claim }, 'publish: removing a gc claim unchanged for too long (its gc died)');
      await store.delete(claim, { signal });
      continue;
    }
    if (i === 0) log.info({ key: claim }, 'publish: a gc is working on this version; waiting for it');
    signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, Math.min(200, 5 + i * 10)));
  }
}

async function putStatic(store: ObjectStore, src: PackageSource, key: string, rel: string, signal?: AbortSignal): Promise<void> {
  const contentType = contentTypeFor(rel);
  // A retry finds most files already there: check first, so that no zip entry stream is opened for nothing.
  if (!(await store.head(key, { signal }))) {
    const body = (await src.openStream(rel)) as Readable;
    try {
      await store.putIfAbsent(key, body, { contentType, signal });
      return;
    } catch (e) {
      // never destroy a zip entry stream mid-read (yauzl's fd-slicer then reads from a closed context): drain it
      await drain(body);
      if (!isPsError(e, 'STORAGE_PRECONDITION_FAILED')) throw e;
    }
  }
  const local = await hashStream((await src.openStream(rel)) as Readable);
  if (await sameAsStored(store, key, local, signal)) return;
  // Left over from an earlier, different and never-published zip (its document was never written): replace.
  await store.put(key, (await src.openStream(rel)) as Readable, { contentType, signal });
}

export function contentTypeFor(rel: string): string {
  const ext = path.extname(rel).toLowerCase();
  if (ext === '.md') return 'text/markdown; charset=utf-8';
  if (ext === '.yml' || ext === '.yaml') return 'text/yaml; charset=UTF-8';
  return mime.lookup(rel) || 'application/octet-stream';
}

interface Digest {
  size: number;
  sha256: string;
  md5: string;
}

async function hashStream(s: NodeJS.ReadableStream): Promise<Digest> {
  const a = createHash('sha256');
  const b = createHash('md5');
  let size = 0;
  for await (const c of s) {
    const buf = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    a.update(buf);
    b.update(buf);
    size += buf.length;
  }
  return { size, sha256: a.digest('hex'), md5: b.digest('hex') };
}

const hashFile = (f: string): Promise<Digest> => hashStream(createReadStream(f));

/** True if the stored object has exactly these bytes: size, then etag (content hash), then a full compare. */
async function sameAsStored(store: ObjectStore, key: string, local: Digest, signal?: AbortSignal): Promise<boolean> {
  const info: ObjectInfo | undefined = await store.head(key, { signal });
  if (!info) return false;
  if (info.size !== local.size) return false;
  const etag = info.etag.replace(/^(W\/)?"|"$/g, '').replace(/^(sha256|md5)[:-]/, '');
  if (etag === local.sha256 || etag === local.md5) return true;
  const remote = await hashStream((await store.get(key, { signal })).body);
  return remote.sha256 === local.sha256;
}

async function readBytes(store: ObjectStore, key: string, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await store.get(key, { signal })).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function readText(store: ObjectStore, key: string, signal?: AbortSignal): Promise<string> {
  return (await readBytes(store, key, signal)).toString('utf8');
}

async function drain(s: Readable): Promise<void> {
  if (s.readableEnded || s.destroyed) return;
  try {
    for await (const _ of s) {
      /* discard */
    }
  } catch {
    /* the store may have errored it */
  }
}

/** Decompress every file once and discard it: the safe reader's limits fire here, before any write. */
async function drainEntries(src: PackageSource): Promise<void> {
  for (const e of src.entries()) {
    if (e.type !== 'file') continue;
    const s = await src.openStream(e.path);
    for await (const _ of s) {
      /* discard */
    }
  }
}
