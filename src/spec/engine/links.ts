/**
 * `.link` files, as package-spec's linked-files filesystem resolves them: the first line of `x.link` is
 * `<path> [<sha256>]`, the path relative to the link file's folder (it may leave the package: links point into
 * shared folders of a source repository); reading `x.link` gives the target's content when the checksum matches.
 * Packages read from a folder follow links (an in-memory source only to targets inside it); in a zip, or in
 * build mode, links are blocked, and a built package holds none. Semantic rules read links through `Ctx.readLinked`; the tree walk uses this table.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { PackageSource } from '../../package/source.js';

interface LinkInfo {
  /** The path written in the link file. */
  target: string;
  /** Set when the target could be read and its checksum matches. */
  content?: Buffer;
  /** Go's error for this link (`linked file X is not up to date`, `could not collect file X: ...`). */
  error?: string;
}

/** The `.link` files of a package, resolved (or blocked) once before the tree walk. */
export interface LinkTable {
  /** Resolution of every `.link` file (empty when links are blocked). */
  readonly links: ReadonlyMap<string, LinkInfo>;
  /** True when links are not followed (zip, build mode): opening one is an error. */
  readonly blocked: boolean;
}

export const isLink = (p: string): boolean => p.endsWith('.link');

/** Links are followed only for folders, in legacy and source modes; the largest target read is `maxSize`. */
export async function resolveLinks(src: PackageSource, follow: boolean, maxSize: number): Promise<LinkTable> {
  const links = new Map<string, LinkInfo>();
  const blocked = !follow || src.kind === 'zip' || /\.zip$/i.test(src.origin);
  if (!blocked) {
    for (const e of src.entries()) {
      if (e.type === 'file' && isLink(e.path)) links.set(e.path, await resolveLink(src, e.path, maxSize));
    }
  }
  return { links, blocked };
}

async function resolveLink(src: PackageSource, rel: string, maxSize: number): Promise<LinkInfo> {
  const raw = (await src.readFile(rel)).toString('utf8');
  const first = raw.split(/\r?\n/)[0] ?? '';
  const fields = first.trim().split(/\s+/).filter(Boolean);
  if (!fields.length) return { target: '', error: 'file is empty or first line is missing' };
  const target = fields[0]!;
  const checksum = fields.length === 2 ? fields[1] : undefined;
  const abs = path.resolve(src.origin, path.dirname(rel), target);
  let content: Buffer;
  if (src.kind !== 'folder') {
    // a source with no filesystem (in memory): only targets inside the package can be read
    const inside = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
    if (inside.startsWith('../') || inside === '..' || path.posix.isAbsolute(inside) || !src.has(inside)) {
      return { target, error: `could not collect file ${target}: open ${abs}: no such file or directory` };
    }
    content = await src.readFile(inside);
    const sum = createHash('sha256').update(content).digest('hex');
    return sum === checksum ? { target, content } : { target, error: `linked file ${rel} is not up to date` };
  }
  try {
    const st = await fsp.stat(abs);
    if (!st.isFile()) return { target, error: `could not collect file ${target}: read ${abs}: is a directory` };
    if (maxSize > 0 && st.size > maxSize) return { target, error: `could not collect file ${target}: file size (${st.size}) is bigger than expected` };
    content = await fsp.readFile(abs);
  } catch (e) {
    return { target, error: `could not collect file ${target}: open ${abs}: no such file or directory` };
  }
  const sum = createHash('sha256').update(content).digest('hex');
  if (sum !== checksum) return { target, error: `linked file ${rel} is not up to date` };
  return { target, content };
}
