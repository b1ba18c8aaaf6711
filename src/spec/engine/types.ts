/**
 * Shapes of the spec data (`src/spec/data/**`): one module per file of package-spec. A folder spec describes the
 * items a folder may hold; a schema file is a JSON schema. Both carry `versions:` patches (RFC 6902) that turn
 * the newest format into an older one: for format version V, every entry with V < `before` applies, in order.
 */

/** One RFC 6902 operation. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

interface VersionPatch {
  /** The first format version that does not need this patch. */
  before: string;
  patch: PatchOp[];
}

/** A size as the spec writes it: `5MB`, `150KB`, `1024B` or a plain number of bytes. */
export type SizeText = string | number;

/** A folder item as written in a folder spec (before `$ref` resolution). */
export interface FolderItemData {
  type?: 'file' | 'folder';
  name?: string;
  /** Unanchored regular expression; `{PACKAGE_NAME}` is replaced by the manifest name when matching. */
  pattern?: string;
  forbiddenPatterns?: string[];
  required?: boolean;
  /** Media type with parameters, e.g. `application/x-yaml; require-document-dashes=true`. */
  contentMediaType?: string;
  additionalContents?: boolean;
  contents?: FolderItemData[];
  developmentFolder?: boolean;
  allowLink?: boolean;
  visibility?: 'public' | 'private';
  validationMode?: 'source' | 'build';
  release?: 'beta' | 'ga';
  /** Relative id of another data module: a folder spec (`./fields/folder`) or a schema (`./manifest`). */
  $ref?: string;
  totalContentsLimit?: number;
  totalSizeLimit?: SizeText;
  sizeLimit?: SizeText;
  configurationSizeLimit?: SizeText;
  relativePathSizeLimit?: SizeText;
  fieldsPerDataStreamLimit?: number;
}

export interface FolderSpecFile {
  spec: FolderItemData;
  versions?: VersionPatch[];
}

export interface SchemaFile {
  spec: Record<string, unknown>;
  versions?: VersionPatch[];
}

export type SpecFile = FolderSpecFile | SchemaFile;
