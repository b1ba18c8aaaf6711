/**
 * Elastic's "distribution" config format (the YAML read by `cmd/distribution` of elastic/package-registry),
 * unchanged: `address`, `matrix`, `queries`, `packages`, `actions`. A config that works with Elastic's tool
 * works with `package-storage mirror`.
 *
 * The `/search` URLs are exactly the ones Elastic's tool sends:
 * - one per matrix row (or one empty row when there is no matrix) × query, in that order; no query = no URL;
 * - the parameters are the union of the row's and the query's, the query's values overriding the row's;
 * - only the known keys (`package`, `all`, `prerelease`, `type`, `kibana.version`, `spec.min`, `spec.max`);
 *   empty strings and false booleans are left out, true booleans are `true`;
 * - keys sorted and escaped as Go's `url.Values.Encode` does; no `?` when nothing is left;
 * - the base is `<address>/search` (address default `https://epr.elastic.co`, its own path kept).
 */
import { promises as fsp } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PsError } from '../errors.js';

const DEFAULT_ADDRESS = 'https://epr.elastic.co';

/** The query keys Elastic's tool knows, with their kind. Any other key is ignored (reported as a warning). */
const QUERY_KEYS = {
  package: 'string',
  all: 'bool',
  prerelease: 'bool',
  type: 'string',
  'kibana.version': 'string',
  'spec.min': 'string',
  'spec.max': 'string',
} as const;

type QueryKey = keyof typeof QUERY_KEYS;
/** A parsed query map: strings as written, booleans parsed. Absent = not set. */
export type DistributionQuery = { [K in QueryKey]?: (typeof QUERY_KEYS)[K] extends 'bool' ? boolean : string };

interface PinnedPackage {
  name: string;
  version: string;
}

type DistributionAction = { kind: 'print' } | { kind: 'download'; destination: string; address?: string };

export interface DistributionConfig {
  /** As written ('' = not set: the default address applies). */
  address: string;
  matrix: DistributionQuery[];
  queries: DistributionQuery[];
  packages: PinnedPackage[];
  actions: DistributionAction[];
  /** Keys that Elastic's tool ignores too (typos are worth seeing). */
  warnings: string[];
}

function invalid(where: string, detail: string): PsError {
  return new PsError('CONFIG_INVALID', `${where}: ${detail}`);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** YAML 1.1 and 1.2 booleans, as Go's yaml.v3 accepts them for a bool field. */
function parseBool(raw: string, where: string): boolean {
  if (['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y'].includes(raw)) return true;
  if (['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N', ''].includes(raw)) return false;
  throw invalid(where, `'${raw}' is not a boolean`);
}

/** Every scalar is read as the text written (failsafe schema), so `spec.max: 3.0` stays `3.0` as in Go. */
function scalar(v: unknown, where: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') throw invalid(where, 'must be a scalar');
  return v;
}

function parseQuery(raw: unknown, where: string, warnings: string[]): DistributionQuery {
  if (raw === null || raw === undefined || raw === '') return {};
  if (!isMap(raw)) throw invalid(where, 'must be a map of query parameters');
  const q: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(raw)) {
    const kind = (QUERY_KEYS as Record<string, string>)[k];
    if (!kind) {
      warnings.push(`${where}: unknown key '${k}' ignored (known: ${Object.keys(QUERY_KEYS).join(', ')})`);
      continue;
    }
    const s = scalar(v, `${where}.${k}`);
    q[k] = kind === 'bool' ? parseBool(s, `${where}.${k}`) : s;
  }
  return q as DistributionQuery;
}

function list(raw: unknown, where: string): unknown[] {
  if (raw === null || raw === undefined || raw === '') return [];
  if (!Array.isArray(raw)) throw invalid(where, 'must be a list');
  return raw;
}

