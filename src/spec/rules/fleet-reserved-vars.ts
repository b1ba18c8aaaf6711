/**
 * FleetReservedVars (>= 3.6.1): the vars Fleet reserves are declared only at stream level (data stream
 * streams; an input package's policy templates) and as Fleet expects: `use_apm` a bool on an otelcol input of
 * a traces (or dynamic signal types) stream, `data_stream.dataset` a text.
 */
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { asObjs, dataStreamManifests, str, varsOf, type Obj } from './util.js';

interface Stream {
  input: string;
  dsType: string;
  dynamic: boolean;
}

function check(ctx: Ctx, file: string, where: string, vars: Obj[], stream: Stream | undefined): void {
  const err = (msg: string): void => ctx.fileError('SPEC_VARS', file, `${where}: ${msg}`);
  for (const v of vars) {
    const name = str(v.name);
    if (name !== 'use_apm' && name !== 'data_stream.dataset') continue;
    if (!stream) {
      err(`variable "${name}" must only be declared at stream level`);
      continue;
    }
    const type = str(v.type);
    if (name === 'use_apm') {
      if (stream.input !== 'otelcol') err(`variable "use_apm" must be "otelcol" input, got "${stream.input}"`);
      if (type !== 'bool') err(`variable "use_apm" must be type "bool", got "${type}"`);
      if (stream.dsType !== 'traces' && !stream.dynamic) err(`variable "use_apm" must be "traces" data stream type or "dynamic_signal_types: true", got "${stream.dsType}" data stream type`);
    } else if (type !== 'text') err(`variable "data_stream.dataset" must be type "text", got "${type}"`);
  }
}

export const rule: Rule = {
  id: 'fleet-reserved-vars',
  since: '3.6.1',
  types: ['integration', 'input'],
  async check(ctx) {
    const m = ctx.manifest;
    check(ctx, 'manifest.yml', 'package root vars', varsOf(m), undefined);
    if (ctx.type === 'input') {
      for (const pt of asObjs(m.policy_templates)) {
        check(ctx, 'manifest.yml', `policy template "${str(pt.name)}"`, varsOf(pt), { input: str(pt.input), dsType: str(pt.type), dynamic: pt.dynamic_signal_types === true });
      }
      return;
    }
    for (const pt of asObjs(m.policy_templates)) {
      check(ctx, 'manifest.yml', `policy template "${str(pt.name)}" vars`, varsOf(pt), undefined);
      for (const inp of asObjs(pt.inputs)) check(ctx, 'manifest.yml', `policy template "${str(pt.name)}" input "${str(inp.type)}" vars`, varsOf(inp), undefined);
    }
    for (const ds of await dataStreamManifests(ctx)) {
      for (const s of asObjs(ds.m.streams)) {
        check(ctx, ds.file, `stream with input type "${str(s.input)}"`, varsOf(s), { input: str(s.input), dsType: str(ds.m.type), dynamic: s.dynamic_signal_types === true });
      }
    }
  },
};
