/**
 * Local-disk object store (the embedded default backend).
 *
 * Layout under the root directory:
 *   <root>/<key>                      the objects, one file per key (`a/b/c` → `<root>/a/b/c`)
 *   <root>/.fsstore/tmp/              temp files being written (same filesystem, so rename/link are atomic)
 *   <root>/.fsstore/meta/xx/<h>.json  etag sidecars, h = sha256(key): {key, id, etag}
 *   <root>/.fsstore/locks/<h>.lock    per-key lock files for put / putIfMatch / delete
 * `.fsstore` is reserved: it is never listed, and keys whose first segment is `.fsstore` are invalid.
 *
 * Atomicity: bodies are streamed into a temp file while hashing (sha256 = the etag), fsynced, then
 * `rename`d (put, putIfMatch) or `link`ed (putIfAbsent: EEXIST → STORAGE_PRECONDITION_FAILED) onto the final
 * path, and the parent directory is fsynced. A crash mid-write leaves at most a temp file (swept at open),
 * never a partial object under its key.
 *
 * Cross-process correctness: `putIfAbsent` relies on `link(2)` failing with EEXIST, which is atomic. `put`,
 * `putIfMatch` and `delete` take a per-key lock file, created with O_EXCL and holding {pid, host, nonce, time}.
 * A lock whose holder process is dead (same host) or that is older than `staleLockMs` is taken over; the takeover itself is serialised by an O_EXCL marker named after
 * the dead lock's random nonce, so two processes can never both remove a lock, and a live lock is never removed.
 *
 * ETags: the sidecar records the etag together with the file identity (inode, size, mtime ns, ctime ns) as
 * seen by fstat on the written file after it got its final name. A reader trusts the sidecar only when the
 * identity matches the file it opened; otherwise (crash between rename and sidecar write, a file edited by
 * hand, a lost sidecar) the etag is recomputed from the bytes and the sidecar rewritten. So a sidecar can be
 * stale, but never believed when stale, which keeps compare-and-swap sound.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsc, existsSync, type BigIntStats } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PsError } from '../errors.js';
import { ensureDir } from '../paths.js';
import { validateKey, validatePrefix } from './keys.js';
import type { Body, ByteRange, GetResult, ListResult, ObjectInfo, ObjectStore, PutOptions } from './types.js';

/** The reserved internal folder at the root of an fs store. */
export const FS_INTERNAL_DIR = '.fsstore';

export interface FsStoreOptions {
  /** A lock older than this is considered abandoned even if its holder looks alive. Default 60 s. */
  staleLockMs?: number;
  /** Temp files older than this are removed at open even if their writer looks alive. Default 24 h. */
  staleTempMs?: number;
}

/** Read-stream chunk size for `get`: large sequential reads (artifact downloads) cost fewer syscalls and stream hops. */
const READ_CHUNK = 1024 * 1024;
const HOST = os.hostname();
/** Short host tag in temp file names, so a sweep only judges writers on this host by their pid. */
const HOST_TAG = createHash('sha256').update(HOST).digest('hex').slice(0, 8);
/** Linux: the kernel names each open file at /proc/self/fd/N, which lets a read check the path it really opened. */
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');
/** Nonces of the lock files this process currently holds (to tell our locks from a dead namesake's). */
const heldNonces = new Set<string>();

type Errno = NodeJS.ErrnoException;
const errCode = (e: unknown): string | undefined => (e as Errno)?.code;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sha256hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function identity(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}

