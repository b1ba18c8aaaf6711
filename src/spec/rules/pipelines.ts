/** Ingest pipelines as Go's semantic rules read them: YAML (JSON is YAML), processors with their line. */
import type { Ctx } from '../context.js';
import { parseYaml, type ParsedDoc } from '../context.js';
import { asArr, isObj, type Obj } from './util.js';

export interface Processor {
  type: string;
  attrs: Obj;
  onFailure: Processor[];
  line: number;
}

export interface Pipeline {
  file: string;
  processors: Processor[];
  onFailure: Processor[];
}

function processors(doc: ParsedDoc, v: unknown, path: (string | number)[]): Processor[] {
  const out: Processor[] = [];
  asArr(v).forEach((p, i) => {
    if (!isObj(p)) return;
    const type = Object.keys(p)[0];
    if (type === undefined) return;
    const body = isObj(p[type]) ? (p[type] as Obj) : {};
    const { on_failure: onf, ...attrs } = body;
    out.push({ type, attrs, onFailure: processors(doc, onf, [...path, i, type, 'on_failure']), line: doc.lineOf([...path, i]) ?? 0 });
  });
  return out;
}

async function linkedText(ctx: Ctx, file: string): Promise<string | undefined> {
  const l = await ctx.readLinked(file);
  return l.checksumOk === true ? l.text : undefined;
}

/** A pipeline file parsed (a `.link` through its target), or undefined when it does not parse (the schema step reports that). Memoised. */
export async function readPipeline(ctx: Ctx, file: string): Promise<Pipeline | undefined> {
  const key = `pipeline:${file}`;
  if (ctx.memo.has(key)) return ctx.memo.get(key) as Pipeline | undefined;
  const text = file.endsWith('.link') ? await linkedText(ctx, file) : await ctx.text(file);
  let res: Pipeline | undefined;
  if (text !== undefined) {
    const p = parseYaml(text);
    if (p.doc) {
      const v = p.doc.value;
      const o = isObj(v) ? v : {};
      res = { file, processors: processors(p.doc, o.processors, ['processors']), onFailure: processors(p.doc, o.on_failure, ['on_failure']) };
    }
  }
  ctx.memo.set(key, res);
  return res;
}
