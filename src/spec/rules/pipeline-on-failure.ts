/**
 * PipelineOnFailure (>= 3.6.0): a pipeline's global `on_failure` sets `event.kind` to `pipeline_error`
 * (SVR00008) and sets or appends `error.message` with the four `_ingest` values (SVR00009).
 */
import type { Rule } from './types.js';
import { pipelineFiles } from './util.js';
import { readPipeline } from './pipelines.js';

const REQUIRED_MESSAGE_VALUES = ['_ingest.on_failure_processor_type', '_ingest.on_failure_processor_tag', '_ingest.on_failure_message', '_ingest.pipeline'];

export const rule: Rule = {
  id: 'pipeline-on-failure',
  since: '3.6.0',
  types: ['integration'],
  codes: ['SVR00008', 'SVR00009'],
  async check(ctx) {
    for (const file of pipelineFiles(ctx)) {
      const p = await readPipeline(ctx, file);
      if (!p) continue;
      const at = `file ${JSON.stringify(ctx.filePath(file))} is invalid:`;
      const kind = p.onFailure.find((x) => x.type === 'set' && x.attrs.field === 'event.kind');
      if (!kind || kind.attrs.value !== 'pipeline_error') ctx.error('SVR00008', `${at} pipeline on_failure handler must set event.kind to "pipeline_error" (SVR00008)`, file, kind?.line);
      const msg = p.onFailure.find((x) => (x.type === 'set' || x.type === 'append') && x.attrs.field === 'error.message');
      if (!msg) ctx.error('SVR00009', `${at} pipeline on_failure handler must set error.message (SVR00009)`, file);
      else {
        const value = typeof msg.attrs.value === 'string' ? msg.attrs.value : '';
        for (const need of REQUIRED_MESSAGE_VALUES) if (!value.includes(need)) ctx.error('SVR00009', `${at} pipeline on_failure error.message must include ${JSON.stringify(need)} (SVR00009)`, file, msg.line);
      }
    }
  },
};
