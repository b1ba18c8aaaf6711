/** CapabilitiesRequired (>= 2.10.0): security rule assets require `security` in `conditions.elastic.capabilities`. */
import type { Rule } from './types.js';
import { condition, kibanaObjectFiles } from './util.js';

export const rule: Rule = {
  id: 'capabilities-required',
  since: '2.10.0',
  check(ctx) {
    if (!kibanaObjectFiles(ctx, 'security_rule').length) return;
    const caps = condition(ctx.manifest, 'elastic.capabilities');
    if (caps !== undefined && (!Array.isArray(caps) || caps.some((c) => typeof c !== 'string'))) {
      ctx.error('SPEC_KIBANA', "can't convert slice entries: conversion error", 'manifest.yml');
      return;
    }
    if (!(Array.isArray(caps) && caps.includes('security'))) ctx.fileError('SPEC_KIBANA', 'manifest.yml', 'found security rule assets in package but security capability is missing');
  },
};
