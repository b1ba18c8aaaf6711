/**
 * The package document: exactly the JSON `GET /package/{n}/{v}/` returns (docs/http-api.md §5.4; derivation: docs/bucket-format.md §4), derived from
 * a package's files, and the short `/search` item (docs/http-api.md §5.2).
 *
 * Key order is the contract (the registry serializes with `JSON.stringify(doc, null, 2)`), so every object is
 * rebuilt through an allow-list that mirrors the Go structs of Elastic's registry, field by field, with Go's
 * `omitempty` semantics per field kind:
 *   - plain strings/bools/lists/maps with omitempty are dropped when empty ("" / false / [] / {} / null);
 *   - pointer fields (`title`, `readme`, `multiple`, `enabled`, nested structs such as `conditions`) are kept
 *     whenever present, even when empty or false;
 *   - fields without omitempty (`name`, `version`, `description`, `type`, `download`, `path`,
 *     `format_version`, `subscription`, var `multi`/`required`/`show_user`, ...) are always written;
 *   - free-form maps (`index_template.*`) and object values (var `default`) have their keys sorted bytewise.
 * Unknown fields are dropped.
 */
import path from 'node:path';
import type { PackageDocument } from '../index/format.js';
import type { PackageEntry, PackageSource } from './source.js';
import { parseManifest, parseYaml, isObject, type YamlObject, type YamlValue } from './manifest.js';
import { isKnownCategory } from './categories.js';
import { PsError } from '../errors.js';

// ---------------------------------------------------------------------------------------------------------
// Field specs (Go struct order and omitempty semantics)

type Kind =
  | 'str' // string, omitempty
  | 'str!' // string, always
  | 'str*' // *string, kept if present
  | 'bool' // bool, omitempty
  | 'bool!' // bool, always
  | 'bool*' // *bool, kept if present
  | 'strs' // []string, omitempty
  | 'map' // map[string]interface{}, omitempty, keys sorted
  | 'any'; // interface{}, kept if not null
type Spec = ReadonlyArray<readonly [string, Kind | Struct]>;
interface Struct {
  spec: Spec | (() => Spec);
  list?: boolean; // a list of structs ([]T, omitempty)
  always?: boolean; // a struct value (not pointer) written even when absent
  /** Drop the struct when it comes out empty (custom rule, e.g. discovery). */
  dropEmpty?: boolean;
}

const ptr = (spec: Spec | (() => Spec), extra: Partial<Struct> = {}): Struct => ({ spec, ...extra });
const list = (spec: Spec | (() => Spec)): Struct => ({ spec, list: true });

