/**
 * File schemas compiled with ajv, once per (schema module, format version): every module reachable through
 * `$ref` is resolved at the same version and registered as `file:///<id>`, so relative references between
 * files (`../integration/manifest#/definitions/version`) resolve as in package-spec. Errors are reported in
 * gojsonschema's wording (`field <path>: <description>`), with package-spec's custom formats `relative-path`
 * and `data-stream-name` checked against the package tree.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { resolvedSpec, resolveId } from './resolve.js';

type AjvCtor = new (opts: object) => import('ajv').Ajv;
const Ajv: AjvCtor = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as unknown as AjvCtor;

/** What the custom formats need: does a path exist in the package (and how big is it)? */
export interface FormatEnv {
  /** Size of a file, 0 for a folder, undefined if absent. Paths are package-relative, already normalized. */
  stat(rel: string): number | undefined;
  /** The validated file's folder ('' = package root). */
  dir: string;
  /** Max size of a relative-path target (0 = none). */
  relativePathSizeLimit: number;
}

let env: FormatEnv | undefined;

/** `path.Join` of Go followed by a check that it stays inside the package. */
function joinRel(dir: string, p: string): string | undefined {
  const out: string[] = [];
  for (const seg of `${dir}/${p}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

function relativePath(v: string): boolean {
  if (!env) return true;
  const rel = joinRel(env.dir, v);
  if (rel === undefined) return false;
  const size = env.stat(rel);
  if (size === undefined) return false;
  return !(env.relativePathSizeLimit > 0 && size > env.relativePathSizeLimit);
}

function dataStreamName(v: string): boolean {
  if (!env) return true;
  const rel = joinRel(env.dir ? `${env.dir}/data_stream` : 'data_stream', v);
  return rel !== undefined && env.stat(rel) !== undefined;
}

const instances = new Map<string, import('ajv').Ajv>();
const added = new Map<string, Set<string>>();
const compiled = new Map<string, ValidateFunction>();

function ajvFor(version: string): import('ajv').Ajv {
  let a = instances.get(version);
  if (!a) {
    a = new Ajv({ allErrors: true, strict: false, validateFormats: true, allowUnionTypes: true });
    a.addFormat('relative-path', { type: 'string', validate: relativePath });
    a.addFormat('data-stream-name', { type: 'string', validate: dataStreamName });
    // keys the Go validator ignores: they must stay no-ops (`min_items` is not `minItems`)
    for (const k of ['min_items', 'minContent']) a.addKeyword(k);
    instances.set(version, a);
    added.set(version, new Set());
  }
  return a;
}

function refsOf(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) refsOf(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') {
        const file = x.split('#')[0]!;
        if (file) out.add(file);
      } else refsOf(x, out);
    }
  }
}

/** The compiled validator of schema module `id` at format version `version`. */
export function schemaValidator(id: string, version: string): ValidateFunction {
  const key = `${id}@${version}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const a = ajvFor(version);
  const have = added.get(version)!;
  const todo = [id];
  while (todo.length) {
    const cur = todo.pop()!;
    if (have.has(cur)) continue;
    have.add(cur);
    const spec = resolvedSpec(cur, version) as Record<string, unknown>;
    a.addSchema({ ...spec, $id: `file:///${cur}` });
    const refs = new Set<string>();
    refsOf(spec, refs);
    for (const r of refs) todo.push(resolveId(cur, r));
  }
  const fn = a.getSchema(`file:///${id}`);
  if (!fn) throw new Error(`spec data: schema ${id} did not compile`);
  compiled.set(key, fn);
  return fn;
}

export interface SchemaError {
  path: (string | number)[];
  message: string;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function pathSegs(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, segs: string[]): unknown {
  let cur = data;
  for (const s of segs) {
    if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[s];
    else return undefined;
  }
  return cur;
}

/** Keep only the best-scoring branch of each failed anyOf/oneOf, as gojsonschema reports. */
function pruneCombinators(errs: ErrorObject[]): ErrorObject[] {
  let list = errs;
  const combos = list.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  for (const c of combos) {
    const prefix = `${c.schemaPath}/`;
    const under = (p: string): boolean => p === c.instancePath || p.startsWith(`${c.instancePath}/`);
    const inBranch = list.filter((e) => e !== c && e.schemaPath.startsWith(prefix) && under(e.instancePath));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of inBranch) {
      const b = e.schemaPath.slice(prefix.length).split('/')[0]!;
      if (!byBranch.has(b)) byBranch.set(b, []);
      byBranch.get(b)!.push(e);
    }
    if (byBranch.size <= 1) continue;
    let best: string | undefined;
    let bestN = Infinity;
    for (const [b, es] of byBranch) {
      // prefer branches whose failures are deeper (they matched the type at least)
      const n = es.filter((e) => e.keyword === 'type' && e.instancePath === c.instancePath).length * 100 + es.length;
      if (n < bestN) {
        bestN = n;
        best = b;
      }
    }
    list = list.filter((e) => !(inBranch.includes(e) && !e.schemaPath.startsWith(`${prefix}${best}/`)));
  }
  // `contains`: gojsonschema keeps only the errors of the best-scoring item (the one that matched most)
  for (const c of list.filter((e) => e.keyword === 'contains')) {
    const prefix = `${c.schemaPath}/`;
    const base = `${c.instancePath}/`;
    const inItems = list.filter((e) => e !== c && e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(base));
    const byItem = new Map<string, ErrorObject[]>();
    for (const e of inItems) {
      const i = e.instancePath.slice(base.length).split('/')[0]!;
      if (!byItem.has(i)) byItem.set(i, []);
      byItem.get(i)!.push(e);
    }
    if (byItem.size <= 1) continue;
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const [i, es] of byItem) {
      // fewer failures first, then deeper ones (more of the item matched)
      const depth = Math.max(...es.map((e) => e.instancePath.split('/').length));
      const score = -es.length * 1000 + depth;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    const keep = `${base}${best}`;
    list = list.filter((e) => !inItems.includes(e) || e.instancePath === keep || e.instancePath.startsWith(`${keep}/`));
  }
  return list;
}

function describe(e: ErrorObject, field: string, data: unknown, segs: string[]): string | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return `${String(p.missingProperty)} is required`;
    case 'additionalProperties': return `Additional property ${String(p.additionalProperty)} is not allowed`;
    case 'pattern': return `Does not match pattern '${String(p.pattern)}'`;
    case 'enum': return `${field} must be one of the following: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'const': return `${field} does not match: ${JSON.stringify(p.allowedValue)}`;
    case 'type': return `Invalid type. Expected: ${String(p.type).split(',').join('/')}, given: ${jsonType(valueAt(data, segs))}`;
    case 'minItems': return `Array must have at least ${String(p.limit)} items`;
    case 'maxItems': return `Array must have at most ${String(p.limit)} items`;
    case 'uniqueItems': {
      const [a, b] = [Number(p.j), Number(p.i)].sort((x, y) => x - y);
      return `array items[${a},${b}] must be unique`;
    }
    case 'minLength': return `String length must be greater than or equal to ${String(p.limit)}`;
    case 'maxLength': return `String length must be less than or equal to ${String(p.limit)}`;
    case 'minimum': return `Must be greater than or equal to ${String(p.limit)}`;
    case 'maximum': return `Must be less than or equal to ${String(p.limit)}`;
    case 'minProperties': return `Must have at least ${String(p.limit)} properties`;
    case 'maxProperties': return `Must have at most ${String(p.limit)} properties`;
    case 'not': return 'Must not be present';
    case 'false schema': return 'False always fails validation';
    case 'contains': return 'At least one of the items must match';
    case 'format':
      if (p.format === 'relative-path') return "relative path is invalid, target doesn't exist or it exceeds the file size limit";
      if (p.format === 'data-stream-name') return "data stream doesn't exist";
      return `Does not match format '${String(p.format)}'`;
    case 'if': case 'anyOf': case 'oneOf': case 'allOf':
      return undefined; // wrapper messages are dropped (processErrors)
    default:
      return e.message ?? e.keyword;
  }
}

/** Validate `data` (already YAML→JSON) against a compiled schema, with the custom formats bound to `formatEnv`. */
export function validateWithSchema(fn: ValidateFunction, data: unknown, formatEnv: FormatEnv): SchemaError[] {
  env = formatEnv;
  let ok: boolean;
  try {
    ok = fn(data) as boolean;
  } finally {
    env = undefined;
  }
  if (ok || !fn.errors) return [];
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of pruneCombinators(fn.errors)) {
    const segs = pathSegs(e.instancePath);
    const field = segs.length ? segs.join('.') : '(root)';
    let msg = describe(e, field, data, segs);
    if (msg === undefined) continue;
    if (msg === 'secret is required') msg = 'variable identified as possible secret, secret parameter required to be set to true or false';
    const key = `${field}\u0000${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), message: `field ${field}: ${msg}` });
  }
  return out;
}
