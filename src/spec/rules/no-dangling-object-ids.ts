/** KibanaNoDanglingObjectIDs (>= 3.0.0): every saved-object reference (but index-pattern) names an object of the package (SVR00003). */
import type { Rule } from './types.js';
import { isObj, kibanaObjectFiles } from './util.js';

/** Reference types Go exempts: index patterns are installed by Fleet itself. */
const EXEMPT_REFERENCE_TYPES = ['index-pattern'];

export const rule: Rule = {
  id: 'no-dangling-object-ids',
  since: '3.0.0',
  codes: ['SVR00003'],
  async check(ctx) {
    const installed = new Set<string>();
    const refs: { id: string; type: string; file: string }[] = [];
    for (const file of kibanaObjectFiles(ctx)) {
      const o = await ctx.value(file);
      if (!isObj(o)) continue;
      if (typeof o.id !== 'string' || typeof o.type !== 'string') {
        const what = !('id' in o) ? 'unable to get ID field : unknown key id' : typeof o.id !== 'string' ? 'expect value ID to be a string' : !('type' in o) ? 'unable to get Type field : unknown key type' : 'expect value Type to be a string';
        ctx.error('SPEC_KIBANA', `unable to create reference from file [${ctx.filePath(file)}]: ${what}`, file);
        installed.add('\u0000');
      } else installed.add(`${o.type}\u0000${o.id}`);
      if (o.references === undefined) continue;
      if (!Array.isArray(o.references) || o.references.some((r) => !isObj(r))) {
        ctx.error('SPEC_KIBANA', `unable to create referenced objects from file [${ctx.filePath(file)}]: error getting references: unable to convert references: conversion error`, file);
        continue;
      }
      for (const r of o.references as Record<string, unknown>[]) {
        const type = String(r.type ?? '');
        if (EXEMPT_REFERENCE_TYPES.includes(type)) continue;
        refs.push({ id: String(r.id ?? ''), type, file });
      }
    }
    for (const r of refs) {
      if (!installed.has(`${r.type}\u0000${r.id}`)) ctx.fileError('SVR00003', r.file, `dangling reference found: ${r.id} (${r.type}) (SVR00003)`);
    }
  },
};