const IMAGE: Spec = [
  ['src', 'str!'],
  ['path', 'str!'],
  ['title', 'str'],
  ['size', 'str'],
  ['type', 'str'],
];
const DEPRECATED: Spec = [
  ['since', 'str!'],
  ['description', 'str!'],
  [
    'replaced_by',
    ptr([
      ['package', 'str'],
      ['policy_template', 'str'],
      ['input', 'str'],
      ['data_stream', 'str'],
      ['variable', 'str'],
    ]),
  ],
];
const CONDITIONS: Spec = [
  ['kibana', ptr([['version', 'str!']])],
  [
    'elastic',
    ptr([
      ['subscription', 'str!'],
      ['capabilities', 'strs'],
    ]),
  ],
  ['agent', ptr([['version', 'str!']])],
];
const NAME_ONLY: Spec = [['name', 'str!']];
const DISCOVERY: Struct = ptr(
  [
    ['fields', list(NAME_ONLY)],
    ['datasets', list(NAME_ONLY)],
  ],
  { dropEmpty: true },
);
const PKG_REF: Spec = [
  ['package', 'str!'],
  ['version', 'str!'],
];
const REQUIRES: Spec = [
  ['input', list(PKG_REF)],
  ['content', list(PKG_REF)],
];
const VARIABLE: Spec = [
  ['name', 'str!'],
  ['type', 'str!'],
  ['title', 'str'],
  ['description', 'str'],
  ['multi', 'bool!'],
  ['required', 'bool!'],
  ['show_user', 'bool!'],
  ['default', 'any'],
  ['deprecated', ptr(DEPRECATED)],
];
const DEPLOYMENT_MODES: Spec = [
  ['default', ptr([['enabled', 'bool!']])],
  [
    'agentless',
    ptr([
      ['enabled', 'bool!'],
      ['is_default', 'bool'],
      ['release', 'str'],
    ]),
  ],
];
const STREAM: Spec = [
  ['input', 'str'],
  ['package', 'str'],
  ['vars', list(VARIABLE)],
  ['data_stream', 'str'],
  ['template_path', 'str'],
  ['title', 'str'],
  ['description', 'str'],
  ['enabled', 'bool*'],
  ['ingestion_method', 'str'],
];
const INPUT: Spec = [
  ['type', 'str'],
  ['package', 'str'],
  ['vars', list(VARIABLE)],
  ['title', 'str'],
  ['description', 'str'],
  ['streams', list(STREAM)],
  ['template_path', 'str'],
  ['input_group', 'str'],
  ['deployment_modes', 'strs'],
  ['deprecated', ptr(DEPRECATED)],
];
const POLICY_TEMPLATE: Spec = [
  ['name', 'str!'],
  ['title', 'str!'],
  ['description', 'str!'],
  ['data_streams', 'strs'],
  ['inputs', list(INPUT)],
  ['multiple', 'bool*'],
  ['icons', list(IMAGE)],
  ['categories', 'strs'],
  ['screenshots', list(IMAGE)],
  ['readme', 'str*'],
  ['deployment_modes', ptr(DEPLOYMENT_MODES)],
  ['type', 'str'],
  ['input', 'str'],
  ['ingestion_method', 'str'],
  ['template_path', 'str'],
  ['deprecated', ptr(DEPRECATED)],
];
const SHORT_POLICY_TEMPLATE: Spec = [
  ['name', 'str!'],
  ['title', 'str!'],
  ['description', 'str!'],
  ['icons', list(IMAGE)],
  ['categories', 'strs'],
  ['deployment_modes', ptr(DEPLOYMENT_MODES)],
  ['data_streams', 'strs'],
  ['deprecated', ptr(DEPRECATED)],
];
const DATA_STREAM: Spec = [
  ['type', 'str!'],
  ['dataset', 'str'],
  ['hidden', 'bool'],
  ['ilm_policy', 'str'],
  ['dataset_is_prefix', 'bool'],
  ['title', 'str!'],
  ['release', 'str'],
  ['ingest_pipeline', 'str'],
  ['streams', list(STREAM)],
  ['package', 'str'],
  [
    'elasticsearch',
    ptr([
      ['index_template.settings', 'map'],
      ['index_template.mappings', 'map'],
      ['ingest_pipeline.name', 'str'],
      ['privileges', ptr([['indices', 'strs']])],
    ]),
  ],
  ['agent', ptr([['privileges', ptr([['root', 'bool']])]])],
  ['path', 'str'],
  ['deprecated', ptr(DEPRECATED)],
];
const SHORT_DATA_STREAM: Spec = [
  ['type', 'str'],
  ['dataset', 'str!'],
  ['title', 'str!'],
  ['deprecated', ptr(DEPRECATED)],
];

