/**
 * Folder specs (Elastic's `spec.yml` trees), hand-encoded per package type and format_version, and the
 * tree walk that checks every file against them: allowed names, required items, media types (YAML with
 * leading `---`, JSON), size limits and the content schema of each file.
 */
import type { Ctx } from './context.js';
import { expandDotted } from './context.js';
import { compile, validateSchema } from './schema.js';
import type { SpecVersion } from './versions.js';
import { manifestSchema } from './schemas/manifest.js';
import {
  changelogSchema, dataStreamManifestSchema, fieldsSchema, tagsSchemaFull, lifecycleSchema, routingRulesSchema, validationYmlSchema,
  systemTestConfigSchema, policyTestConfigSchema, devTestConfigSchema, customAgentSchema, esqlViewSchema, buildYmlSchema, benchmarkSystemSchema, ingestPipelineSchema,
} from './schemas/files.js';

export type SchemaKey =
  | 'manifest' | 'changelog' | 'ds_manifest' | 'fields' | 'tags' | 'lifecycle' | 'routing_rules' | 'validation'
  | 'system_test' | 'policy_test' | 'dev_test_config' | 'custom_agent' | 'esql_view' | 'build_yml' | 'benchmark_system' | 'ingest_pipeline';

export interface Item {
  type: 'file' | 'folder';
  name?: string;
  /** Unanchored regex source; `{PACKAGE_NAME}` is replaced by the manifest name. */
  pattern?: string;
  forbidden?: RegExp[];
  required?: boolean;
  contents?: Item[];
  additional?: boolean;
  media?: 'yaml' | 'json' | 'markdown' | 'text';
  dashes?: boolean;
  schema?: SchemaKey;
  mode?: 'source' | 'build';
  allowLink?: boolean;
  /** Per-file size limit in bytes. */
  sizeLimit?: number;
  /** Max number of entries below this folder (recursive). */
  totalContentsLimit?: number;
  /** Max total size of the files below this folder. */
  totalSizeLimit?: number;
}

/** Format a byte count like package-spec's FileSize (`150MB`, `3MB`, `1024B`). */
export function fmtSize(n: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GB'], [1024 ** 2, 'MB'], [1024, 'KB']];
  for (const [u, name] of units) if (n >= u && n % u === 0) return `${n / u}${name}`;
  return `${n}B`;
}

interface Limits {
  file: number;
  yaml: number;
}
const limitsByType: Record<string, Limits & { total: number; entries: number }> = {
  integration: { file: 150 * 1024 * 1024, yaml: 5 * 1024 * 1024, total: 250 * 1024 * 1024, entries: 65535 },
  input: { file: 30 * 1024 * 1024, yaml: 5 * 1024 * 1024, total: 50 * 1024 * 1024, entries: 65535 },
  content: { file: 150 * 1024 * 1024, yaml: 5 * 1024 * 1024, total: 250 * 1024 * 1024, entries: 65535 },
};

const MB = 1024 * 1024;

function f(nameOrPattern: string, opts: Partial<Item> = {}, isPattern = false): Item {
  return { type: 'file', ...(isPattern ? { pattern: nameOrPattern } : { name: nameOrPattern }), allowLink: true, ...opts };
}
function d(nameOrPattern: string, contents: Item[], opts: Partial<Item> = {}, isPattern = false): Item {
  return { type: 'folder', ...(isPattern ? { pattern: nameOrPattern } : { name: nameOrPattern }), contents, ...opts };
}
const anyFolder = (name: string, opts: Partial<Item> = {}): Item => d(name, [], { additional: true, ...opts });

function docsFolder(): Item {
  return d('docs', [f('README.md', { required: true, media: 'markdown' }), f('^.+\\.md', { media: 'markdown' }, true), d('knowledge_base', [f('^.+\\.md', { media: 'markdown' }, true)])], { required: true });
}

function devFolder(type: string): Item {
  const testFolder = d('test', [
    f('config.yml', { media: 'yaml', schema: 'dev_test_config' }),
    d('policy', [f('^.+\\.yml$', { media: 'yaml', schema: 'policy_test' }, true)], { additional: true }),
    d('system', [f('^test-.+-config\\.yml$', { media: 'yaml', schema: 'system_test' }, true)], { additional: true }),
  ], { additional: true });
  if (type === 'content') {
    return d('_dev', [anyFolder('build'), anyFolder('shared'), anyFolder('scripts'), anyFolder('benchmark'), anyFolder('test')], { mode: 'source' });
  }
  return d('_dev', [
    d('build', [f('build.yml', { media: 'yaml', schema: 'build_yml' })], { additional: true }),
    d('deploy', [d('agent', [f('custom-agent.yml', { media: 'yaml', schema: 'custom_agent' })], { additional: true })], { additional: true }),
    testFolder,
    d('benchmark', [d('system', [f('^.+\\.yml$', { media: 'yaml', schema: 'benchmark_system' }, true)], { additional: true })], { additional: true }),
  ], { mode: 'source', additional: true });
}

