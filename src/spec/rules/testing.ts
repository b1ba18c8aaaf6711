/**
 * Test helper for the rule modules: an in-memory package (path → text) validated by ONE rule through the real
 * runner (same version/type/mode filter, same warning handling).
 */
import { stringify } from 'yaml';
import type { PackageSource, PackageEntry } from '../../package/source.js';
import { Ctx, type Mode, type ValidationIssue } from '../context.js';
import { SpecVersion } from '../versions.js';
import { RULES, runSemanticRules, ruleApplies } from './index.js';
import type { Rule } from './types.js';

export type Files = Record<string, string | object>;

/** A PackageSource over in-memory files (objects are written as YAML, or JSON for `.json` paths). */
export function memSource(files: Files, origin = '/pkg'): PackageSource {
  const text = new Map<string, string>();
  for (const [p, v] of Object.entries(files)) text.set(p, typeof v === 'string' ? v : p.endsWith('.json') ? JSON.stringify(v, null, 2) : stringify(v));
  const dirs = new Set<string>();
  for (const p of text.keys()) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: PackageEntry[] = [
    ...[...dirs].map((d) => ({ path: d, type: 'dir' as const, size: 0 })),
    ...[...text].map(([p, t]) => ({ path: p, type: 'file' as const, size: Buffer.byteLength(t) })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    origin,
    rootName: 'pkg',
    kind: 'zip',
    entries: () => entries,
    has: (p) => text.has(p),
    readFile: async (p) => {
      const t = text.get(p);
      if (t === undefined) throw new Error(`no ${p}`);
      return Buffer.from(t);
    },
    openStream: async () => {
      throw new Error('not used');
    },
    close: async () => {},
  };
}

export interface RunOpts {
  version?: string;
  type?: string;
  mode?: Mode;
  warningsAsErrors?: boolean;
  /** Manifest fields merged over a minimal manifest. */
  manifest?: Record<string, unknown>;
}

export interface RunResult {
  /** False when the runner's filter leaves the rule out for this version/type/mode. */
  ran: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  messages: string[];
}

/** Validate `files` with `rule` alone. `manifest.yml` is generated from `opts` unless given in `files`. */
export async function runRule(rule: Rule, files: Files, opts: RunOpts = {}): Promise<RunResult> {
  const version = opts.version ?? '3.6.0';
  const type = opts.type ?? 'integration';
  const manifest = { format_version: version, name: 'pkg', title: 'Pkg', version: '1.0.0', type, ...opts.manifest };
  const all: Files = { 'manifest.yml': manifest, ...files };
  const ctx = new Ctx(memSource(all));
  ctx.version = new SpecVersion(version);
  ctx.type = type;
  ctx.mode = opts.mode ?? 'legacy-publish';
  ctx.warningsAsErrors = opts.warningsAsErrors ?? false;
  ctx.manifest = ((await ctx.value('manifest.yml')) ?? {}) as Record<string, unknown>;
  const ran = ruleApplies(rule, version, type, ctx.mode);
  await runSemanticRules(ctx, { skip: RULES.filter((r) => r !== rule).map((r) => r.id) });
  return { ran, errors: ctx.errors, warnings: ctx.warnings, messages: ctx.errors.map((e) => e.message) };
}

/** A version just below another (`3.6.0` → `3.5.99`), to probe a gate from below. */
export function justBefore(v: string): string {
  const [a, b, c] = v.split('.').map(Number) as [number, number, number];
  if (c > 0) return `${a}.${b}.${c - 1}`;
  if (b > 0) return `${a}.${b - 1}.99`;
  return `${a - 1}.99.99`;
}

/** Assert-friendly: does some message contain the substring? */
export const has = (r: RunResult, s: string): boolean => r.messages.some((m) => m.includes(s));

/** The four fields every data stream declares (RequiredFields). */
export const BASE_FIELDS = [
  { name: 'data_stream.type', type: 'constant_keyword' },
  { name: 'data_stream.dataset', type: 'constant_keyword' },
  { name: 'data_stream.namespace', type: 'constant_keyword' },
  { name: '@timestamp', type: 'date' },
];