/** docs/http-api.md §5.2 keys, with the places of the short policy templates and data streams. */
function baseSpec(short: boolean): Spec {
  const s: Array<readonly [string, Kind | Struct]> = [
    ['name', 'str!'],
    ['title', 'str*'],
    ['version', 'str!'],
    ['release', 'str'],
    ['source', ptr([['license', 'str']])],
    ['description', 'str!'],
    ['type', 'str!'],
    ['download', 'str!'],
    ['path', 'str!'],
    ['icons', list(IMAGE)],
    ['policy_templates_behavior', 'str'],
  ];
  if (short) s.push(['policy_templates', list(SHORT_POLICY_TEMPLATE)]);
  s.push(
    ['conditions', ptr(CONDITIONS)],
    ['owner', ptr([['type', 'str'], ['github', 'str']])],
    ['categories', 'strs'],
    ['signature_path', 'str'],
    ['discovery', DISCOVERY],
  );
  if (short) s.push(['data_streams', list(SHORT_DATA_STREAM)]);
  s.push(['deprecated', ptr(DEPRECATED)], ['requires', ptr(REQUIRES)], ['group', 'any']);
  return s;
}

const PACKAGE_SPEC: Spec = [
  ...baseSpec(false),
  ['format_version', 'str!'],
  ['readme', 'str*'],
  ['license', 'str'],
  ['screenshots', list(IMAGE)],
  ['assets', 'strs'],
  ['policy_templates', list(POLICY_TEMPLATE)],
  ['data_streams', list(DATA_STREAM)],
  ['vars', list(VARIABLE)],
  ['elasticsearch', ptr([['privileges', ptr([['cluster', 'strs']])]])],
  ['agent', ptr([['privileges', ptr([['root', 'bool']])]])],
];
const SEARCH_SPEC: Spec = baseSpec(true);

// ---------------------------------------------------------------------------------------------------------
// Shaping

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Compare strings in UTF-8 byte order (= code point order), like Go's sort of map keys. */
export function compareBytewise(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // UTF-16 order differs from code point order only between surrogates and U+E000..U+FFFF
    if (ca >= 0xd800) ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
    if (cb >= 0xd800) cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    return ca - cb;
  }
  return a.length - b.length;
}

/** Deep copy with object keys sorted bytewise (Go map marshaling). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort(compareBytewise)) {
      out[k] = o[k] === undefined ? null : sortKeys(o[k]);
    }
    return out;
  }
  return v;
}

function shapeValue(v: unknown, kind: Kind | Struct): unknown {
  if (typeof kind === 'object') {
    if (kind.list) {
      if (!Array.isArray(v)) return undefined;
      const items = v.filter((x) => isObject(x)).map((x) => shapeStruct(x, kind.spec));
      return items.length ? items : undefined;
    }
    if (!isObject(v)) return kind.always ? shapeStruct({}, kind.spec) : undefined;
    const o = shapeStruct(v, kind.spec);
    if (kind.dropEmpty && Object.keys(o).length === 0) return undefined;
    return o;
  }
  switch (kind) {
    case 'str': {
      const s = asString(v);
      return s ? s : undefined;
    }
    case 'str!':
      return asString(v) ?? '';
    case 'str*':
      return asString(v);
    case 'bool':
      return asBool(v) ? true : undefined;
    case 'bool!':
      return asBool(v) ?? false;
    case 'bool*':
      return asBool(v);
    case 'strs': {
      if (!Array.isArray(v)) return undefined;
      const arr = v.map((x) => asString(x) ?? '');
      return arr.length ? arr : undefined;
    }
    case 'map':
      return isObject(v) && Object.keys(v).length ? sortKeys(v) : undefined;
    case 'any':
      return v === null || v === undefined ? undefined : sortKeys(v);
  }
}

function shapeStruct(src: Record<string, unknown>, spec: Spec | (() => Spec)): Record<string, unknown> {
  const fields = typeof spec === 'function' ? spec() : spec;
  const out: Record<string, unknown> = {};
  for (const [key, kind] of fields) {
    const v = shapeValue(src[key], kind);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Apply the allow-list of docs/http-api.md §5.4, key order and omitempty rules to a package document from an index (Elastic's or
 * ours). Values are taken as given (no defaults are computed). Throws INDEX_INVALID if `name`/`version` are
 * missing.
 */
