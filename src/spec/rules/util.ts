/** Helpers shared by the rules: typed access to parsed YAML, the package's data streams, fields and pipelines. */
import type { Ctx, ParsedDoc } from '../context.js';
import { parseYaml } from '../context.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asObjs = (v: unknown): Obj[] => asArr(v).filter(isObj);
/** A scalar as Go's yaml decodes it into a `string` field ('' for absent, maps and lists). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
/** Go's `%v` of a []string: `[a b]`. */
export const goList = (xs: readonly string[]): string => `[${xs.join(' ')}]`;

export const varsOf = (x: Obj): Obj[] => asObjs(x.vars);

/** Names of the folders under data_stream/, sorted (Go `listDataStreams`). */
export function dataStreams(ctx: Ctx): string[] {
  return ctx.children('data_stream').filter((c) => c.type === 'dir').map((c) => c.name);
}

/** Parsed data stream manifests that exist and parse, with their file. */
export async function dataStreamManifests(ctx: Ctx): Promise<{ name: string; file: string; m: Obj }[]> {
  const out: { name: string; file: string; m: Obj }[] = [];
  for (const name of dataStreams(ctx)) {
    const file = `data_stream/${name}/manifest.yml`;
    const m = await ctx.value(file);
    if (isObj(m)) out.push({ name, file, m });
  }
  return out;
}

/**
 * A file parsed as Go's linked-files filesystem reads it: `x.link` gives its target's content (folder
 * packages, checksum matching; otherwise unreadable, which the tree walk reports), any other file its own.
 * Memoised per run.
 */
async function resolvedDoc(ctx: Ctx, rel: string): Promise<ParsedDoc | null> {
  if (!rel.endsWith('.link')) return ctx.doc(rel);
  const key = `linked:${rel}`;
  if (ctx.memo.has(key)) return ctx.memo.get(key) as ParsedDoc | null;
  const l = await ctx.readLinked(rel);
  const doc = l.text !== undefined && l.checksumOk === true ? (parseYaml(l.text).doc ?? null) : null;
  ctx.memo.set(key, doc);
  return doc;
}

/** One field definition as Go's `validateFields` visits it (groups included, names dotted with the parent's). */
export interface FieldVisit {
  name: string;
  type: string;
  unit: string;
  metricType: string;
  dateFormat: string;
  dimension: boolean;
  external: string;
  runtime: unknown;
  /** Has sub-fields (a group or object with `fields`): not a leaf. */
  hasChildren: boolean;
  /** Data stream it belongs to ('' for root `fields/`, i.e. input packages). */
  dataStream: string;
  /** Transform it belongs to ('' otherwise). */
  transform: string;
  file: string;
  /** YAML path of the definition in its file. */
  path: (string | number)[];
}

/** The fields folders Go reads: every data stream's, the root one, every transform's; files directly inside. */
function fieldsFiles(ctx: Ctx): { file: string; dataStream: string; transform: string }[] {
  const out: { file: string; dataStream: string; transform: string }[] = [];
  const filesIn = (dir: string): string[] => ctx.children(dir).filter((c) => c.type === 'file').map((c) => c.path);
  for (const ds of dataStreams(ctx)) for (const file of filesIn(`data_stream/${ds}/fields`)) out.push({ file, dataStream: ds, transform: '' });
  for (const file of filesIn('fields')) out.push({ file, dataStream: '', transform: '' });
  for (const t of ctx.children('elasticsearch/transform')) {
    if (t.type !== 'dir') continue;
    for (const file of filesIn(`elasticsearch/transform/${t.name}/fields`)) out.push({ file, dataStream: '', transform: t.name });
  }
  return out;
}

/** Every field definition of the package, in Go's visiting order (memoised per validation run). */
export async function allFields(ctx: Ctx): Promise<FieldVisit[]> {
  const cached = ctx.memo.get('fields') as FieldVisit[] | undefined;
  if (cached) return cached;
  const out: FieldVisit[] = [];
  for (const ff of fieldsFiles(ctx)) {
    const v = (await resolvedDoc(ctx, ff.file))?.value;
    const walk = (list: unknown, parent: string, base: (string | number)[]): void => {
      asArr(list).forEach((f, i) => {
        if (!isObj(f)) return;
        const own = str(f.name);
        const name = parent ? `${parent}.${own}` : own;
        const children = asArr(f.fields);
        out.push({
          name,
          type: str(f.type),
          unit: str(f.unit),
          metricType: str(f.metric_type),
          dateFormat: str(f.date_format),
          dimension: f.dimension === true,
          external: str(f.external),
          runtime: f.runtime,
          hasChildren: children.length > 0,
          dataStream: ff.dataStream,
          transform: ff.transform,
          file: ff.file,
          path: [...base, i],
        });
        if (children.length) walk(children, name, [...base, i, 'fields']);
      });
    };
    walk(v, '', []);
  }
  ctx.memo.set('fields', out);
  return out;
}

/** Line of a field definition in its file, if known. */
export async function fieldLine(ctx: Ctx, f: FieldVisit): Promise<number | undefined> {
  return (await resolvedDoc(ctx, f.file))?.lineOf(f.path);
}

/** Ingest pipeline files (Go `listPipelineFiles`): the root's and every data stream's `elasticsearch/ingest_pipeline/*`. */
export function pipelineFiles(ctx: Ctx): string[] {
  const dirs = ['elasticsearch/ingest_pipeline', ...dataStreams(ctx).map((d) => `data_stream/${d}/elasticsearch/ingest_pipeline`)];
  return dirs.flatMap((d) => ctx.children(d).filter((c) => c.type === 'file').map((c) => c.path));
}

/** Kibana object files `kibana/<type>/<name>.json` (Go glob `kibana/*\/*.json`). */
export function kibanaObjectFiles(ctx: Ctx, type = '*'): string[] {
  const types = type === '*' ? ctx.children('kibana').filter((c) => c.type === 'dir').map((c) => c.name) : [type];
  return types.flatMap((t) => ctx.children(`kibana/${t}`).filter((c) => c.type === 'file' && c.name.endsWith('.json')).map((c) => c.path));
}

/** `conditions.<key>` read as Go does: the dotted key first, then the nested one. */
export function condition(m: Obj, dotted: string): unknown {
  const c = m.conditions;
  if (!isObj(c)) return undefined;
  if (dotted in c) return c[dotted];
  let cur: unknown = c;
  for (const p of dotted.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}
