/**
 * `build`: a package folder → `{name}-{version}.zip`, laid out as elastic-package lays it out:
 *
 * - every entry under the root folder `{name}-{version}/` (no entry for the root folder itself, as the registry's
 *   own on-the-fly folder zips: the same listing a stock EPR serves for a package folder);
 * - explicit directory entries (ending in `/`), Deflate, lexical depth-first walk (names sorted bytewise in
 *   each directory, a directory's entry before its contents), empty directories dropped;
 * - skipped as elastic-package skips them: the directories `_dev`, `build`, `.git` (at any depth) and the
 *   files `.DS_Store`, `.*.swp`, `*.link` (linked files are not materialized: build them with elastic-package
 *   if the package uses them).
 *
 * Unlike elastic-package the result is byte-for-byte reproducible: every entry has the same DOS timestamp
 * (1980-01-01 00:00, no extended-timestamp field) and fixed modes (0644 files, 0755 directories), so building
 * twice gives identical bytes and therefore identical signatures. Files are streamed, never buffered whole; the
 * zip is written to a temporary file renamed into place, so a failed build leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yazl from 'yazl';
import { PsError } from '../errors.js';
import { ensureDir } from '../paths.js';
import { openFolder } from './folder.js';
import { checkPackageIdentity } from './zip.js';

/** The fixed timestamp of every entry (local time → the same DOS date/time fields on any machine). */
export const BUILD_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;
const DIR_MODE = 0o040755;

const SKIP_DIRS = new Set(['_dev', 'build', '.git']);

/** True if a file name is left out of built zips. */
export function skippedFile(name: string): boolean {
  return name === '.DS_Store' || (name.startsWith('.') && name.endsWith('.swp')) || name.endsWith('.link');
}

interface Item {
  rel: string;
  type: 'file' | 'dir';
}

async function collect(root: string, exclude: string): Promise<Item[]> {
  const out: Item[] = [];
  async function walk(rel: string): Promise<boolean> {
    const abs = rel ? path.join(root, rel) : root;
    const names = (await fsp.readdir(abs)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let any = false;
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(root, r);
      if (full === exclude) continue;
      const st = await fsp.lstat(full);
      if (st.isSymbolicLink()) throw new PsError('ZIP_SYMLINK', `symbolic link in package folder: ${r}`);
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        const at = out.length;
        out.push({ rel: r, type: 'dir' });
        if (await walk(r)) any = true;
        else out.splice(at, 1); // empty directory: dropped
      } else if (st.isFile()) {
        if (skippedFile(name)) continue;
        out.push({ rel: r, type: 'file' });
        any = true;
      }
    }
    return any;
  }
  await walk('');
  return out;
}

async function resolveOut(out: string | undefined, base: string): Promise<string> {
  const file = `${base}.zip`;
  if (out === undefined) return path.resolve('build', file);
  const abs = path.resolve(out);
  const st = await fsp.stat(abs).catch(() => undefined);
  if (st?.isDirectory()) return path.join(abs, file);
  if (abs.endsWith('.zip') && !out.endsWith('/')) return abs;
  if (st) throw new PsError('USAGE', `--out '${out}' is an existing file that is not a .zip; give a directory or a .zip path`);
  return path.join(abs, file);
}

/**
 * Build the zip of the package folder `dir`. `out` is a `.zip` file path, or else a directory
 * (→ `<out>/{name}-{version}.zip`, created if missing); the default is `./build/{name}-{version}.zip` under the
 * current directory. Also returns the zip's sha256 (hex).
 */
export async function buildZip(
  dir: string,
  out?: string,
): Promise<{ file: string; name: string; version: string; size: number; sha256: string }> {
  const src = await openFolder(dir);
  const { name, version } = await checkPackageIdentity(src);
  const base = `${name}-${version}`;
  const file = await resolveOut(out, base);
  const root = path.resolve(dir);
  const items = await collect(root, file);
  await ensureDir(path.dirname(file));

  const zip = new yazl.ZipFile();
  const dirOpts = { mtime: BUILD_MTIME, mode: DIR_MODE, forceDosTimestamp: true };
  const fileOpts = { mtime: BUILD_MTIME, mode: FILE_MODE, compress: true, forceDosTimestamp: true };
  for (const it of items) {
    if (it.type === 'dir') zip.addEmptyDirectory(`${base}/${it.rel}/`, dirOpts);
    else zip.addReadStreamLazy(`${base}/${it.rel}`, fileOpts, (cb) => cb(null, createReadStream(path.join(root, it.rel))));
  }
  zip.end();

  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(zip.outputStream, tap, createWriteStream(tmp));
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  return { file, name, version, size, sha256: hash.digest('hex') };
}