export function normalizeDocument(raw: unknown): PackageDocument {
  if (!isObject(raw as YamlValue)) throw new PsError('INDEX_INVALID', 'a package document must be a JSON object');
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || !r.name || typeof r.version !== 'string' || !r.version) {
    throw new PsError('INDEX_INVALID', 'a package document needs a string name and version');
  }
  return shapeStruct(r, PACKAGE_SPEC) as PackageDocument;
}

/** The short `/search` item of a package document (docs/http-api.md §5.2). */
export function toSearchItem(doc: PackageDocument): Record<string, unknown> {
  const d = doc as Record<string, unknown>;
  const src: Record<string, unknown> = { ...d };
  return shapeStruct(src, SEARCH_SPEC);
}

// ---------------------------------------------------------------------------------------------------------
// Deriving from files

/** Ingestion method shown by the integrations UI, derived from an input type (best-effort table). */
export function ingestionMethod(input: string | undefined): string | undefined {
  if (!input) return undefined;
  const fixed: Record<string, string> = {
    logfile: 'File',
    filestream: 'File',
    log: 'File',
    syslog: 'Network Protocol',
    tcp: 'Network Protocol',
    udp: 'Network Protocol',
    netflow: 'Network Protocol',
    'sql/metrics': 'Database',
    'jolokia/metrics': 'Jolokia',
    httpjson: 'API',
    cel: 'API',
    o365audit: 'API',
    http_endpoint: 'Webhook',
    'aws-s3': 'AWS S3',
    'aws-cloudwatch': 'AWS CloudWatch',
    'azure-eventhub': 'Azure Event Hub',
    'azure-blob-storage': 'Azure Blob Storage',
    'gcp-pubsub': 'GCP Pub/Sub',
    gcs: 'GCS',
    kafka: 'Kafka',
    journald: 'Journald',
    winlog: 'Windows Event Log',
  };
  if (fixed[input]) return fixed[input];
  if (input.endsWith('/metrics')) return 'API';
  return undefined;
}

const STRICT_SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

function defaultRelease(version: string): string {
  const m = STRICT_SEMVER.exec(version);
  if (!m) return 'ga';
  return m[1] === '0' || m[4] !== undefined ? 'beta' : 'ga';
}

/** Join a URL base and a package-relative path like Go's path.Join. */
function urlJoin(base: string, rel: string): string {
  return path.posix.join(base, rel);
}

/** Compare paths component-wise (Go filepath.Glob order within one depth). */
function compareComponents(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return compareBytewise(pa[i]!, pb[i]!);
  }
  return pa.length - pb.length;
}

/** Depth levels Elastic's registry globs for assets (`*` … `*\/*\/*\/*\/*\/*`). */
export const ASSET_MAX_DEPTH = 6;

function orderedEntries(src: PackageSource): PackageEntry[] {
  if (src.kind === 'zip' && src.archiveEntries) return src.archiveEntries();
  return [...src.entries()].sort((a, b) => compareComponents(a.path, b.path));
}

/** Every file as `/package/{n}/{v}/<rel>`, depth by depth (up to 6), `.DS_Store` skipped. */
function collectAssets(src: PackageSource, base: string): string[] {
  const files = orderedEntries(src).filter((e) => e.type === 'file');
  const out: string[] = [];
  for (let depth = 1; depth <= ASSET_MAX_DEPTH; depth++) {
    for (const f of files) {
      if (f.path.split('/').length !== depth) continue;
      if (f.path.includes('.DS_Store')) continue;
      out.push(`${base}/${f.path}`);
    }
  }
  return out;
}

function withImagePaths(images: unknown, base: string): unknown {
  if (!Array.isArray(images)) return images;
  return images.map((img) => {
    if (!isObject(img as YamlValue)) return img;
    const i = img as Record<string, unknown>;
    const src = asString(i.src) ?? '';
    return { ...i, path: urlJoin(base, src) };
  });
}