/** Compare strings by their UTF-8 bytes (S3's key order). */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path: UTF-16 order equals UTF-8 byte order unless surrogates are involved.
  if (!/[\ud800-\udfff]/.test(a) && !/[\ud800-\udfff]/.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function unavailable(op: string, key: string, e: unknown): PsError {
  if (e instanceof PsError) return e;
  return new PsError('STORAGE_UNAVAILABLE', `fs ${op} ${JSON.stringify(key)}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

function preconditionFailed(key: string, why: string): PsError {
  return new PsError('STORAGE_PRECONDITION_FAILED', `${JSON.stringify(key)}: ${why}`);
}

async function writeAll(fh: FileHandle, buf: Uint8Array): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

interface Temp {
  path: string;
  fh: FileHandle;
  etag: string;
  size: number;
}

export class FsStore implements ObjectStore {
  readonly description: string;
  private readonly internal: string;
  private readonly tmpDir: string;
  private readonly metaDir: string;
  private readonly lockDir: string;
  private readonly staleLockMs: number;
  /** key → {identity, etag}; a bounded in-process cache in front of the sidecars. */
  private readonly etagCache = new Map<string, { id: string; etag: string }>();
  /** Per-key in-process lock chain (so one process's writers queue instead of spinning on the lock file). */
  private readonly localLocks = new Map<string, Promise<void>>();

  private constructor(
    readonly root: string,
    opts: FsStoreOptions,
  ) {
    this.description = `fs:${root}`;
    this.internal = path.join(root, FS_INTERNAL_DIR);
    this.tmpDir = path.join(this.internal, 'tmp');
    this.metaDir = path.join(this.internal, 'meta');
    this.lockDir = path.join(this.internal, 'locks');
    this.staleLockMs = opts.staleLockMs ?? 60_000;
  }

  /** Open (creating if needed) a store rooted at `dir`, and sweep temp files left by dead writers. */
  static async open(dir: string, opts: FsStoreOptions = {}): Promise<FsStore> {
    let root = path.resolve(dir);
    try {
      // Object paths are checked against the real path of the root (a root reached through a symlink is fine;
      // a symlink below the root is not).
      await ensureDir(root);
      root = await fsp.realpath(root);
    } catch (e) {
      throw new PsError('STORAGE_UNAVAILABLE', `cannot create fs store at ${root}: ${(e as Error).message}`, { cause: e });
    }
    const s = new FsStore(root, opts);
    try {
      await fsp.mkdir(s.tmpDir, { recursive: true });
      await fsp.mkdir(s.metaDir, { recursive: true });
      await fsp.mkdir(s.lockDir, { recursive: true });
    } catch (e) {
      throw new PsError('STORAGE_UNAVAILABLE', `cannot create fs store at ${root}: ${(e as Error).message}`, { cause: e });
    }
    // the internal folders are written to as well: a planted symlink there would send temp files outside the store
    for (const d of [s.internal, s.tmpDir, s.metaDir, s.lockDir]) {
      if ((await fsp.lstat(d)).isSymbolicLink()) throw new PsError('STORAGE_UNAVAILABLE', `cannot open fs store at ${root}: ${path.relative(root, d)} is a symbolic link`);
    }
    await s.sweepTemp(opts.staleTempMs ?? 24 * 3600_000);
    return s;
  }

  // ---------------------------------------------------------------------------------------------- paths

  private keyPath(key: string): string {
    validateKey(key);
    const segs = key.split('/');
    if (segs[0] === FS_INTERNAL_DIR) throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: '${FS_INTERNAL_DIR}' is reserved by the fs backend`);
    return path.join(this.root, ...segs);
  }

  private metaPath(key: string): string {
    const h = sha256hex(key);
    return path.join(this.metaDir, h.slice(0, 2), `${h}.json`);
  }

  private lockPath(key: string): string {
    return path.join(this.lockDir, `${sha256hex(key)}.lock`);
  }

  private tempName(ext = 'tmp'): string {
    return path.join(this.tmpDir, `${process.pid}-${HOST_TAG}-${randomBytes(8).toString('hex')}.${ext}`);
  }

  // ---------------------------------------------------------------------------------------------- reads

  async get(key: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<GetResult> {
    const p = this.keyPath(key);
    opts.signal?.throwIfAborted();
    const fh = await this.openObject(key, p);
    if (!fh) throw new PsError('STORAGE_NOT_FOUND', JSON.stringify(key));
    let handedOff = false;
    try {
      const st = await fh.stat({ bigint: true });
      const etag = await this.etagOf(key, fh, st);
      const info: ObjectInfo = { key, size: Number(st.size), etag, lastModified: st.mtime };
      let range: { start: number; end: number } | undefined;
      if (opts.range) range = resolveRange(key, opts.range, info.size);
      // An explicit end bounds each read buffer by what is left: without it, every read of a small object would
      // allocate a whole READ_CHUNK (RSS under many concurrent small downloads).
      const span = range ?? (info.size > 0 ? { start: 0, end: info.size - 1 } : undefined);
      const body: Readable = span
        ? fh.createReadStream({ start: span.start, end: span.end, autoClose: true, highWaterMark: Math.min(READ_CHUNK, span.end - span.start + 1) })
        : fh.createReadStream({ autoClose: true });
      handedOff = true;
      if (opts.signal) {
        const signal = opts.signal;
        const onAbort = (): void => {
          body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      return range ? { info, body, range } : { info, body };
    } catch (e) {
      throw unavailable('get', key, e);
    } finally {
      if (!handedOff) await fh.close().catch(() => {});
    }
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    const p = this.keyPath(key);
    opts.signal?.throwIfAborted();
    // Through the safe open (no symlink at any component, regular files only, never blocks), then the recorded
    // etag for this file identity (no hashing unless the sidecar is missing or stale).
    const fh = await this.openObject(key, p);
    if (!fh) return undefined;
    try {
      const st = await fh.stat({ bigint: true });
      const etag = await this.etagOf(key, fh, st);
      return { key, size: Number(st.size), etag, lastModified: st.mtime };
    } catch (e) {
      throw unavailable('head', key, e);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  async list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): Promise<ListResult> {
    validatePrefix(prefix);
    const delimiter = opts.delimiter || undefined;
    const files: { key: string; abs: string }[] = [];
    const prefixes = new Set<string>();
    const signal = opts.signal;

    // Walk only the directories that can hold keys starting with `prefix`.
    const walk = async (absDir: string, relDir: string): Promise<void> => {
      signal?.throwIfAborted();
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fsp.readdir(absDir, { withFileTypes: true });
      } catch (e) {
        if (['ENOENT', 'ENOTDIR'].includes(errCode(e) ?? '')) return;
        throw unavailable('list', prefix, e);
      }
      const subdirs: Promise<void>[] = [];
      for (const ent of entries) {
        const name = ent.name;
        if (relDir === '' && name === FS_INTERNAL_DIR) continue;
        // eslint-disable-next-line no-control-regex
        if (name.includes('\\') || /[\u0000-\u001f\u007f]/.test(name)) continue; // not a valid key segment
        const rel = relDir + name;
        if (ent.isDirectory()) {
          const relD = rel + '/';
          const under = relD.startsWith(prefix);
          if (!under && !prefix.startsWith(relD)) continue;
          if (under && delimiter === '/') {
            // Every key below shares the common prefix `prefix + rest-up-to-first-'/'`: no need to descend.
            const rest = relD.slice(prefix.length);
            const cp = prefix + rest.slice(0, rest.indexOf('/') + 1);
            if (!prefixes.has(cp)) {
              subdirs.push(
                hasAnyFile(path.join(absDir, name)).then((yes) => {
                  if (yes) prefixes.add(cp);
                }),
              );
            }
            continue;
          }
          subdirs.push(walk(path.join(absDir, name), relD));
        } else if (ent.isFile()) {
          if (!rel.startsWith(prefix)) continue;
          if (delimiter) {
            const rest = rel.slice(prefix.length);
            const i = rest.indexOf(delimiter);
            if (i >= 0) {
              prefixes.add(prefix + rest.slice(0, i + delimiter.length));
              continue;
            }
          }
          files.push({ key: rel, abs: path.join(absDir, name) });
        }
      }
      await Promise.all(subdirs);
    };
    // Start at the deepest directory the prefix names entirely.
    const cut = prefix.lastIndexOf('/');
    const startRel = cut >= 0 ? prefix.slice(0, cut + 1) : '';
    if (startRel && startRel.split('/')[0] === FS_INTERNAL_DIR) return { objects: [], prefixes: [] };
    // a folder named by the prefix that is (or passes through) a symlink holds no keys
    if (startRel && (await this.componentsOf(startRel.slice(0, -1).split('/'), true)) !== 'ok') return { objects: [], prefixes: [] };
    await walk(startRel ? path.join(this.root, ...startRel.slice(0, -1).split('/')) : this.root, startRel);

    const objects: ObjectInfo[] = [];
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < files.length) {
        const f = files[i++]!;
        const info = await this.infoAt(f.key, f.abs);
        if (info) objects.push(info);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
    objects.sort((a, b) => compareKeys(a.key, b.key));
    return { objects, prefixes: [...prefixes].sort(compareKeys) };
  }

  // ---------------------------------------------------------------------------------------------- writes

  async put(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const p = this.keyPath(key);
    const tmp = await this.writeTemp(key, body, opts.signal);
    try {
      const release = await this.lock(key);
      try {
        await this.placeWith(key, p, () => fsp.rename(tmp.path, p));
        return await this.finish(key, p, tmp);
      } finally {
        await release();
      }
    } finally {
      await this.dropTemp(tmp);
    }
  }

  async putIfAbsent(key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const p = this.keyPath(key);
    const existing = await fsp.lstat(p).catch(() => undefined);
    if (existing?.isDirectory()) throw folderConflict(key);
    if (existing) throw preconditionFailed(key, 'already exists');
    const tmp = await this.writeTemp(key, body, opts.signal);
    try {
      try {
        await this.placeWith(key, p, () => fsp.link(tmp.path, p));
      } catch (e) {
        if (errCode(e) === 'EEXIST') {
          const st = await fsp.lstat(p).catch(() => undefined);
          if (st?.isDirectory()) throw folderConflict(key);
          throw preconditionFailed(key, 'already exists');
        }
        throw e;
      }
      await fsp.unlink(tmp.path).catch(() => {});
      return await this.finish(key, p, tmp);
    } finally {
      await this.dropTemp(tmp);
    }
  }

  async putIfMatch(key: string, etag: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    const p = this.keyPath(key);
    // Cheap early refusal (re-checked under the lock).
    const before = await this.head(key);
    if (!before) throw preconditionFailed(key, 'does not exist');
    if (before.etag !== etag) throw preconditionFailed(key, `etag is ${before.etag}, not ${etag}`);
    const tmp = await this.writeTemp(key, body, opts.signal);
    try {
      const release = await this.lock(key);
      try {
        const fh = await this.openObject(key, p);
        if (!fh) throw preconditionFailed(key, 'does not exist');
        let current: string;
        try {
          current = await this.etagOf(key, fh, await fh.stat({ bigint: true }));
        } finally {
          await fh.close().catch(() => {});
        }
        if (current !== etag) throw preconditionFailed(key, `etag is ${current}, not ${etag}`);
        await fsp.rename(tmp.path, p);
        return await this.finish(key, p, tmp);
      } finally {
        await release();
      }
    } finally {
      await this.dropTemp(tmp);
    }
  }

  async delete(key: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const p = this.keyPath(key);
    opts.signal?.throwIfAborted();
    // A key whose folders pass through a symlink does not exist: never unlink outside the store.
    if ((await this.componentsOf(key.split('/').slice(0, -1), false)) !== 'ok') return;
    const st = await fsp.lstat(p).catch((e) => {
      if (['ENOENT', 'ENOTDIR'].includes(errCode(e) ?? '')) return undefined;
      if (errCode(e) === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
      throw unavailable('delete', key, e);
    });
    if (!st || st.isDirectory()) return;
    const release = await this.lock(key);
    try {
      try {
        await fsp.unlink(p);
      } catch (e) {
        if (!['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errCode(e) ?? '')) throw unavailable('delete', key, e);
      }
      this.etagCache.delete(key);
      await fsp.unlink(this.metaPath(key)).catch(() => {});
    } finally {
      await release();
    }
    await this.pruneEmptyParents(path.dirname(p));
  }

  async close(): Promise<void> {
    this.etagCache.clear();
  }

  // ---------------------------------------------------------------------------------------------- internals

  /**
   * Open the object file for reading; undefined if it does not exist, is not a regular file (folder, FIFO,
   * socket, device), or its path passes through a symlink at any component.
   *
   * O_NOFOLLOW refuses a symlink as the last component; O_NONBLOCK makes opening a FIFO return at once
   * instead of waiting for a writer (it does not change reads of regular files); fstat on the opened handle
   * then refuses anything but a regular file. The folders are checked on the opened handle itself, so a
   * folder swapped for a symlink between a check and the open cannot fool it: on Linux the kernel's name of
   * the open file (/proc/self/fd/N) must be exactly <root>/<key>; elsewhere every folder is lstat'ed after
   * the open and the handle must be the file found there (same device and inode).
   */
  private async openObject(key: string, p: string): Promise<FileHandle | undefined> {
    let fh: FileHandle;
    try {
      fh = await fsp.open(p, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch (e) {
      const c = errCode(e);
      if (c === 'ENOENT' || c === 'ENOTDIR' || c === 'EISDIR' || c === 'ELOOP' || c === 'ENXIO') return undefined;
      if (c === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
      throw unavailable('open', key, e);
    }
    let ok = false;
    try {
      const st = await fh.stat({ bigint: true });
      ok = st.isFile() && (await this.openedAt(fh, st, key, p));
    } finally {
      if (!ok) await fh.close().catch(() => {});
    }
    return ok ? fh : undefined;
  }

  /** Whether the opened handle is the file at <root>/<key> reached without any symlink (see openObject). */
  private async openedAt(fh: FileHandle, st: BigIntStats, key: string, p: string): Promise<boolean> {
    if (PROC_FD) {
      const real = await fsp.readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
      // replaced by a concurrent put since we opened it: still the object we asked for (its previous bytes)
      return real === p || real === `${p} (deleted)`;
    }
    if ((await this.componentsOf(key.split('/').slice(0, -1), true)) !== 'ok') return false;
    const at = await fsp.lstat(p, { bigint: true }).catch(() => undefined);
    return at !== undefined && at.isFile() && at.dev === st.dev && at.ino === st.ino;
  }

  /**
   * Check the folders `segs` (relative to the root, outermost first) with lstat, one component at a time:
   * 'ok' if each is a real folder (or, with allowMissing, absent from there on), 'symlink' if one is a
   * symlink, 'notdir' if one is something else.
   */
  private async componentsOf(segs: string[], allowMissing: boolean): Promise<'ok' | 'symlink' | 'notdir' | 'missing'> {
    let dir = this.root;
    for (const seg of segs) {
      dir = path.join(dir, seg);
      let st: import('node:fs').Stats;
      try {
        st = await fsp.lstat(dir);
      } catch (e) {
        if (errCode(e) === 'ENOENT') return allowMissing ? 'ok' : 'missing';
        if (errCode(e) === 'ENOTDIR') return 'notdir';
        throw e;
      }
      if (st.isSymbolicLink()) return 'symlink';
      if (!st.isDirectory()) return 'notdir';
    }
    return 'ok';
  }

  /**
   * Create the folders of `key` one component at a time, never through a symlink (a recursive mkdir would
   * follow a planted `artifacts/static/x -> /etc` and create folders, then files, outside the store).
   */
  private async mkdirsFor(key: string): Promise<void> {
    let dir = this.root;
    for (const seg of key.split('/').slice(0, -1)) {
      dir = path.join(dir, seg);
      for (;;) {
        let st: import('node:fs').Stats | undefined;
        try {
          st = await fsp.lstat(dir);
        } catch (e) {
          if (errCode(e) === 'ENOTDIR') throw parentConflict(key);
          if (errCode(e) === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
          if (errCode(e) !== 'ENOENT') throw unavailable('put', key, e);
        }
        if (st?.isSymbolicLink()) throw symlinkInPath(key, path.relative(this.root, dir));
        if (st?.isDirectory()) break;
        if (st) throw parentConflict(key);
        try {
          await fsp.mkdir(dir);
          break;
        } catch (e) {
          if (errCode(e) === 'EEXIST') continue; // made meanwhile (by a concurrent writer, or planted): look again
          if (errCode(e) === 'ENOTDIR') throw parentConflict(key);
          if (errCode(e) === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
          throw e; // ENOENT: a parent was pruned meanwhile; placeWith retries
        }
      }
    }
  }

  /** The etag recorded for this exact file identity, if any (cache, then sidecar). */
  private async knownEtag(key: string, id: string): Promise<string | undefined> {
    const c = this.etagCache.get(key);
    if (c && c.id === id) return c.etag;
    try {
      const m = JSON.parse(await readSmall(this.metaPath(key))) as { key?: string; id?: string; etag?: string };
      if (m.key === key && m.id === id && typeof m.etag === 'string') {
        this.remember(key, id, m.etag);
        return m.etag;
      }
    } catch {
      // missing or unreadable sidecar: recompute
    }
    return undefined;
  }

  /** The etag of an opened object file: recorded one if its identity matches, else hashed from the bytes. */
  private async etagOf(key: string, fh: FileHandle, st: BigIntStats): Promise<string> {
    const id = identity(st);
    const known = await this.knownEtag(key, id);
    if (known) return known;
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const etag = h.digest('hex');
    // Only record it if the file did not change while we hashed it.
    const after = await fh.stat({ bigint: true });
    if (identity(after) === id) await this.writeSidecar(key, id, etag);
    return etag;
  }

  private remember(key: string, id: string, etag: string): void {
    this.etagCache.delete(key);
    this.etagCache.set(key, { id, etag });
    if (this.etagCache.size > 50_000) {
      const first = this.etagCache.keys().next().value;
      if (first !== undefined) this.etagCache.delete(first);
    }
  }

  private async writeSidecar(key: string, id: string, etag: string): Promise<void> {
    this.remember(key, id, etag);
    const mp = this.metaPath(key);
    const tmp = this.tempName('meta');
    try {
      await fsp.writeFile(tmp, JSON.stringify({ key, id, etag }));
      try {
        await fsp.rename(tmp, mp);
      } catch (e) {
        if (errCode(e) !== 'ENOENT') throw e;
        await fsp.mkdir(path.dirname(mp), { recursive: true });
        await fsp.rename(tmp, mp);
      }
    } catch {
      // A sidecar is only a cache (validated by identity on read); failing to write one is harmless.
      await fsp.unlink(tmp).catch(() => {});
    }
  }

  private async infoAt(key: string, abs: string): Promise<ObjectInfo | undefined> {
    let st: BigIntStats;
    try {
      st = await fsp.lstat(abs, { bigint: true });
    } catch {
      return undefined; // deleted meanwhile
    }
    if (!st.isFile()) return undefined;
    const known = await this.knownEtag(key, identity(st));
    if (known) return { key, size: Number(st.size), etag: known, lastModified: st.mtime };
    const fh = await this.openObject(key, abs).catch(() => undefined);
    if (!fh) return undefined;
    try {
      const st2 = await fh.stat({ bigint: true });
      return { key, size: Number(st2.size), etag: await this.etagOf(key, fh, st2), lastModified: st2.mtime };
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /** Stream the body into a fresh temp file, hashing as it goes; fsync it. The handle stays open. */
  private async writeTemp(key: string, body: Body, signal?: AbortSignal): Promise<Temp> {
    signal?.throwIfAborted();
    const tp = this.tempName();
    let fh: FileHandle;
    try {
      fh = await fsp.open(tp, 'wx', 0o644);
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw unavailable('put', key, e);
      await fsp.mkdir(this.tmpDir, { recursive: true });
      fh = await fsp.open(tp, 'wx', 0o644);
    }
    const hash = createHash('sha256');
    let size = 0;
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        hash.update(buf);
        await writeAll(fh, buf);
        size = buf.length;
      } else {
        for await (const chunk of body as AsyncIterable<unknown>) {
          signal?.throwIfAborted();
          const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
          hash.update(buf);
          await writeAll(fh, buf);
          size += buf.length;
        }
      }
      signal?.throwIfAborted();
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await fsp.unlink(tp).catch(() => {});
      if (e instanceof PsError || (e as Error)?.name === 'AbortError') throw e;
      if (errCode(e) && ['ENOSPC', 'EIO', 'EACCES', 'EROFS', 'EDQUOT'].includes(errCode(e)!)) throw unavailable('write', key, e);
      throw e;
    }
    return { path: tp, fh, etag: hash.digest('hex'), size };
  }

  private async dropTemp(tmp: Temp): Promise<void> {
    await tmp.fh.close().catch(() => {});
    await fsp.unlink(tmp.path).catch(() => {});
  }

  /**
   * Run `place` (rename or link onto `p`), creating parent folders first; retried if a concurrent delete
   * pruned a parent folder in between. Maps file/folder clashes to STORAGE_KEY_INVALID.
   */
  private async placeWith(key: string, p: string, place: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.mkdirsFor(key);
      } catch (e) {
        if (e instanceof PsError) throw e;
        if (['EEXIST', 'ENOTDIR'].includes(errCode(e) ?? '')) throw parentConflict(key);
        if (errCode(e) === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
        if (errCode(e) === 'ENOENT' && attempt < 10) continue;
        throw unavailable('put', key, e);
      }
      try {
        await place();
      } catch (e) {
        const c = errCode(e);
        if (c === 'ENOENT' && attempt < 10) continue; // parent pruned meanwhile
        if (c === 'EISDIR' || c === 'ENOTEMPTY' || (c === 'EEXIST' && (await isDir(p)))) throw folderConflict(key);
        if (c === 'ENOTDIR') throw parentConflict(key);
        if (c === 'ENAMETOOLONG') throw new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: too long for the filesystem`);
        if (c === 'EEXIST') throw e;
        throw unavailable('put', key, e);
      }
      // A folder swapped for a symlink between mkdirsFor and the rename/link would have sent the file
      // elsewhere: say so (readers refuse such a path anyway; see openObject).
      const after = await this.componentsOf(key.split('/').slice(0, -1), false);
      if (after === 'symlink') throw symlinkInPath(key, '(a folder replaced during the write)');
      return;
    }
  }

  /** After the temp file got its final name: make it durable, record its etag, describe it. */
  private async finish(key: string, p: string, tmp: Temp): Promise<ObjectInfo> {
    await fsyncDir(path.dirname(p));
    const st = await tmp.fh.stat({ bigint: true });
    await this.writeSidecar(key, identity(st), tmp.etag);
    return { key, size: tmp.size, etag: tmp.etag, lastModified: st.mtime };
  }

  private async pruneEmptyParents(dir: string): Promise<void> {
    while (dir.startsWith(this.root + path.sep) && dir !== this.root) {
      try {
        await fsp.rmdir(dir);
      } catch {
        return; // not empty (or gone, or raced): stop
      }
      dir = path.dirname(dir);
    }
  }

  /** Remove temp files (and stale lock leftovers) whose writer is dead or that are very old. */
  private async sweepTemp(staleTempMs: number): Promise<void> {
    const now = Date.now();
    for (const dir of [this.tmpDir, this.lockDir]) {
      let names: string[];
      try {
        names = await fsp.readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.endsWith('.lock')) continue; // lock files are recovered by lock() itself
        const full = path.join(dir, n);
        const [pidPart, hostPart] = n.split('-');
        const pid = hostPart === HOST_TAG ? Number(pidPart) : NaN;
        const st = await fsp.stat(full).catch(() => undefined);
        if (!st) continue;
        const deadWriter = dir === this.tmpDir && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid);
        const ageLimit = dir === this.tmpDir ? staleTempMs : this.staleLockMs * 2;
        if (deadWriter || now - st.mtimeMs > ageLimit) await fsp.unlink(full).catch(() => {});
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- locking

  /** Take the per-key lock (in-process queue, then the cross-process lock file). Returns the release function. */
  private async lock(key: string): Promise<() => Promise<void>> {
    const h = sha256hex(key);
    const prev = this.localLocks.get(h) ?? Promise.resolve();
    let releaseLocal!: () => void;
    const mine = new Promise<void>((r) => (releaseLocal = r));
    const chained = prev.then(() => mine);
    this.localLocks.set(h, chained);
    await prev;
    let releaseFile: () => Promise<void>;
    try {
      releaseFile = await this.lockFile(key);
    } catch (e) {
      releaseLocal();
      if (this.localLocks.get(h) === chained) this.localLocks.delete(h);
      throw e;
    }
    return async () => {
      try {
        await releaseFile();
      } finally {
        releaseLocal();
        if (this.localLocks.get(h) === chained) this.localLocks.delete(h);
      }
    };
  }

  private async lockFile(key: string): Promise<() => Promise<void>> {
    const lp = this.lockPath(key);
    const nonce = randomBytes(16).toString('hex');
    const content = JSON.stringify({ pid: process.pid, host: HOST, nonce, time: Date.now(), key });
    let ino: number | bigint = -1;
    for (let attempt = 0; ; attempt++) {
      let fh: FileHandle | undefined;
      try {
        // O_EXCL create. Until the content is written a reader sees an empty lock, which it treats as live
        // unless it is older than staleLockMs (a holder killed in that instant).
        fh = await fsp.open(lp, 'wx');
      } catch (e) {
        const c = errCode(e);
        if (c === 'ENOENT') {
          await fsp.mkdir(this.lockDir, { recursive: true });
          continue;
        }
        if (c !== 'EEXIST') throw unavailable('lock', key, e);
      }
      if (fh) {
        try {
          heldNonces.add(nonce);
          await writeAll(fh, Buffer.from(content));
          ino = (await fh.stat()).ino;
        } finally {
          await fh.close().catch(() => {});
        }
        break;
      }
      const holder = await readLock(lp);
      if (holder && this.isStale(holder)) {
        await this.takeOver(lp, holder.tag);
        continue;
      }
      const wait = Math.min(50, 1 + attempt * 2);
      await sleep(wait / 2 + Math.random() * wait);
    }
    return async () => {
      heldNonces.delete(nonce);
      // Remove the lock only if it is still ours (it could have been taken over after staleLockMs).
      const st = await fsp.lstat(lp).catch(() => undefined);
      if (st && st.ino === ino) await fsp.unlink(lp).catch(() => {});
    };
  }

  private isStale(h: LockHolder): boolean {
    if (Date.now() - h.time > this.staleLockMs) return true;
    if (h.host !== HOST || h.pid === undefined) return false;
    if (h.pid === process.pid) return !(h.nonce && heldNonces.has(h.nonce));
    return !pidAlive(h.pid);
  }

  /**
   * Remove an abandoned lock, safely against other processes doing the same: only the process that creates the
   * takeover marker for this lock's tag may remove it, and it re-checks that the lock file still carries that
   * tag (tags are unique per lock, and a dead holder cannot remove its own lock, so the check cannot go stale).
   */
  private async takeOver(lp: string, tag: string): Promise<void> {
    const marker = `${lp}.takeover.${tag}`;
    let fh: FileHandle;
    try {
      fh = await fsp.open(marker, 'wx');
    } catch (e) {
      if (errCode(e) !== 'EEXIST') return;
      // Someone else is taking it over; if that someone died doing it, clear the marker after a while.
      const st = await fsp.stat(marker).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > this.staleLockMs) await fsp.unlink(marker).catch(() => {});
      await sleep(2 + Math.random() * 5);
      return;
    }
    await fh.close();
    try {
      const cur = await readLock(lp);
      if (cur && cur.tag === tag) await fsp.unlink(lp).catch(() => {});
    } finally {
      await fsp.unlink(marker).catch(() => {});
    }
  }
}

interface LockHolder {
  pid?: number;
  host?: string;
  nonce?: string;
  time: number;
  /** Unique tag of this lock file: its nonce, or (if unreadable) its inode and mtime. */
  tag: string;
}

async function readLock(lp: string): Promise<LockHolder | undefined> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(lp, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK); // a planted FIFO must not block
  } catch (e) {
    // a symlink (or socket) where a lock file should be was never written by us: abandoned at once
    if (errCode(e) === 'ELOOP' || errCode(e) === 'ENXIO') {
      const st = await fsp.lstat(lp).catch(() => undefined);
      return st ? { time: 0, tag: `nonfile-${st.ino}` } : undefined;
    }
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { time: 0, tag: `nonfile-${st.ino}` }; // a FIFO or device: not a lock of ours
    const text = await fh.readFile('utf8');
    try {
      const j = JSON.parse(text) as { pid?: number; host?: string; nonce?: string; time?: number };
      if (typeof j.nonce === 'string' && /^[0-9a-f]{32}$/.test(j.nonce)) {
        return { pid: j.pid, host: j.host, nonce: j.nonce, time: typeof j.time === 'number' ? j.time : st.mtimeMs, tag: j.nonce };
      }
    } catch {
      // fall through: unreadable lock (e.g. emptied by a power loss) — judge by age only
    }
    return { time: st.mtimeMs, tag: `ino${st.ino}-${Math.floor(st.mtimeMs)}` };
  } finally {
    await fh.close().catch(() => {});
  }
}

function resolveRange(key: string, r: ByteRange, size: number): { start: number; end: number } {
  const bad = (why: string): never => {
    throw new PsError('STORAGE_RANGE_INVALID', `${JSON.stringify(key)} (${size} bytes): ${why}`);
  };
  if ('suffix' in r) {
    if (!Number.isSafeInteger(r.suffix) || r.suffix <= 0) bad(`suffix ${r.suffix} must be a positive integer`);
    if (size === 0) bad('object is empty');
    return { start: Math.max(0, size - r.suffix), end: size - 1 };
  }
  if (!Number.isSafeInteger(r.start) || r.start < 0) bad(`start ${r.start} must be a non-negative integer`);
  if (r.start >= size) bad(`start ${r.start} is past the end`);
  let end = r.end ?? size - 1;
  if (!Number.isSafeInteger(end)) bad(`end ${end} must be an integer`);
  if (end < r.start) bad(`end ${end} is before start ${r.start}`);
  if (end > size - 1) end = size - 1;
  return { start: r.start, end };
}

function symlinkInPath(key: string, where: string): PsError {
  return new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: the fs store has a symbolic link at ${where}; no object path may pass through one`);
}

/** Read a small internal file (a sidecar) without following a symlink or blocking on a FIFO. */
async function readSmall(file: string): Promise<string> {
  const fh = await fsp.open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > 64 * 1024) throw new Error('not a sidecar');
    return await fh.readFile('utf8');
  } finally {
    await fh.close().catch(() => {});
  }
}

function folderConflict(key: string): PsError {
  return new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: the fs backend already has a folder at this key (keys under '${key}/' exist)`);
}

function parentConflict(key: string): PsError {
  return new PsError('STORAGE_KEY_INVALID', `${JSON.stringify(key)}: the fs backend has an object where this key needs a folder`);
}

async function isDir(p: string): Promise<boolean> {
  return (await fsp.lstat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** Whether a folder holds at least one file (at any depth); stops at the first. */
async function hasAnyFile(dir: string): Promise<boolean> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => e.isFile())) return true;
  for (const e of entries) if (e.isDirectory() && (await hasAnyFile(path.join(dir, e.name)))) return true;
  return false;
}