function dataStreamDev(): Item {
  return d('_dev', [
    d('test', [
      d('system', [f('^test-.+-config\\.yml$', { media: 'yaml', schema: 'system_test' }, true)], { additional: true }),
      d('policy', [f('^.+\\.yml$', { media: 'yaml', schema: 'policy_test' }, true)], { additional: true }),
    ], { additional: true }),
    d('deploy', [d('agent', [f('custom-agent.yml', { media: 'yaml', schema: 'custom_agent' })], { additional: true })], { additional: true }),
  ], { mode: 'source', additional: true });
}

function pipelineFile(v: SpecVersion, ext: 'yml' | 'json'): Item {
  const schema: Partial<Item> = v.gte('3.0.0') ? { schema: 'ingest_pipeline' } : {};
  return ext === 'yml'
    ? f('^.+\\.yml$', { media: 'yaml', dashes: true, sizeLimit: 3 * MB, ...schema }, true)
    : f('^.+\\.json$', { media: 'json', sizeLimit: 3 * MB, ...schema }, true);
}

function dataStreamFolder(v: SpecVersion): Item {
  const contents: Item[] = [
    f('manifest.yml', { required: true, media: 'yaml', schema: 'ds_manifest' }),
    d('fields', [f('^.+\\.yml$', { media: 'yaml', schema: 'fields' }, true)], { required: true }),
    d('agent', [d('stream', [f('^.+\\.yml\\.hbs$', {}, true)], { additional: true })], { additional: true }),
    d('elasticsearch', [
      d('ilm', [f('^.+\\.json$', { media: 'json' }, true)], { additional: true }),
      d('ingest_pipeline', [pipelineFile(v, 'yml'), pipelineFile(v, 'json')], { additional: false }),
    ], { additional: true }),
    f('^sample_event.*\\.json$', { media: 'json' }, true),
    dataStreamDev(),
  ];
  if (v.gte('2.9.0')) contents.push(f('routing_rules.yml', { media: 'yaml', schema: 'routing_rules' }));
  if (v.gte('2.10.0')) contents.push(f('lifecycle.yml', { media: 'yaml', schema: 'lifecycle' }));
  return d('^([a-z0-9]{2}|[a-z0-9][a-z0-9_]+[a-z0-9])$', contents, { forbidden: [/^integration$/] }, true);
}

const PKG_JSON = '^{PACKAGE_NAME}-.+\\.json$';
const ECS_FORBIDDEN = [/^.+-(ecs|ECS)\.json$/];

function kibanaFolder(v: SpecVersion, type: string): Item {
  const named = (n: string): Item => d(n, [f(PKG_JSON, { media: 'json', forbidden: ECS_FORBIDDEN }, true)]);
  const free = (n: string): Item => d(n, [f('^.+\\.json$', { media: 'json' }, true)]);
  const contents: Item[] = [];
  if (type === 'content') {
    contents.push(named('dashboard'), free('search'), free('security_rule'), free('security_ai_prompt'), free('alerting_rule_template'), free('slo_template'), free('ml_module'), free('tag'));
  } else {
    contents.push(named('dashboard'), named('visualization'), named('search'), named('map'), named('lens'), named('ml_module'), named('tag'), named('osquery_pack_asset'), named('osquery_saved_query'));
    contents.push(free('index_pattern'), free('security_rule'), free('csp_rule_template'), free('security_ai_prompt'));
    if (v.gte('3.4.0')) contents.push(free('alerting_rule_template'), free('slo_template'));
  }
  if (v.gte('2.10.0')) contents.push(f('tags.yml', { media: 'yaml', schema: 'tags' }));
  return d('kibana', contents);
}

function elasticsearchFolder(v: SpecVersion): Item {
  const c: Item[] = [
    d('ml_model', [f('^{PACKAGE_NAME}_.+\\.json$', { media: 'json' }, true)]),
    d('ingest_pipeline', [pipelineFile(v, 'yml'), pipelineFile(v, 'json')]),
    d('transform', [d('^[a-z0-9_]+$', [], { additional: true }, true)]),
    anyFolder('ilm'),
  ];
  if (v.gte('3.6.0')) c.push(d('esql_view', [f('^.+\\.yml$', { media: 'yaml', schema: 'esql_view' }, true)]));
  return d('elasticsearch', c);
}