async function readYaml(src: PackageSource, rel: string): Promise<YamlObject> {
  const v = parseYaml(await src.readFile(rel), rel);
  if (v === null) return {};
  if (!isObject(v)) throw new PsError('MANIFEST_INVALID', `${rel}: must be a YAML mapping`, { data: { file: rel } });
  return v;
}

/** Turn a data stream manifest's nested `elasticsearch` block into the literal dotted keys of the document. */
function dataStreamElasticsearch(es: unknown): unknown {
  if (!isObject(es as YamlValue)) return es;
  const e = es as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const it = e.index_template;
  if (isObject(it as YamlValue)) {
    const t = it as Record<string, unknown>;
    if (t.settings !== undefined) out['index_template.settings'] = t.settings;
    if (t.mappings !== undefined) out['index_template.mappings'] = t.mappings;
  }
  const ip = e.ingest_pipeline;
  if (isObject(ip as YamlValue) && (ip as Record<string, unknown>).name !== undefined) {
    out['ingest_pipeline.name'] = (ip as Record<string, unknown>).name;
  }
  if (e.privileges !== undefined) out.privileges = e.privileges;
  return out;
}

/**
 * The data stream folders: `data_stream/*` (sorted in a folder, archive order in a zip). The pre-1.0 `dataset/`
 * layout is not read, as Elastic's registry no longer reads it either.
 */
function dataStreamDirs(src: PackageSource): { base: string; dirs: string[] } {
  const base = 'data_stream';
  const dirs: string[] = [];
  for (const e of orderedEntries(src)) {
    if (e.type !== 'dir') continue;
    const parts = e.path.split('/');
    if (parts.length === 2 && parts[0] === base) dirs.push(parts[1]!);
  }
  return { base, dirs };
}

export interface DeriveOptions {
  /**
   * Set `signature_path` (`/epr/{n}/{n}-{v}.zip.sig`). Elastic's registry sets it when the package has a
   * signature; every package published to storage is signed, so the publisher passes `true`. Default false.
   */
  signed?: boolean;
  /** Called for each unknown package-level category dropped from the document. */
  onWarning?: (message: string) => void;
}

/**
 * Derive the `/package/{n}/{v}/` document from a package's files: manifest fields through the allow-list,
 * plus the defaults and computed fields of docs/bucket-format.md §4 (download, path, readme, image paths, template readmes,
 * assets, type/license/release defaults, data streams with their defaults, stream defaults).
 */
