/**
 * A package folder on disk as a PackageSource. Symbolic links are not followed (a package must not point
 * outside itself); they are reported as errors by `openFolder`.
 */
import { promises as fsp, createReadStream } from 'node:fs';
import path from 'node:path';
import { PsError } from '../errors.js';
import type { PackageEntry, PackageSource } from './source.js';

export async function openFolder(dir: string): Promise<PackageSource> {
  const root = path.resolve(dir);
  let st;
  try {
    st = await fsp.stat(root);
  } catch {
    throw new PsError('NOT_FOUND', `no such package folder: ${dir}`);
  }
  if (!st.isDirectory()) throw new PsError('BAD_REQUEST', `not a folder: ${dir}`);
  const entries: PackageEntry[] = [];
  async function walk(rel: string): Promise<void> {
    const abs = rel ? path.join(root, rel) : root;
    const names = (await fsp.readdir(abs)).sort();
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const s = await fsp.lstat(path.join(root, r));
      if (s.isSymbolicLink()) throw new PsError('ZIP_SYMLINK', `symbolic link in package folder: ${r}`);
      if (s.isDirectory()) {
        entries.push({ path: r, type: 'dir', size: 0, mtime: s.mtime });
        await walk(r);
      } else if (s.isFile()) {
        entries.push({ path: r, type: 'file', size: s.size, mtime: s.mtime });
      }
    }
  }
  await walk('');
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = new Set(entries.filter((e) => e.type === 'file').map((e) => e.path));
  const resolve = (rel: string): string => {
    if (!files.has(rel)) throw new PsError('NOT_FOUND', `${rel} not found in package ${dir}`);
    return path.join(root, rel);
  };
  return {
    kind: 'folder',
    origin: dir,
    rootName: path.basename(root),
    entries: () => entries,
    has: (rel) => files.has(rel),
    readFile: async (rel) => fsp.readFile(resolve(rel)),
    openStream: async (rel) => createReadStream(resolve(rel)),
    close: async () => {},
  };
}
