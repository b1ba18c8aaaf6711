/**
 * Safe zip reading. A package zip is untrusted input: every entry of the central directory is checked before
 * anything is read (count, sizes, ratio, names, symlinks, duplicates, encryption, one root folder), and every
 * read stream counts the bytes it inflates and aborts as soon as an entry produces more than its header
 * declared (a lying header cannot smuggle a bomb through). Nothing is ever extracted to disk here and a whole
 * zip is never held in memory: entries are streamed from the file on demand.
 */
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { PsError, isPsError } from '../errors.js';
import type { PackageEntry, PackageSource } from './source.js';
import { parseManifest, type Manifest } from './manifest.js';

export interface ZipLimits {
  /** Maximum number of entries in the central directory (files and directories). */
  maxEntries: number;
  /** Maximum sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** Maximum declared uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Maximum uncompressed/compressed ratio of one entry (checked for entries of RATIO_MIN_BYTES or more). */
  maxRatio: number;
}

/**
 * Defaults (the same as src/config.ts): generous for real packages (the biggest integrations hold a few
 * thousand files and tens of MB), tight enough that a zip bomb is refused. Operators raise them for larger
 * packages (a 1 GB package works: nothing is buffered whole).
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 65_535,
  maxTotalBytes: 250 * 1024 * 1024,
  maxEntryBytes: 150 * 1024 * 1024,
  maxRatio: 200,
});

/** The zip limits of a loaded configuration (PACKAGE_STORAGE_MAX_ZIP_* ; same defaults as above). */
export function zipLimitsFromConfig(c: { maxZipEntries: number; maxZipBytes: number; maxZipEntryBytes: number; maxZipRatio: number }): ZipLimits {
  return { maxEntries: c.maxZipEntries, maxTotalBytes: c.maxZipBytes, maxEntryBytes: c.maxZipEntryBytes, maxRatio: c.maxZipRatio };
}

/** Entries smaller than this are not ratio-checked (tiny, highly compressible files are normal). */
const RATIO_MIN_BYTES = 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** Check one entry name; returns the reason it is unsafe, or undefined. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.includes('\uFFFD')) return 'is not valid UTF-8';
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const seg of trimmed.split('/')) {
    if (seg === '..') return "contains a '..' segment";
    if (seg === '.') return "contains a '.' segment";
    if (seg === '') return 'contains an empty segment';
  }
  // control characters other than NUL are legal in zips but never in a package and confuse terminals
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0001-\u001f\u007f]/.test(name)) return 'contains a control character';
  return undefined;
}

function shown(name: string): string {
  return JSON.stringify(name);
}

interface ZipEntryInfo {
  entry: yauzl.Entry;
  size: number;
}

/**
 * Open a zip file as a PackageSource after checking every central-directory entry against the limits.
 * Throws PsError ZIP_* (and closes the file) on the first problem found.
 */