export async function deriveDocument(src: PackageSource, opts: DeriveOptions = {}): Promise<PackageDocument> {
  if (!src.has('manifest.yml')) throw new PsError('MANIFEST_MISSING', `no manifest.yml in ${src.origin}`);
  const m: Record<string, unknown> = { ...parseManifest(await src.readFile('manifest.yml')) };
  const name = m.name as string;
  const version = m.version as string;
  const base = `/package/${name}/${version}`;

  m.download = `/epr/${name}/${name}-${version}.zip`;
  m.path = base;
  if (opts.signed) m.signature_path = `/epr/${name}/${name}-${version}.zip.sig`;
  else delete m.signature_path;
  if (!asString(m.type)) m.type = 'integration';
  if (!asString(m.release)) m.release = defaultRelease(version);
  if (!asString(m.license)) {
    const cond = m.conditions as Record<string, unknown> | undefined;
    const elastic = isObject(cond as YamlValue) ? (cond!.elastic as Record<string, unknown> | undefined) : undefined;
    const sub = isObject(elastic as YamlValue) ? asString(elastic!.subscription) : undefined;
    m.license = sub || 'basic';
  }
  if (Array.isArray(m.categories)) {
    m.categories = (m.categories as unknown[]).filter((c) => {
      const ok = typeof c === 'string' && isKnownCategory(c);
      if (!ok) opts.onWarning?.(`unknown category '${String(c)}' dropped from ${name}-${version}`);
      return ok;
    });
  }
  m.icons = withImagePaths(m.icons, base);
  m.screenshots = withImagePaths(m.screenshots, base);
  if (src.has('docs/README.md')) m.readme = `${base}/docs/README.md`;
  else delete m.readme;
  m.assets = collectAssets(src, base);

  if (Array.isArray(m.policy_templates)) {
    m.policy_templates = (m.policy_templates as unknown[]).map((pt) => {
      if (!isObject(pt as YamlValue)) return pt;
      const t: Record<string, unknown> = { ...(pt as Record<string, unknown>) };
      if (asBool(t.multiple) === undefined) t.multiple = true;
      t.icons = withImagePaths(t.icons, base);
      t.screenshots = withImagePaths(t.screenshots, base);
      const ptName = asString(t.name);
      if (ptName && src.has(`docs/${ptName}.md`)) t.readme = `${base}/docs/${ptName}.md`;
      else delete t.readme;
      if (!asString(t.ingestion_method)) {
        const im = ingestionMethod(asString(t.input));
        if (im) t.ingestion_method = im;
      }
      return t;
    });
  }

  const { base: dsBase, dirs } = dataStreamDirs(src);
  const dataStreams: Record<string, unknown>[] = [];
  for (const dir of dirs) {
    const rel = `${dsBase}/${dir}/manifest.yml`;
    if (!src.has(rel)) continue;
    const ds: Record<string, unknown> = { ...(await readYaml(src, rel)) };
    if (!asString(ds.dataset)) ds.dataset = `${name}.${dir}`;
    if (!asString(ds.release)) ds.release = m.release;
    const hasDefaultPipeline = ['default.json', 'default.yml'].some((f) => src.has(`${dsBase}/${dir}/elasticsearch/ingest_pipeline/${f}`));
    if (!asString(ds.ingest_pipeline) && hasDefaultPipeline) ds.ingest_pipeline = 'default';
    ds.package = name;
    ds.path = dir;
    ds.elasticsearch = dataStreamElasticsearch(ds.elasticsearch);
    // as Elastic derives it: with an elasticsearch block naming no pipeline, the name is `default` only when the
    // data stream ships a default pipeline file (a manifest's `ingest_pipeline:` alone does not set it)
    if (isObject(ds.elasticsearch as YamlValue)) {
      const es = ds.elasticsearch as Record<string, unknown>;
      if (!asString(es['ingest_pipeline.name']) && hasDefaultPipeline) es['ingest_pipeline.name'] = 'default';
    }
    if (Array.isArray(ds.streams)) {
      ds.streams = (ds.streams as unknown[]).map((st) => {
        if (!isObject(st as YamlValue)) return st;
        const s: Record<string, unknown> = { ...(st as Record<string, unknown>) };
        if (asBool(s.enabled) === undefined) s.enabled = true;
        if (!asString(s.template_path)) s.template_path = 'stream.yml.hbs';
        if (!asString(s.ingestion_method)) {
          const im = ingestionMethod(asString(s.input));
          if (im) s.ingestion_method = im;
        }
        return s;
      });
    }
    dataStreams.push(ds);
  }
  m.data_streams = dataStreams;
  return shapeStruct(m, PACKAGE_SPEC) as PackageDocument;
}

/**
 * Elastic's registry copies the `deprecated` block of the highest deprecated version of a package onto every
 * version of that name in the same source (docs/http-api.md §4.3). Given all versions of some packages,
 * returns them in the same order with that rule applied (documents without a change are returned as is).
 */
export function spreadDeprecation(docs: PackageDocument[], compareVersions: (a: string, b: string) => number): PackageDocument[] {
  const best = new Map<string, PackageDocument>();
  for (const d of docs) {
    if (!d.deprecated) continue;
    const cur = best.get(d.name);
    if (!cur || compareVersions(d.version, cur.version) > 0) best.set(d.name, d);
  }
  return docs.map((d) => {
    const src = best.get(d.name);
    if (!src || src === d) return d;
    return normalizeDocument({ ...d, deprecated: src.deprecated });
  });
}
