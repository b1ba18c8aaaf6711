/**
 * The manifest model: parse package YAML the way Elastic's registry reads it (go-ucfg over YAML 1.1 with
 * `PathSep(".")`), so that the package document comes out the same:
 *
 * - YAML 1.1 scalars (`yes`/`no`/`on`/`off` are booleans, as in gopkg.in/yaml.v2), but **no timestamps and no
 *   sexagesimal numbers**: dates and `1:30` stay strings.
 * - Dotted keys are expanded into nested objects at every level (`kibana.version: x` → `{kibana: {version: x}}`,
 *   `index.lifecycle.name: y` inside `index_template.settings` too), merging with siblings.
 *
 * Pure: parses the bytes it is given.
 */
import { LineCounter, parseDocument, type Tags } from 'yaml';
import { PsError } from '../errors.js';

export type YamlValue = null | boolean | number | string | YamlValue[] | { [k: string]: YamlValue };
export type YamlObject = { [k: string]: YamlValue };

/** The manifest fields the rest of the system relies on; everything else is kept as parsed. */
export interface Manifest extends YamlObject {
  name: string;
  version: string;
}

const customTags = (tags: Tags): Tags =>
  tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
  });

/**
 * Parse YAML text into plain values (dotted keys expanded). Throws MANIFEST_INVALID with `file:line: reason`
 * on a syntax error. An empty document is `null`.
 */
export function parseYaml(text: string | Buffer, file = 'manifest.yml'): YamlValue {
  const src = typeof text === 'string' ? text : text.toString('utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { version: '1.1', schema: 'yaml-1.1', customTags, prettyErrors: false, uniqueKeys: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.pos?.[0] !== undefined ? lineCounter.linePos(e.pos[0]).line : undefined;
    const reason = e.message.split('\n')[0];
    throw new PsError('MANIFEST_INVALID', `${file}${line ? `:${line}` : ''}: invalid YAML: ${reason}`, {
      data: { file, line, message: reason },
    });
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new PsError('MANIFEST_INVALID', `${file}: ${(e as Error).message}`, { data: { file } });
  }
  return expandDotted(toPlain(js));
}

function toPlain(v: unknown): YamlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: YamlObject = {};
    for (const [k, val] of v) o[String(k)] = toPlain(val);
    return o;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Set) return [...v].map(toPlain);
  if (typeof v === 'object') {
    const o: YamlObject = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) o[k] = toPlain(val);
    return o;
  }
  return String(v);
}

function isObject(v: unknown): v is YamlObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(target: YamlObject, key: string, value: YamlValue): void {
  const existing = target[key];
  if (isObject(existing) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) mergeInto(existing, k, v);
  } else {
    target[key] = value;
  }
}

/** Expand dotted keys into nested objects, recursively (go-ucfg `PathSep(".")`). */
export function expandDotted(v: YamlValue): YamlValue {
  if (Array.isArray(v)) return v.map(expandDotted);
  if (!isObject(v)) return v;
  const out: YamlObject = {};
  for (const [k, raw] of Object.entries(v)) {
    const val = expandDotted(raw);
    const parts = k.split('.');
    if (parts.length === 1 || parts.some((p) => p === '')) {
      mergeInto(out, k, val);
      continue;
    }
    let nested: YamlValue = val;
    for (let i = parts.length - 1; i >= 1; i--) nested = { [parts[i]!]: nested };
    mergeInto(out, parts[0]!, nested);
  }
  return out;
}

/** Parse a package's `manifest.yml`: an object with string `name` and `version` (MANIFEST_INVALID otherwise). */
export function parseManifest(text: string | Buffer, file = 'manifest.yml'): Manifest {
  const v = parseYaml(text, file);
  if (!isObject(v)) throw new PsError('MANIFEST_INVALID', `${file}: the manifest must be a YAML mapping`, { data: { file } });
  for (const key of ['name', 'version'] as const) {
    const val = v[key];
    if (typeof val === 'number') v[key] = String(val);
    else if (typeof val !== 'string' || val === '') {
      throw new PsError('MANIFEST_INVALID', `${file}: '${key}' is missing or not a string`, { data: { file } });
    }
  }
  return v as Manifest;
}

export { isObject };
