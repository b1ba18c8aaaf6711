/**
 * JSE00001 (>= 3.1.0; a rule of the ingest pipeline schema in package-spec, emulated here until the schema
 * engine produces it): a pipeline that renames `message` to `event.original` guards the rename with
 * `if: ctx.event?.original == null` and has a `remove` of `message` with `ignore_missing: true` and
 * `if: ctx.event?.original != null`. Messages are package-spec's rewritten schema errors.
 */
import type { Rule } from './types.js';
import { asArr, isObj, pipelineFiles, type Obj } from './util.js';
import { readPipeline } from './pipelines.js';

const RENAME_IF = 'ctx.event?.original == null';
const REMOVE_IF = 'ctx.event?.original != null';
const TAIL = 'rename "message" to "event.original" processor requires';

export const rule: Rule = {
  id: 'jse00001-rename-message',
  since: '3.1.0',
  types: ['integration'],
  codes: ['JSE00001'],
  async check(ctx) {
    for (const file of pipelineFiles(ctx)) {
      const p = await readPipeline(ctx, file);
      if (!p) continue;
      const procs = p.processors;
      const body = (i: number, t: string): Obj | undefined => (procs[i]!.type === t ? procs[i]!.attrs : undefined);
      const triggered = procs.some((_, i) => body(i, 'rename')?.field === 'message' && body(i, 'rename')?.target_field === 'event.original');
      if (!triggered) continue;
      const err = (msg: string, line?: number): void => ctx.fileError('JSE00001', file, `${msg} (JSE00001)`, line);
      const renames = procs.map((_, i) => i).filter((i) => body(i, 'rename'));
      if (!renames.some((i) => body(i, 'rename')!.if === RENAME_IF)) {
        const i = renames.find((j) => body(j, 'rename')!.if === undefined);
        if (i !== undefined) err(`field processors.${i}.rename: ${TAIL} if: '${RENAME_IF}'`, procs[i]!.line);
        else {
          const j = renames[0]!;
          ctx.fileError('SPEC_SCHEMA', file, `field processors.${j}.rename.if: processors.${j}.rename.if does not match: ${JSON.stringify(RENAME_IF)}`, procs[j]!.line);
        }
      }
      const removes = procs.map((_, i) => i).filter((i) => body(i, 'remove'));
      const fieldOk = (f: unknown): boolean => f === 'message' || (Array.isArray(f) && f.length > 0 && f.includes('message'));
      const removeOk = (r: Obj): boolean => fieldOk(r.field) && r.ignore_missing === true && r.if === REMOVE_IF;
      if (removes.some((i) => removeOk(body(i, 'remove')!))) continue;
      if (!removes.length) {
        err(`field processors.0: ${TAIL} remove "message" processor`, procs[0]?.line);
        continue;
      }
      const i = removes[0]!;
      const r = body(i, 'remove')!;
      const line = procs[i]!.line;
      if (r.field === undefined || r.ignore_missing === undefined || r.if === undefined) err(`field processors.${i}.remove: ${TAIL} remove "message" processor with if: '${REMOVE_IF}'`, line);
      if (r.field !== undefined && !fieldOk(r.field)) {
        const idx = Array.isArray(r.field) ? '' : '';
        err(`field processors.${i}.remove.field${idx}: ${TAIL} remove "message" processor`, line);
      }
      if (r.ignore_missing !== undefined && r.ignore_missing !== true) ctx.fileError('SPEC_SCHEMA', file, `field processors.${i}.remove.ignore_missing: processors.${i}.remove.ignore_missing does not match: true`, line);
      if (r.if !== undefined && r.if !== REMOVE_IF) err(`field processors.${i}.remove.if: ${TAIL} remove "message" processor with if: '${REMOVE_IF}'`, line);
      void asArr;
      void isObj;
    }
  },
};