export async function openZip(file: string, limits?: Partial<ZipLimits>): Promise<PackageSource & { kind: 'zip' }> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...(limits ?? {}) };
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(
        file,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false, strictFileNames: true },
        (err, z) => (err ? reject(err) : resolve(z)),
      ),
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new PsError('NOT_FOUND', `no such zip file: ${file}`);
    throw new PsError('ZIP_INVALID', `${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    if (zip.entryCount > lim.maxEntries) {
      throw new PsError('ZIP_TOO_MANY_ENTRIES', `${file} has ${zip.entryCount} entries, the limit is ${lim.maxEntries}`);
    }
    const raw = await readCentralDirectory(zip, file, lim);
    checkNoOverlap(raw, file);
    return buildSource(zip, file, raw);
  } catch (e) {
    zip.close();
    throw e;
  }
}

interface RawEntry {
  name: string; // full name, without trailing slash
  isDir: boolean;
  entry: yauzl.Entry;
}

async function readCentralDirectory(zip: yauzl.ZipFile, file: string, lim: ZipLimits): Promise<RawEntry[]> {
  const out: RawEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const fail = (e: unknown): void => {
      if (done) return;
      done = true;
      reject(isPsError(e) ? e : new PsError('ZIP_INVALID', `${file}: ${(e as Error).message}`, { cause: e }));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (done) return;
      done = true;
      resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        if (out.length + 1 > lim.maxEntries) {
          throw new PsError('ZIP_TOO_MANY_ENTRIES', `${file} has more than ${lim.maxEntries} entries`);
        }
        const rawName = (entry as unknown as { fileNameRaw?: Buffer }).fileNameRaw ?? (entry.fileName as unknown as Buffer);
        const fullName = Buffer.isBuffer(rawName) ? rawName.toString('utf8') : String(rawName);
        const why = unsafeNameReason(fullName);
        if (why) throw new PsError('ZIP_PATH_INVALID', `entry ${shown(fullName)} ${why}`);
        if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw new PsError('ZIP_ENCRYPTED', `entry ${shown(fullName)} is encrypted`);
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        if ((mode & S_IFMT) === S_IFLNK) throw new PsError('ZIP_SYMLINK', `entry ${shown(fullName)} is a symbolic link`);
        // a directory ends in '/'; some tools omit the slash but mark it (unix S_IFDIR or the MS-DOS attribute)
        const isDir =
          fullName.endsWith('/') ||
          (entry.uncompressedSize === 0 && ((mode & S_IFMT) === S_IFDIR || (mode === 0 && (entry.externalFileAttributes & 0x10) !== 0)));
        const name = fullName.endsWith('/') ? fullName.slice(0, -1) : fullName;
        if (seen.has(name)) throw new PsError('ZIP_DUPLICATE_ENTRY', `entry ${shown(name)} appears more than once`);
        seen.add(name);
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
          throw new PsError('ZIP_INVALID', `entry ${shown(fullName)} uses unsupported compression method ${entry.compressionMethod}`);
        }
        const size = entry.uncompressedSize;
        if (isDir && size !== 0) throw new PsError('ZIP_INVALID', `directory entry ${shown(fullName)} has a size of ${size}`);
        if (size > lim.maxEntryBytes) {
          throw new PsError('ZIP_ENTRY_TOO_LARGE', `entry ${shown(fullName)} is ${size} bytes, the limit is ${lim.maxEntryBytes}`);
        }
        total += size;
        if (total > lim.maxTotalBytes) {
          throw new PsError('ZIP_TOO_LARGE', `${file} uncompresses to more than ${lim.maxTotalBytes} bytes`);
        }
        if (size >= RATIO_MIN_BYTES && size > entry.compressedSize * lim.maxRatio) {
          const ratio = entry.compressedSize === 0 ? 'infinite' : (size / entry.compressedSize).toFixed(0);
          throw new PsError('ZIP_RATIO_EXCEEDED', `entry ${shown(fullName)} has a compression ratio of ${ratio}, the limit is ${lim.maxRatio}`);
        }
        out.push({ name, isDir, entry });
        zip.readEntry();
      } catch (e) {
        fail(e);
      }
    });
    zip.readEntry();
  });
  return out;
}

/**
 * Refuse entries whose data overlap (several central-directory entries sharing compressed bytes is the trick
 * of non-recursive zip bombs). Each entry's local header + name + data must end before the next one starts.
 */
function checkNoOverlap(raw: RawEntry[], file: string): void {
  const spans = raw
    .map((r) => ({ start: r.entry.relativeOffsetOfLocalHeader, end: r.entry.relativeOffsetOfLocalHeader + 30 + r.entry.fileNameLength + r.entry.compressedSize, name: r.name }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) {
      throw new PsError('ZIP_INVALID', `${file}: entries ${shown(spans[i - 1]!.name)} and ${shown(spans[i]!.name)} overlap (zip bomb?)`);
    }
  }
}

function buildSource(zip: yauzl.ZipFile, file: string, raw: RawEntry[]): PackageSource & { kind: 'zip' } {
  // exactly one root folder, nothing at the top level but that folder
  const roots = new Set<string>();
  for (const r of raw) {
    const slash = r.name.indexOf('/');
    if (slash < 0 && !r.isDir) throw new PsError('ZIP_ROOT_INVALID', `file ${shown(r.name)} is at the top level of ${file}`);
    roots.add(slash < 0 ? r.name : r.name.slice(0, slash));
  }
  if (roots.size === 0) throw new PsError('ZIP_ROOT_INVALID', `${file} is empty`);
  if (roots.size > 1) {
    throw new PsError('ZIP_ROOT_INVALID', `${file} has ${roots.size} top-level folders (${[...roots].slice(0, 5).map(shown).join(', ')})`);
  }
  const rootName = [...roots][0]!;
  const prefix = `${rootName}/`;
  const files = new Map<string, ZipEntryInfo>();
  const ordered: PackageEntry[] = [];
  const dirs = new Set<string>();
  const addDir = (rel: string, mtime?: Date): void => {
    if (rel === '' || dirs.has(rel)) return;
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    addDir(parent, mtime);
    dirs.add(rel);
    ordered.push({ path: rel, type: 'dir', size: 0, mtime });
  };
  for (const r of raw) {
    if (r.name === rootName) continue;
    const rel = r.name.slice(prefix.length);
    const mtime = r.entry.getLastModDate();
    if (r.isDir) {
      if (files.has(rel)) throw new PsError('ZIP_DUPLICATE_ENTRY', `${shown(rel)} is both a file and a directory`);
      addDir(rel, mtime);
    } else {
      if (dirs.has(rel)) throw new PsError('ZIP_DUPLICATE_ENTRY', `${shown(rel)} is both a file and a directory`);
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      if (files.has(parent)) throw new PsError('ZIP_DUPLICATE_ENTRY', `${shown(parent)} is both a file and a directory`);
      addDir(parent, mtime);
      files.set(rel, { entry: r.entry, size: r.entry.uncompressedSize });
      ordered.push({ path: rel, type: 'file', size: r.entry.uncompressedSize, mtime });
    }
  }
  for (const d of dirs) {
    if (files.has(d)) throw new PsError('ZIP_DUPLICATE_ENTRY', `${shown(d)} is both a file and a directory`);
  }
  const sorted = [...ordered].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const lookup = (rel: string): ZipEntryInfo => {
    const f = files.get(rel);
    if (!f) throw new PsError('NOT_FOUND', `${rel} not found in ${file}`);
    return f;
  };
  const openStream = async (rel: string): Promise<Readable> => {
    const f = lookup(rel);
    let stream: Readable;
    try {
      stream = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(f.entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
    } catch (e) {
      throw new PsError('ZIP_INVALID', `${file}: cannot read ${rel}: ${(e as Error).message}`, { cause: e });
    }
    const counter = new SizeGuard(f.size, f.entry.crc32, rel);
    stream.on('error', (e) => counter.destroy(isPsError(e) ? e : new PsError('ZIP_INVALID', `${file}: reading ${rel}: ${e.message}`, { cause: e })));
    counter.on('close', () => {
      // the consumer stopped early or the guard aborted: stop inflating
      if (!stream.destroyed) stream.destroy();
    });
    return stream.pipe(counter);
  };
  return {
    kind: 'zip',
    origin: file,
    rootName,
    entries: () => sorted,
    archiveEntries: () => ordered,
    has: (rel) => files.has(rel),
    readFile: async (rel) => {
      const s = await openStream(rel);
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    openStream,
    close: async () => {
      zip.close();
    },
  };
}

/**
 * Passes bytes through, failing with ZIP_SIZE_MISMATCH past the declared size or short of it at the end, and
 * with ZIP_INVALID when the CRC-32 of the content does not match the central directory's.
 */
class SizeGuard extends Transform {
  private count = 0;
  private crc = 0;
  constructor(
    private readonly declared: number,
    private readonly expectedCrc: number,
    private readonly rel: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.declared) {
      cb(new PsError('ZIP_SIZE_MISMATCH', `${this.rel} inflates to more than the ${this.declared} bytes its header declares`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.count !== this.declared) {
      cb(new PsError('ZIP_SIZE_MISMATCH', `${this.rel} inflates to ${this.count} bytes, its header declares ${this.declared}`));
      return;
    }
    if (this.crc >>> 0 !== this.expectedCrc >>> 0) {
      cb(new PsError('ZIP_INVALID', `${this.rel}: CRC-32 mismatch (the zip is corrupt or was tampered with)`));
      return;
    }
    cb();
  }
}

const NAME_RE = /^[a-z0-9_]+$/;
const VERSION_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * Read and parse `manifest.yml`, check the name and version patterns and, for a zip, that the root folder is
 * `{name}-{version}`. Throws MANIFEST_MISSING, MANIFEST_INVALID (with the YAML line), PACKAGE_NAME_INVALID,
 * PACKAGE_VERSION_INVALID or PACKAGE_NAME_MISMATCH.
 */
export async function checkPackageIdentity(src: PackageSource): Promise<{ name: string; version: string; manifest: Manifest }> {
  if (!src.has('manifest.yml')) {
    throw new PsError('MANIFEST_MISSING', `no manifest.yml at the root of ${src.kind === 'zip' ? `${src.rootName}/ in ` : ''}${src.origin}`);
  }
  const manifest = parseManifest(await src.readFile('manifest.yml'), 'manifest.yml');
  const { name, version } = manifest;
  if (!NAME_RE.test(name)) throw new PsError('PACKAGE_NAME_INVALID', `'${name}' must match ^[a-z0-9_]+$`);
  if (!VERSION_RE.test(version)) throw new PsError('PACKAGE_VERSION_INVALID', `'${version}' is not a valid semantic version (X.Y.Z[-pre][+build])`);
  if (src.kind === 'zip' && src.rootName !== `${name}-${version}`) {
    throw new PsError(
      'PACKAGE_NAME_MISMATCH',
      `the zip root folder is '${src.rootName}/' but manifest.yml says name '${name}' version '${version}' (expected '${name}-${version}/')`,
    );
  }
  return { name, version, manifest };
}
