/**
 * PipelineTags (>= 3.6.0): every processor (and every processor of its `on_failure`) has a unique non-empty
 * string `tag` (SVR00006); the pipeline's global `on_failure` is exempt. Duplicates are uncoded, as Go.
 */
import type { Rule } from './types.js';
import { pipelineFiles } from './util.js';
import { readPipeline, type Processor } from './pipelines.js';

export const rule: Rule = {
  id: 'pipeline-tags',
  since: '3.6.0',
  types: ['integration'],
  codes: ['SVR00006'],
  async check(ctx) {
    for (const file of pipelineFiles(ctx)) {
      const p = await readPipeline(ctx, file);
      if (!p) continue;
      const seen = new Set<string>();
      const fp = JSON.stringify(ctx.filePath(file));
      const visit = (proc: Processor): void => {
        for (const sub of proc.onFailure) visit(sub);
        const at = `file ${fp} is invalid: ${proc.type} processor at line ${proc.line}`;
        if (!('tag' in proc.attrs)) ctx.error('SVR00006', `${at} missing required tag (SVR00006)`, file, proc.line);
        else if (typeof proc.attrs.tag !== 'string') ctx.error('SVR00006', `${at} has invalid tag value (SVR00006)`, file, proc.line);
        else if (proc.attrs.tag === '') ctx.error('SVR00006', `${at} has empty tag value (SVR00006)`, file, proc.line);
        else if (seen.has(proc.attrs.tag)) ctx.error('SPEC_PIPELINE', `${at} has duplicate tag value: ${JSON.stringify(proc.attrs.tag)}`, file, proc.line);
        else seen.add(proc.attrs.tag);
      };
      for (const proc of p.processors) visit(proc);
    }
  },
};
