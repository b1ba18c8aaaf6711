/**
 * Folder specs resolved at a format version into a tree of `ItemSpec`s, the way package-spec's loader builds
 * it: a folder item with `$ref` takes the referenced folder spec's attributes (the item's own stay unless the
 * spec sets them), that file's patches are applied to the merged item, file items with `$ref` name their
 * schema module, items of a development folder spec are development items, `visibility` defaults to public, and
 * unset limits are inherited from the nearest ancestor that sets them.
 */
import { applyPatches, patchesFor, resolveId, specFile } from './resolve.js';
import type { FolderItemData, FolderSpecFile, SizeText } from './types.js';

interface MediaType {
  type: string;
  params: Record<string, string>;
}

interface Limits {
  totalContentsLimit: number;
  totalSizeLimit: number;
  sizeLimit: number;
  configurationSizeLimit: number;
  relativePathSizeLimit: number;
  fieldsPerDataStreamLimit: number;
}

export interface ItemSpec {
  type: 'file' | 'folder';
  name?: string;
  pattern?: string;
  forbiddenPatterns: string[];
  required: boolean;
  media?: MediaType;
  additionalContents: boolean;
  contents: ItemSpec[];
  developmentFolder: boolean;
  allowLink: boolean;
  visibility: 'public' | 'private';
  validationMode?: 'source' | 'build';
  release?: string;
  /** Limits in bytes / counts; 0 = none. */
  limits: Limits;
  /** The schema module validating this file, if any. */
  schemaId?: string;
  /** The data module this item's attributes come from (for messages and the drift test). */
  specId: string;
}

const SIZE = /^(\d+)(B|KB|MB|)$/;

/** Parse a spec size (`5MB`, `3KB`, `1024B`, `1024`), 1024-based. */
function parseSize(s: SizeText | undefined): number {
  if (s === undefined) return 0;
  if (typeof s === 'number') return s;
  const m = SIZE.exec(s.trim());
  if (!m) throw new Error(`spec data: invalid size ${s}`);
  const n = Number(m[1]);
  return m[2] === 'MB' ? n * 1024 * 1024 : m[2] === 'KB' ? n * 1024 : n;
}

/** Format a size as package-spec prints it (`150MB`, `3KB`, `1000B`). */
export function formatSize(n: number): string {
  const MB = 1024 * 1024;
  if (n >= MB && n % MB === 0) return `${n / MB}MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}KB`;
  return `${n}B`;
}

/** Parse a media type with parameters (`application/x-yaml; require-document-dashes=true`). */
function parseMediaType(s: string): MediaType {
  const [type, ...rest] = s.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type!.trim().toLowerCase(), params };
}

type Raw = FolderItemData & { specId?: string; schemaId?: string };

function loadFolderSpec(target: Raw, id: string, version: string): Raw {
  const file = specFile(id) as FolderSpecFile;
  const merged: Raw = { ...target, ...structuredClone(file.spec) };
  const spec = applyPatches(merged, patchesFor(file, version), `${id} at ${version}`);
  spec.specId = id;
  loadContents(spec, id, version);
  return spec;
}

function loadContents(s: Raw, id: string, version: string): void {
  const queue = [...(s.contents ?? [])] as Raw[];
  while (queue.length) {
    const c = queue.shift()!;
    if (c.visibility !== undefined && c.visibility !== 'public' && c.visibility !== 'private') throw new Error(`spec data: ${id}: bad visibility ${String(c.visibility)}`);
    if (c.validationMode !== undefined && c.validationMode !== 'source' && c.validationMode !== 'build') throw new Error(`spec data: ${id}: bad validationMode`);
    if (s.developmentFolder) c.developmentFolder = true;
    c.specId ??= id;
    if (c.$ref) {
      const ref = resolveId(id, c.$ref);
      if (c.type === 'file') c.schemaId = ref;
      else if (c.type === 'folder') Object.assign(c, loadFolderSpec(c, ref, version));
    } else if (c.contents?.length) {
      queue.push(...c.contents);
    }
  }
}

function toItem(r: Raw, parent: Limits | undefined): ItemSpec {
  const own: Limits = {
    totalContentsLimit: r.totalContentsLimit ?? 0,
    totalSizeLimit: parseSize(r.totalSizeLimit),
    sizeLimit: parseSize(r.sizeLimit),
    configurationSizeLimit: parseSize(r.configurationSizeLimit),
    relativePathSizeLimit: parseSize(r.relativePathSizeLimit),
    fieldsPerDataStreamLimit: r.fieldsPerDataStreamLimit ?? 0,
  };
  if (parent) for (const k of Object.keys(own) as (keyof Limits)[]) if (!own[k]) own[k] = parent[k];
  const item: ItemSpec = {
    type: r.type ?? 'folder',
    name: r.name || undefined,
    pattern: r.pattern || undefined,
    forbiddenPatterns: r.forbiddenPatterns ?? [],
    required: !!r.required,
    media: r.contentMediaType ? parseMediaType(r.contentMediaType) : undefined,
    additionalContents: !!r.additionalContents,
    contents: [],
    developmentFolder: !!r.developmentFolder,
    allowLink: !!r.allowLink,
    visibility: r.visibility ?? 'public',
    validationMode: r.validationMode,
    release: r.release || undefined,
    limits: own,
    schemaId: r.schemaId,
    specId: r.specId ?? '',
  };
  item.contents = (r.contents ?? []).map((c) => toItem(c, own));
  return item;
}

const cache = new Map<string, ItemSpec | null>();

/** The root folder spec of a package type at a format version (`X.Y.Z`), or undefined for an unknown type. */
export function rootSpec(type: string, version: string): ItemSpec | undefined {
  const key = `${type}@${version}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let out: ItemSpec | null = null;
  try {
    specFile(`${type}/folder`);
    out = toItem(loadFolderSpec({}, `${type}/folder`, version), undefined);
  } catch (e) {
    if (!/no module/.test((e as Error).message)) throw e;
  }
  cache.set(key, out);
  return out ?? undefined;
}
