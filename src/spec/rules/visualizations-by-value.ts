/**
 * VisualizationsUsedByValue: dashboards do not reference lens / map / visualization objects (SVR00004).
 * Before 3.0.0 it is only a warning (Go `WarnOn`), unless warnings are errors.
 */
import type { Rule } from './types.js';
import { asArr, isObj, kibanaObjectFiles } from './util.js';

export const rule: Rule = {
  id: 'visualizations-by-value',
  types: ['integration', 'content'],
  codes: ['SVR00004'],
  warnBefore: '3.0.0',
  async check(ctx) {
    for (const file of kibanaObjectFiles(ctx, 'dashboard')) {
      const d = await ctx.value(file);
      if (!isObj(d) || d.references === undefined) continue;
      if (!Array.isArray(d.references)) {
        ctx.error('SPEC_KIBANA', `error getting references in file: ${ctx.filePath(file)}: unable to convert references: conversion error to array`, file);
        continue;
      }
      const refs = asArr(d.references).filter(isObj).filter((r) => r.type === 'lens' || r.type === 'map' || r.type === 'visualization');
      if (!refs.length) continue;
      const list = refs.map((r) => `${String(r.id)} (${String(r.type)})`).join(', ');
      ctx.error('SVR00004', `references found in dashboard ${file}: ${list} (SVR00004)`, file);
    }
  },
};