/** Parse the YAML text of a distribution config. Throws CONFIG_INVALID with the place of the problem. */
export function parseDistributionConfig(text: string, source = 'config'): DistributionConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { schema: 'failsafe', uniqueKeys: true });
  } catch (e) {
    throw invalid(source, `not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined || doc === '') doc = {};
  if (!isMap(doc)) throw invalid(source, 'must be a YAML map (address, matrix, queries, packages, actions)');
  const warnings: string[] = [];
  for (const k of Object.keys(doc)) if (!['address', 'matrix', 'queries', 'packages', 'actions'].includes(k)) warnings.push(`${source}: unknown key '${k}' ignored`);
  const address = scalar(doc.address, `${source}.address`);
  if (address !== '') checkAddress(address, `${source}.address`);
  const matrix = list(doc.matrix, `${source}.matrix`).map((q, i) => parseQuery(q, `${source}.matrix[${i}]`, warnings));
  const queries = list(doc.queries, `${source}.queries`).map((q, i) => parseQuery(q, `${source}.queries[${i}]`, warnings));
  const packages = list(doc.packages, `${source}.packages`).map((p, i) => {
    const where = `${source}.packages[${i}]`;
    if (!isMap(p)) throw invalid(where, 'must be a map with name and version');
    const name = scalar(p.name, `${where}.name`);
    const version = scalar(p.version, `${where}.version`);
    if (!/^[a-z0-9_]+$/.test(name)) throw invalid(`${where}.name`, `'${name}' is not a package name`);
    if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version)) throw invalid(`${where}.version`, `'${version}' is not a package version`);
    return { name, version };
  });
  const actions = list(doc.actions, `${source}.actions`).map((a, i): DistributionAction => {
    const where = `${source}.actions[${i}]`;
    if (!isMap(a) || Object.keys(a).length !== 1) throw invalid(where, 'must be a map with exactly one action (print or download)');
    const [kind, body] = Object.entries(a)[0]!;
    if (kind === 'print') return { kind: 'print' };
    if (kind === 'download') {
      if (!isMap(body)) throw invalid(`${where}.download`, 'must be a map with a destination');
      const destination = scalar(body.destination, `${where}.download.destination`);
      if (destination === '') throw invalid(`${where}.download.destination`, 'is required');
      const addr = scalar(body.address, `${where}.download.address`);
      if (addr !== '') checkAddress(addr, `${where}.download.address`);
      return addr === '' ? { kind: 'download', destination } : { kind: 'download', destination, address: addr };
    }
    throw invalid(where, `unknown action '${kind}' (print or download)`);
  });
  return { address, matrix, queries, packages, actions, warnings };
}

export async function readDistributionConfig(file: string): Promise<DistributionConfig> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new PsError('CONFIG_INVALID', `cannot read ${file}: ${(e as Error).message}`);
  }
  return parseDistributionConfig(text, file);
}

function checkAddress(a: string, where: string): void {
  let u: URL;
  try {
    u = new URL(a);
  } catch {
    throw invalid(where, `'${a}' is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(where, `'${a}' must be http:// or https://`);
}

/** Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX` (upper case). */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The parameters of one query map as Elastic's tool sends them: set strings and true booleans. */
export function queryValues(q: DistributionQuery): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of Object.keys(QUERY_KEYS) as QueryKey[]) {
    const v = q[k];
    if (v === undefined || v === false || v === '') continue;
    m.set(k, v === true ? 'true' : v);
  }
  return m;
}

/** Go's `url.Values.Encode` of single values: sorted by key, `k=v` joined with `&`. */
export function encodeValues(m: Map<string, string>): string {
  return [...m.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${goQueryEscape(k)}=${goQueryEscape(m.get(k)!)}`)
    .join('&');
}

/** `url.JoinPath(base, ...elems)`: the base's path with the elements appended, cleaned. */
export function joinUrl(base: string, ...elems: string[]): URL {
  const u = new URL(base);
  const parts = [u.pathname, ...elems].join('/').split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  const last = elems.length ? elems[elems.length - 1]! : u.pathname;
  u.pathname = `/${out.join('/')}${last.endsWith('/') && out.length ? '/' : ''}`;
  u.search = '';
  u.hash = '';
  return u;
}

/** The address the config's requests go to. */
export function configAddress(c: Pick<DistributionConfig, 'address'>): string {
  return c.address === '' ? DEFAULT_ADDRESS : c.address;
}

/** The `/search` URLs, in the order Elastic's tool builds them (matrix row outer, query inner). */
export function searchUrls(c: Pick<DistributionConfig, 'address' | 'matrix' | 'queries'>): string[] {
  const base = joinUrl(configAddress(c), 'search');
  const rows = c.matrix.length ? c.matrix : [{}];
  const out: string[] = [];
  for (const row of rows) {
    for (const q of c.queries) {
      const values = queryValues(row);
      for (const [k, v] of queryValues(q)) values.set(k, v);
      // Go's Build drops false booleans of the query too, so a query's `prerelease: false` cannot unset a row's true
      const encoded = encodeValues(values);
      out.push(`${base.toString()}${encoded ? `?${encoded}` : ''}`);
    }
  }
  return out;
}

/** Where a pinned version's zip and signature are (relative to the address), as Elastic's tool builds them. */
export function pinnedPaths(name: string, version: string): { download: string; signature: string } {
  const download = `epr/${name}/${name}-${version}.zip`;
  return { download, signature: `${download}.sig` };
}
