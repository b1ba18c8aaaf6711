/**
 * JSON-schema validation of package files with ajv, reporting in gojsonschema's wording as package-spec does
 * (`field <path>: <description>`), including its `processErrors` rewrites and the custom formats
 * `relative-path` and `data-stream-name`.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Ctx } from './context.js';

// ajv's CJS default export under NodeNext
type AjvCtor = new (opts: object) => import('ajv').Ajv;
const Ajv: AjvCtor = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as unknown as AjvCtor;

/** Relative-path targets (icons, screenshots) may be at most 3 MB. */
export const RELATIVE_PATH_SIZE_LIMIT = 3 * 1024 * 1024;

interface FormatState {
  ctx?: Ctx;
  dir: string;
}
const state: FormatState = { dir: '' };

function normalizePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

function checkRelativePath(v: string): boolean {
  const ctx = state.ctx;
  if (!ctx) return true;
  // `/img/x.svg` is relative to the package root in practice: package-spec joins it to the file's folder.
  const rel = normalizePath(state.dir ? `${state.dir}/${v}` : v);
  if (rel === undefined) return false;
  const f = ctx.files.get(rel);
  return !!f && f.size <= RELATIVE_PATH_SIZE_LIMIT;
}

function checkDataStream(v: string): boolean {
  const ctx = state.ctx;
  if (!ctx) return true;
  return ctx.hasDir(`data_stream/${v}`);
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, allowUnionTypes: true });
ajv.addFormat('relative-path', { type: 'string', validate: checkRelativePath });
ajv.addFormat('data-stream-name', { type: 'string', validate: checkDataStream });
for (const k of ['example', 'min_items', 'minContent', 'deprecated', 'x-description']) {
  try {
    ajv.addKeyword(k);
  } catch {
    /* already known */
  }
}

const cache = new Map<string, ValidateFunction>();

/**
 * Hoist sub-schemas that occur more than once (same object) into `definitions` and reference them, so ajv
 * compiles them once (the var schema appears at every level of a manifest).
 */
function hoistShared(root: object): object {
  const seen = new Map<object, number>();
  const count = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    const n = (seen.get(v) ?? 0) + 1;
    seen.set(v, n);
    if (n > 1) return;
    for (const c of Object.values(v)) count(c);
  };
  count(root);
  const shared = new Map<object, string>();
  let i = 0;
  for (const [o, n] of seen) {
    if (n > 1 && !Array.isArray(o) && o !== root && 'properties' in o && JSON.stringify(o).length > 1000) shared.set(o, `shared${i++}`);
  }
  if (!shared.size) return root;
  const copy = (v: unknown, top: boolean): unknown => {
    if (!v || typeof v !== 'object') return v;
    if (!top && shared.has(v)) return { $ref: `#/definitions/${shared.get(v)}` };
    if (Array.isArray(v)) return v.map((x) => copy(x, false));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, false)]));
  };
  const out = copy(root, true) as Record<string, unknown>;
  const defs: Record<string, unknown> = { ...((out.definitions as Record<string, unknown>) ?? {}) };
  for (const [o, name] of shared) defs[name] = copy(o, true);
  out.definitions = defs;
  return out;
}

/** Compile (cached by key) a schema. */
export function compile(key: string, build: () => object): ValidateFunction {
  const hit = cache.get(key);
  if (hit) return hit;
  const fn = ajv.compile(hoistShared(build()));
  cache.set(key, fn);
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
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
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
    const inBranch = list.filter((e) => e !== c && e.schemaPath.startsWith(prefix));
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
  return list;
}

/** Validate `data` against a compiled schema; formats are resolved relative to `dir` (the file's folder). */
export function validateSchema(ctx: Ctx, dir: string, fn: ValidateFunction, data: unknown): SchemaError[] {
  state.ctx = ctx;
  state.dir = dir;
  let ok: boolean;
  try {
    ok = fn(data) as boolean;
  } finally {
    state.ctx = undefined;
  }
  if (ok || !fn.errors) return [];
  const errs = pruneCombinators(fn.errors);
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    const segs = pathSegs(e.instancePath);
    const field = segs.length ? segs.join('.') : '(root)';
    let msg: string | undefined;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        msg = `${String(p.missingProperty)} is required`;
        break;
      case 'additionalProperties':
        msg = `Additional property ${String(p.additionalProperty)} is not allowed`;
        break;
      case 'pattern':
        msg = `Does not match pattern '${String(p.pattern)}'`;
        break;
      case 'enum':
        msg = `${field} must be one of the following: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
        break;
      case 'const':
        msg = `${field} does not match: ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'type': {
        const t = String(p.type).split(',').join('/');
        msg = `Invalid type. Expected: ${t}, given: ${jsonType(valueAt(data, segs))}`;
        break;
      }
      case 'minItems':
        msg = `Array must have at least ${String(p.limit)} items`;
        break;
      case 'maxItems':
        msg = `Array must have at most ${String(p.limit)} items`;
        break;
      case 'uniqueItems': {
        const [a, b] = [Number(p.j), Number(p.i)].sort((x, y) => x - y);
        msg = `array items[${a},${b}] must be unique`;
        break;
      }
      case 'minLength':
        msg = `String length must be greater than or equal to ${String(p.limit)}`;
        break;
      case 'maxLength':
        msg = `String length must be less than or equal to ${String(p.limit)}`;
        break;
      case 'minimum':
        msg = `Must be greater than or equal to ${String(p.limit)}`;
        break;
      case 'maximum':
        msg = `Must be less than or equal to ${String(p.limit)}`;
        break;
      case 'minProperties':
        msg = `Must have at least ${String(p.limit)} properties`;
        break;
      case 'not':
        msg = 'Must not be present';
        break;
      case 'false schema':
        msg = 'False always fails validation';
        break;
      case 'format':
        if (p.format === 'relative-path') msg = "relative path is invalid, target doesn't exist or it exceeds the file size limit";
        else if (p.format === 'data-stream-name') msg = "data stream doesn't exist";
        else msg = `Does not match format '${String(p.format)}'`;
        break;
      case 'if':
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        msg = undefined; // wrapper messages are dropped (processErrors)
        break;
      case 'secret':
        msg = 'variable identified as possible secret, secret parameter required to be set to true or false';
        break;
      default:
        msg = e.message ?? e.keyword;
    }
    if (msg === undefined) continue;
    if (msg === 'secret is required') msg = 'variable identified as possible secret, secret parameter required to be set to true or false';
    const key = `${field}\u0000${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), message: `field ${field}: ${msg}` });
  }
  return out;
}
