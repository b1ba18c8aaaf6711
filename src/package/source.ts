/**
 * A package's files, wherever they come from (a folder on disk or a zip already checked by the safe zip
 * reader). Paths are relative to the package root (`manifest.yml`, `data_stream/foo/manifest.yml`),
 * `/`-separated, directories listed without a trailing slash. This is what `spec/` validates and what the
 * package document is derived from; neither does other I/O.
 */
export interface PackageEntry {
  path: string;
  type: 'file' | 'dir';
  /** Uncompressed size in bytes (0 for directories). */
  size: number;
  /** Modification time if known. */
  mtime?: Date;
}

export interface PackageSource {
  /** Where it came from, for messages (the path of the zip or folder as given). */
  readonly origin: string;
  /** The root folder name (`{name}-{version}` in a zip; the folder's base name otherwise). */
  readonly rootName: string;
  /** What it is read from (optional for other implementations; zips must be checked against their root name). */
  readonly kind?: 'zip' | 'folder';
  /** Every entry, sorted by path. */
  entries(): PackageEntry[];
  /**
   * Zips only: every entry in archive (central directory) order, directories synthesized where the zip has
   * no directory entries. Elastic's registry lists a zip package's `assets` in this order.
   */
  archiveEntries?(): PackageEntry[];
  /** True if the path exists as a file. */
  has(path: string): boolean;
  /** Read a whole file (callers only read manifests, fields, docs: small files). */
  readFile(path: string): Promise<Buffer>;
  /** Stream a file (for extracting large static files). */
  openStream(path: string): Promise<NodeJS.ReadableStream>;
  /** Release resources (open zip file). */
  close(): Promise<void>;
}
