/** StaticHandlebarsFiles: every `.hbs` of `agent/input` and of each data stream's `agent/stream` parses; `.link` files are followed. */
import Handlebars from 'handlebars';
import nodePath from 'node:path';
import type { Ctx } from '../context.js';
import type { Rule } from './types.js';
import { dataStreams } from './util.js';

/** Handlebars.js's parse error in the words of Go's raymond parser (`Parse error on line 43:\nExpecting OpenEndBlock, got: 'EOF'`). */
function hbsMessage(e: Error): string {
  const lines = e.message.split('\n');
  const m = /Expecting (.+?), got '([^']*)'/.exec(e.message);
  if (!m) return lines[0]!;
  const tokens = m[1]!
    .split(',')
    .map((t) => t.trim().replace(/^'|'$/g, ''))
    .map((t) => (t === 'ID' ? t : t.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('').replace('Endblock', 'EndBlock')));
  const expecting = tokens.includes('OpenEndBlock') ? 'OpenEndBlock' : tokens[0];
  const where = /^Parse error on line \d+:$/.test(lines[0]!) ? `${lines[0]}\n` : '';
  return `${where}Expecting ${expecting}, got: '${m[2]}'`;
}

function parseError(text: string): string | undefined {
  try {
    Handlebars.parse(text);
    return undefined;
  } catch (e) {
    return hbsMessage(e as Error);
  }
}

async function checkDir(ctx: Ctx, dir: string): Promise<void> {
  for (const e of ctx.children(dir)) {
    if (e.type !== 'file') continue;
    if (nodePath.posix.extname(e.name) === '.hbs') {
      const err = parseError((await ctx.text(e.path)) ?? '');
      if (err) ctx.error('SPEC_TEMPLATE', `invalid handlebars template: error validating ${e.path}: ${err}`, e.path);
    } else if (nodePath.posix.extname(e.name) === '.link') {
      const l = await ctx.readLinked(e.path);
      if (l.text === undefined) {
        // A zip holds no links (the structure step reports them); elsewhere an unreadable target is an error.
        if (ctx.src.kind === 'folder') ctx.error('SPEC_TEMPLATE', `error reading linked file ${e.path}: ${l.error ?? 'unreadable'}`, e.path);
        continue;
      }
      const err = parseError(l.text);
      if (err) ctx.error('SPEC_TEMPLATE', `invalid handlebars template: error validating ${l.target}: ${err}`, e.path);
    }
  }
}

export const rule: Rule = {
  id: 'static-handlebars',
  types: ['integration', 'input'],
  async check(ctx) {
    await checkDir(ctx, 'agent/input');
    for (const ds of dataStreams(ctx)) await checkDir(ctx, `data_stream/${ds}/agent/stream`);
  },
};
