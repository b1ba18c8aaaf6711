/**
 * Receiving a publish upload: the body is streamed to a file in the upload folder, never held in memory
 * (a raw `application/zip` body, or `multipart/form-data` parsed by busboy: a `package` file part and an
 * optional `signature` part). Each upload gets its own folder `<uploadDir>/upload-<pid>-<random>/`; at start
 * the server sweeps the folders of processes that are gone (a killed `serve` leaves its uploads behind).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { PsError } from '../errors.js';

/** The default upload folder of a store: one fixed folder per store under the OS temp folder. */
export function defaultUploadDir(storeDescription: string): string {
  const h = createHash('sha256').update(storeDescription).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `package-storage-uploads-${h}`);
}

const PREFIX = 'upload-';

/** A fresh folder for one upload (created with the upload folder if needed, mode 0700). */
export async function makeUploadFolder(uploadDir: string): Promise<string> {
  await fsp.mkdir(uploadDir, { recursive: true, mode: 0o700 });
  return fsp.mkdtemp(path.join(uploadDir, `${PREFIX}${process.pid}-`));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // a folder with our pid is from an earlier process that had it
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what uploads of dead processes left in `uploadDir` (their pid no longer runs). Uploads of live
 * processes (other servers on the same store and machine) are left alone. Returns the names removed.
 */
export async function sweepUploadDir(uploadDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(uploadDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = /^upload-(\d+)-/.exec(n);
    if (m && alive(Number(m[1]))) continue;
    if (!m && !n.startsWith(PREFIX)) continue; // not ours
    await fsp.rm(path.join(uploadDir, n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}

const MAX_SIGNATURE_BYTES = 1024 * 1024;

function byteLimit(max: number, what: string): Transform {
  let n = 0;
  return new Transform({
    transform(c: Buffer, _enc, cb) {
      n += c.length;
      if (n > max) cb(new PsError('PAYLOAD_TOO_LARGE', `${what} exceeds ${max} bytes`));
      else cb(null, c);
    },
  });
}

/**
 * Stream the upload `body` (headers `headers`) to `<dir>/upload.zip`; `max` bounds the zip. Throws BAD_REQUEST
 * for a body we cannot read, PAYLOAD_TOO_LARGE beyond `max`.
 */
export async function receiveUpload(body: Readable, headers: Record<string, string | string[] | undefined>, dir: string, max: number): Promise<{ zipFile: string; signature?: string }> {
  const ct = String(headers['content-type'] ?? '');
  const zipFile = path.join(dir, 'upload.zip');
  if (ct.startsWith('application/zip') || ct.startsWith('application/octet-stream')) {
    await pipeline(body, byteLimit(max, 'the upload'), createWriteStream(zipFile));
    const h = headers['x-package-signature'];
    return { zipFile, signature: typeof h === 'string' && h !== '' ? Buffer.from(h, 'base64').toString('utf8') : undefined };
  }
  if (!ct.startsWith('multipart/form-data')) throw new PsError('BAD_REQUEST', `send multipart/form-data with a 'package' file part (and an optional 'signature' part), not '${ct || 'no content type'}'`);
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: headers as import('node:http').IncomingHttpHeaders, limits: { files: 2, fields: 8, parts: 16, fileSize: max, fieldSize: MAX_SIGNATURE_BYTES, headerPairs: 32 } });
  } catch (e) {
    throw new PsError('BAD_REQUEST', `cannot read the multipart body: ${(e as Error).message}`);
  }
  let signature: string | undefined;
  let gotPackage = false;
  const writes: Promise<void>[] = [];
  let failure: PsError | undefined;
  const fail = (e: PsError) => {
    failure ??= e;
  };
  bb.on('file', (name, stream) => {
    if (name === 'package' && !gotPackage) {
      gotPackage = true;
      stream.on('limit', () => fail(new PsError('PAYLOAD_TOO_LARGE', `the upload exceeds ${max} bytes`)));
      writes.push(pipeline(stream, createWriteStream(zipFile)));
    } else if (name === 'signature' && signature === undefined) {
      const parts: Buffer[] = [];
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
        if (n <= MAX_SIGNATURE_BYTES) parts.push(c);
        else fail(new PsError('PAYLOAD_TOO_LARGE', `the signature part exceeds ${MAX_SIGNATURE_BYTES} bytes`));
      });
      writes.push(
        new Promise<void>((resolve, reject) => {
          stream.on('end', () => {
            signature = Buffer.concat(parts).toString('utf8');
            resolve();
          });
          stream.on('error', reject);
        }),
      );
    } else stream.resume();
  });
  bb.on('field', (name, value, info) => {
    if (name !== 'signature' || signature !== undefined) return;
    if (info.valueTruncated) fail(new PsError('PAYLOAD_TOO_LARGE', `the signature part exceeds ${MAX_SIGNATURE_BYTES} bytes`));
    signature = value;
  });
  bb.on('partsLimit', () => fail(new PsError('BAD_REQUEST', 'the form has too many parts')));
  bb.on('filesLimit', () => fail(new PsError('BAD_REQUEST', 'the form has too many file parts')));
  bb.on('fieldsLimit', () => fail(new PsError('BAD_REQUEST', 'the form has too many fields')));
  try {
    // the whole body is bounded too (the zip, a signature and a little framing)
    await pipeline(body, byteLimit(max + 2 * MAX_SIGNATURE_BYTES + 64 * 1024, 'the upload'), bb);
    await Promise.all(writes);
  } catch (e) {
    if (failure) throw failure;
    if (e instanceof PsError) throw e;
    throw new PsError('BAD_REQUEST', `cannot read the multipart body: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  if (!gotPackage) throw new PsError('BAD_REQUEST', "the form has no 'package' file part");
  return { zipFile, signature: signature === '' ? undefined : signature };
}