/** The root folder spec for a package type and version. */
export function rootSpec(type: string, v: SpecVersion): Item | undefined {
  const common: Item[] = [
    f('manifest.yml', { required: true, media: 'yaml', schema: 'manifest', sizeLimit: 5 * MB }),
    f('changelog.yml', { required: true, media: 'yaml', schema: 'changelog' }),
    f('LICENSE.txt', { media: 'text' }),
    f('validation.yml', { media: 'yaml', schema: 'validation' }),
    docsFolder(),
    anyFolder('img'),
    devFolder(type),
  ];
  if (type === 'integration') {
    return d('', [
      ...common,
      f('NOTICE.txt', { media: 'text' }),
      d('data_stream', [dataStreamFolder(v)], { totalContentsLimit: 500 }),
      kibanaFolder(v, type),
      elasticsearchFolder(v),
      anyFolder('agent'),
    ], { additional: true });
  }
  if (type === 'input') {
    const c: Item[] = [
      ...common,
      f('NOTICE.txt', { media: 'text' }),
      d('agent', [d('input', [f('^.+\\.yml\\.hbs$', {}, true)], { additional: true })], { required: true, additional: true }),
      d('fields', [f('^.+\\.yml$', { media: 'yaml', schema: 'fields' }, true)], { required: v.lt('3.5.0') }),
      f('^sample_event.*\\.json$', { media: 'json' }, true),
    ];
    if (v.gte('2.10.0')) c.push(f('lifecycle.yml', { media: 'yaml', schema: 'lifecycle' }));
    return d('', c, { additional: false });
  }
  if (type === 'content') {
    if (v.lt('3.3.0')) return d('', [], { additional: false });
    const c: Item[] = [...common, kibanaFolder(v, type), f('NOTICE.txt', { media: 'text' })];
    if (v.gte('3.6.0')) c.push(elasticsearchFolder(v));
    return d('', c, { additional: false });
  }
  return undefined;
}

function schemaFor(ctx: Ctx, key: SchemaKey): ReturnType<typeof compile> {
  const v = ctx.version;
  const k = `${key}:${ctx.type}:${v.v}:${ctx.mode}`;
  return compile(k, () => {
    switch (key) {
      case 'manifest': return manifestSchema(ctx.type, v);
      case 'changelog': return changelogSchema();
      case 'ds_manifest': return dataStreamManifestSchema(v, ctx.mode);
      case 'fields': return fieldsSchema(v);
      case 'tags': return tagsSchemaFull();
      case 'lifecycle': return lifecycleSchema();
      case 'routing_rules': return routingRulesSchema();
      case 'validation': return validationYmlSchema();
      case 'system_test': return systemTestConfigSchema();
      case 'policy_test': return policyTestConfigSchema();
      case 'dev_test_config': return devTestConfigSchema();
      case 'custom_agent': return customAgentSchema();
      case 'esql_view': return esqlViewSchema();
      case 'build_yml': return buildYmlSchema();
      case 'benchmark_system': return benchmarkSystemSchema();
      case 'ingest_pipeline': return ingestPipelineSchema();
    }
  });
}

function matches(item: Item, name: string, pkgName: string): boolean {
  if (item.name !== undefined) return item.name === name;
  if (item.pattern !== undefined) {
    const re = new RegExp(item.pattern.replaceAll('{PACKAGE_NAME}', pkgName));
    if (!re.test(name)) return false;
    if (item.forbidden?.some((r) => r.test(name))) return false;
    return true;
  }
  return false;
}

/** Walk the package tree against the spec, reporting structure, media-type and schema errors. */
export async function walkStructure(ctx: Ctx, root: Item): Promise<void> {
  const pkgName = typeof ctx.manifest.name === 'string' ? ctx.manifest.name : '';
  const lim = limitsByType[ctx.type] ?? limitsByType.integration!;
  const entries = ctx.entries.filter((e) => !e.path.split('/').some((p) => p.startsWith('.')));
  if (entries.length > lim.entries) ctx.error('SPEC_LIMIT', `folder [${ctx.root}] exceeds the limit of ${lim.entries} files`);
  const total = entries.reduce((a, e) => a + (e.type === 'file' ? e.size : 0), 0);
  if (total > lim.total) ctx.error('SPEC_LIMIT', `folder [${ctx.root}] exceeds the total size limit: total size (${fmtSize(total)}) is bigger than expected (${fmtSize(lim.total)})`);
  ctxLimits.set(ctx, lim);
  await walkFolder(ctx, root, '', pkgName);
}

const ctxLimits = new WeakMap<Ctx, Limits>();

async function walkFolder(ctx: Ctx, spec: Item, dir: string, pkgName: string): Promise<void> {
  const folderLabel = ctx.filePath(dir);
  const children = ctx.children(dir);
  if (spec.totalContentsLimit !== undefined) {
    const n = children.filter((c) => !c.name.startsWith('.')).length;
    if (n > spec.totalContentsLimit) ctx.error('SPEC_LIMIT', `folder [${folderLabel}] exceeds the limit of ${spec.totalContentsLimit} files`, dir);
  }
  for (const child of children) {
    if (child.name.startsWith('.')) continue; // hidden files are ignored
    let name = child.name;
    const isLink = child.type === 'file' && name.endsWith('.link');
    if (isLink) {
      if (/\.zip$/i.test(ctx.src.origin)) {
        ctx.error('SPEC_NOT_ALLOWED', `file "${ctx.filePath(child.path)}" is invalid: linked files are not supported in this filesystem`, child.path);
        continue;
      }
      if (ctx.mode === 'build') {
        ctx.error('SPEC_BUILD', `file "${ctx.filePath(child.path)}" is invalid: .link files are not allowed in built packages`, child.path);
        continue;
      }
      name = name.slice(0, -'.link'.length);
    }
    const item = (spec.contents ?? []).find((it) => matches(it, name, pkgName));
    if (!item) {
      if (spec.additional) {
        // integration root: unlisted folders with '-' are rejected
        if (dir === '' && child.type === 'dir' && name.includes('-') && ctx.type === 'integration') {
          ctx.error('SPEC_NOT_ALLOWED', `item [${name}] is not allowed in folder [${folderLabel}]`, child.path);
        }
        continue;
      }
      ctx.error('SPEC_NOT_ALLOWED', `item [${name}] is not allowed in folder [${folderLabel}]`, child.path);
      continue;
    }
    const wantDir = item.type === 'folder';
    if (wantDir !== (child.type === 'dir')) {
      ctx.error('SPEC_NOT_ALLOWED', `[${name}] is a ${child.type === 'dir' ? 'folder' : 'file'} but is expected to be a ${wantDir ? 'folder' : 'file'}`, child.path);
      continue;
    }
    if (item.mode && ctx.mode !== 'legacy-publish' && item.mode !== ctx.mode) {
      ctx.error('SPEC_BUILD', `item [${name}] is not allowed in folder [${folderLabel}]: ${item.mode === 'source' ? 'source-only folder is not allowed in build packages' : 'build-only item is not allowed in source packages'}`, child.path);
      continue;
    }
    if (wantDir) {
      await walkFolder(ctx, item, child.path, pkgName);
    } else if (!isLink) {
      await checkFile(ctx, item, child.path, child.size);
    }
  }
  // required children
  for (const it of spec.contents ?? []) {
    if (!it.required) continue;
    const found = children.some((c) => {
      const n = c.type === 'file' && c.name.endsWith('.link') ? c.name.slice(0, -5) : c.name;
      return matches(it, n, pkgName) && (c.type === 'dir') === (it.type === 'folder');
    });
    if (found) continue;
    if (it.name !== undefined) ctx.error('SPEC_MISSING_FILE', `expecting to find [${it.name}] ${it.type === 'folder' ? 'folder' : 'file'} in folder [${folderLabel}]`, dir || undefined);
    else ctx.error('SPEC_MISSING_FILE', `expecting to find ${it.type === 'folder' ? 'folder' : 'file'} matching pattern [${it.pattern}] in folder [${folderLabel}]`, dir || undefined);
  }
}

async function checkFile(ctx: Ctx, item: Item, rel: string, size: number): Promise<void> {
  const currentLimits = ctxLimits.get(ctx) ?? limitsByType.integration!;
  const limit = item.sizeLimit ?? currentLimits.file;
  if (size > limit) {
    ctx.fileError('SPEC_LIMIT', rel, `file size (${fmtSize(size)}) is bigger than expected (${fmtSize(limit)})`);
    return;
  }
  if (item.media === 'yaml' && size > currentLimits.yaml) {
    ctx.fileError('SPEC_LIMIT', rel, `file size (${fmtSize(size)}) is bigger than expected (${fmtSize(currentLimits.yaml)})`);
    return;
  }
  if (item.media !== 'yaml' && item.media !== 'json') return;
  const text = (await ctx.text(rel)) ?? '';
  if (item.media === 'yaml' && item.dashes && !text.startsWith('---')) {
    ctx.fileError('SPEC_YAML', rel, "document dashes are required (start the document with '---')", 1);
    return;
  }
  if (item.media === 'json' && !rel.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (e) {
      ctx.fileError('SPEC_YAML', rel, `invalid JSON: ${(e as Error).message}`);
      return;
    }
  }
  const doc = await ctx.doc(rel);
  if (!doc) {
    const pe = ctx.parseErrors.get(rel);
    ctx.fileError('SPEC_YAML', rel, `error parsing file: ${pe?.message ?? 'unknown error'}`, pe?.line);
    return;
  }
  if (!item.schema) return;
  let value = doc.value;
  if (ctx.version.lt('3.0.0')) value = expandDotted(value);
  const fn = schemaFor(ctx, item.schema);
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  for (const e of validateSchema(ctx, dir, fn, value)) {
    ctx.fileError('SPEC_SCHEMA', rel, e.message, doc.lineOf(e.path));
  }
}
