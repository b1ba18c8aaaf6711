/**
 * Package-spec semantic rules (Go `internal/validator/semantic`), in spec.go's order, filtered by type,
 * format_version and mode. Messages follow Go's wording so callers can match them.
 */
import semver from 'semver';
import Handlebars from 'handlebars';
import type { Ctx } from './context.js';
import { CATEGORIES } from '../package/categories.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asObjs = (v: unknown): Obj[] => asArr(v).filter(isObj);

export interface FlatField {
  name: string;
  def: Obj;
  file: string;
  /** YAML path of the definition in its file (for line numbers). */
  path: (string | number)[];
}

/** Flatten a fields file's definitions into dotted names. */
export function flattenFields(v: unknown, file: string, prefix = '', base: (string | number)[] = []): FlatField[] {
  const out: FlatField[] = [];
  asArr(v).forEach((f, i) => {
    if (!isObj(f) || typeof f.name !== 'string') return;
    const name = prefix ? `${prefix}.${f.name}` : f.name;
    const path = [...base, i];
    if (Array.isArray(f.fields) && f.fields.length) {
      if (f.type === 'nested' || f.type === 'object' || (f.type && f.type !== 'group')) out.push({ name, def: f, file, path });
      out.push(...flattenFields(f.fields, file, name, [...path, 'fields']));
    } else out.push({ name, def: f, file, path });
  });
  return out;
}

/** A unit of fields validation: a data stream, a transform, or an input package's root `fields/`. */
interface FieldsUnit {
  kind: 'data stream' | 'transform' | 'input';
  name: string;
  dir: string;
  files: string[];
}

function fieldsUnits(ctx: Ctx): FieldsUnit[] {
  const units: FieldsUnit[] = [];
  const yml = (dir: string): string[] => ctx.filesUnder(`${dir}/fields`).filter((f) => f.endsWith('.yml') && f.split('/').length === dir.split('/').length + 2);
  if (ctx.type === 'integration') {
    for (const c of ctx.children('data_stream')) if (c.type === 'dir') units.push({ kind: 'data stream', name: c.name, dir: c.path, files: yml(c.path) });
    for (const c of ctx.children('elasticsearch/transform')) if (c.type === 'dir') units.push({ kind: 'transform', name: c.name, dir: c.path, files: yml(c.path) });
  } else if (ctx.type === 'input') {
    units.push({ kind: 'input', name: '', dir: '', files: ctx.filesUnder('fields').filter((f) => f.endsWith('.yml') && f.split('/').length === 2) });
  }
  return units;
}

async function lineOf(ctx: Ctx, f: FlatField): Promise<number | undefined> {
  return (await ctx.doc(f.file))?.lineOf(f.path);
}

async function unitFields(ctx: Ctx, u: FieldsUnit): Promise<FlatField[]> {
  const out: FlatField[] = [];
  for (const f of u.files) out.push(...flattenFields(await ctx.value(f), f));
  return out;
}

function changelogVersions(cl: unknown): string[] {
  return asObjs(cl).map((e) => String(e.version ?? ''));
}

// ---------------------------------------------------------------------------------------------- rules

async function versionIntegrity(ctx: Ctx): Promise<void> {
  const cl = await ctx.value('changelog.yml');
  if (!Array.isArray(cl)) return;
  const versions = changelogVersions(cl);
  const seen = new Set<string>();
  for (const v of versions) {
    if (seen.has(v)) {
      ctx.fileError('SPEC_CHANGELOG', 'changelog.yml', `versions in changelog must be unique, found at least two same versions (${v})`, (await ctx.doc('changelog.yml'))?.lineOf([versions.indexOf(v, [...seen].length), 'version']));
      return;
    }
    seen.add(v);
  }
  const mv = String(ctx.manifest.version ?? '');
  const first = versions[0];
  if (first === undefined) return;
  let ok = first === mv;
  if (!ok && first.endsWith('-next') && versions.includes(mv)) ok = true;
  if (!ok) {
    ctx.fileError('SPEC_CHANGELOG', 'manifest.yml', "current manifest version doesn't have changelog entry", (await ctx.doc('manifest.yml'))?.lineOf(['version']));
    return;
  }
  for (const v of versions.slice(1)) {
    const a = semver.parse(first);
    const b = semver.parse(v);
    if (a && b && semver.lt(a, b)) {
      ctx.fileError('SPEC_CHANGELOG', 'changelog.yml', `the first changelog entry (${first}) is not the greatest version, found ${v}`);
      return;
    }
  }
}

async function changelogLinks(ctx: Ctx): Promise<void> {
  const cl = await ctx.value('changelog.yml');
  asObjs(cl).forEach((e) => {
    for (const ch of asObjs(e.changes)) {
      const link = typeof ch.link === 'string' ? ch.link : '';
      const m = /^https?:\/\/github\.com\/.*$/.exec(link);
      if (!m) continue;
      const last = link.replace(/\/+$/, '').split('/').pop() ?? '';
      if (!/^\d+$/.test(last)) ctx.fileError('SPEC_CHANGELOG', 'changelog.yml', `invalid link "${link}": github.com links must end with a pull request or issue number`);
    }
  });
}

async function prerelease(ctx: Ctx): Promise<void> {
  const v = semver.parse(String(ctx.manifest.version ?? ''));
  if (!v || !v.prerelease.length) return;
  if (v.major === 0) {
    ctx.fileError('SPEC_CHANGELOG', 'manifest.yml', `prerelease tag not allowed in version ${v.version} (major version 0 is already a technical preview)`);
    return;
  }
  const tag = v.prerelease.join('.');
  if (!/^(next|SNAPSHOT|(beta|rc|preview)\.?\d*)$/.test(tag)) {
    ctx.fileError('SPEC_CHANGELOG', 'manifest.yml', `prerelease tag "${tag}" in version ${v.version} is not valid: use next, SNAPSHOT, beta, rc or preview followed by an optional number`);
  }
}

function kibanaVersion(m: Obj): string | undefined {
  const c = m.conditions;
  if (!isObj(c)) return undefined;
  if (typeof c['kibana.version'] === 'string') return c['kibana.version'];
  if (isObj(c.kibana) && typeof c.kibana.version === 'string') return c.kibana.version;
  return undefined;
}

/** True if every version allowed by the constraint is >= min (approximated by its minimum version). */
function constraintAtLeast(constraint: string, min: string): boolean {
  try {
    const parts = constraint.split('||').map((p) => p.trim());
    return parts.every((p) => {
      const mv = semver.minVersion(p);
      return !!mv && semver.gte(mv, min);
    });
  } catch {
    return false;
  }
}

async function minimumKibanaVersion(ctx: Ctx): Promise<void> {
  const kv = kibanaVersion(ctx.manifest);
  const asWarning = ctx.version.lt('3.0.0');
  const pv = semver.parse(String(ctx.manifest.version ?? ''));
  if (ctx.type === 'input' && pv && pv.major >= 1 && pv.prerelease.length === 0) {
    if (!kv || !constraintAtLeast(kv, '8.8.0')) {
      ctx.fileError('SPEC_CONDITIONS', 'manifest.yml', 'conditions.kibana.version must be ^8.8.0 or greater for non experimental input packages (version > 1.0.0)');
    }
  }
  if (ctx.hasFile('kibana/tags.yml') && (!kv || !constraintAtLeast(kv, '8.10.0'))) {
    ctx.warnOrError('SVR00005', 'manifest.yml', 'conditions.kibana.version must be ^8.10.0 or greater to include saved object tags file: kibana/tags.yml (SVR00005)', asWarning);
  }
  // runtime fields
  let runtime = false;
  for (const u of fieldsUnits(ctx)) for (const f of await unitFields(ctx, u)) if (f.def.runtime !== undefined && f.def.runtime !== false) runtime = true;
  if (runtime && (!kv || !constraintAtLeast(kv, '8.10.0'))) {
    ctx.warnOrError('SVR00005', 'manifest.yml', 'conditions.kibana.version must be ^8.10.0 or greater to include runtime fields (SVR00005)', asWarning);
  }
}

async function minimumAgentVersion(ctx: Ctx): Promise<void> {
  const c = ctx.manifest.conditions;
  if (!isObj(c)) return;
  const av = typeof c['agent.version'] === 'string' ? c['agent.version'] : isObj(c.agent) ? c.agent.version : undefined;
  if (av === undefined) return;
  if (typeof av !== 'string' || semver.validRange(av) === null) ctx.fileError('SPEC_CONDITIONS', 'manifest.yml', `invalid agent version constraint "${String(av)}"`);
}

async function capabilitiesRequired(ctx: Ctx): Promise<void> {
  if (ctx.version.lt('2.10.0')) return;
  const rules = ctx.filesUnder('kibana/security_rule');
  if (!rules.length) return;
  const c = ctx.manifest.conditions;
  let caps: unknown;
  if (isObj(c)) caps = c['elastic.capabilities'] ?? (isObj(c.elastic) ? c.elastic.capabilities : undefined);
  if (!Array.isArray(caps) || !caps.includes('security')) {
    ctx.fileError('SPEC_KIBANA', 'manifest.yml', 'found security rule assets in package but security capability is missing');
  }
}

async function fieldGroups(ctx: Ctx): Promise<void> {
  const files = [...ctx.files.keys()].filter((f) => /(^|\/)fields\/[^/]+\.yml$/.test(f));
  for (const file of files) {
    const doc = await ctx.doc(file);
    const walk = (v: unknown, prefix: string, base: (string | number)[]): void => {
      asArr(v).forEach((f, i) => {
        if (!isObj(f) || typeof f.name !== 'string') return;
        const name = prefix ? `${prefix}.${f.name}` : f.name;
        if (f.type === 'group') {
          if (f.unit !== undefined) ctx.fileError('SPEC_FIELDS', file, `field "${name}" can't have unit property'`, doc?.lineOf([...base, i, 'unit']));
          if (f.metric_type !== undefined) ctx.fileError('SPEC_FIELDS', file, `field "${name}" can't have metric type property'`, doc?.lineOf([...base, i, 'metric_type']));
        }
        walk(f.fields, name, [...base, i, 'fields']);
      });
    };
    walk(doc?.value, '', []);
  }
}

const DIMENSION_TYPES = ['constant_keyword', 'keyword', 'long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long', 'ip'];

async function fieldsRules(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration' && ctx.type !== 'input') return;
  const buildYml = (await ctx.value('_dev/build/build.yml')) as Obj | undefined;
  const deps = isObj(buildYml) && isObj(buildYml.dependencies) ? buildYml.dependencies : {};
  for (const u of fieldsUnits(ctx)) {
    if (u.kind === 'input' && !u.files.length && !ctx.hasDir('fields')) continue;
    const fields = await unitFields(ctx, u);
    // limits
    if (fields.length > 2048) ctx.error('SPEC_LIMIT', `${u.kind} ${u.name ? `"${u.name}" ` : ''}defines ${fields.length} fields, more than the limit of 2048`, u.dir || undefined);
    // unique
    if (ctx.version.gte('2.0.0')) {
      const by = new Map<string, string[]>();
      for (const f of fields) {
        if (!by.has(f.name)) by.set(f.name, []);
        by.get(f.name)!.push(f.file);
      }
      for (const [name, files] of by) {
        if (files.length < 2) continue;
        const where = u.kind === 'input' ? '' : ` for ${u.kind} "${u.name}"`;
        ctx.error('SPEC_FIELDS', `field "${name}" is defined multiple times${where}, found in: ${files.map((f) => ctx.filePath(f)).join(', ')}`, files[0]);
      }
    }
    for (const f of fields) {
      const t = f.def.type;
      if (f.def.dimension === true && f.def.external === undefined) {
        const ok = typeof t === 'string' && DIMENSION_TYPES.includes(t);
        if (!ok) ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" of type ${typeof t === 'string' ? t : ''} can't be a dimension, allowed types for dimensions: ${DIMENSION_TYPES.join(', ')}`, await lineOf(ctx, f));
      }
      if (f.def.date_format !== undefined && t !== 'date' && f.def.external === undefined) {
        ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" of type ${String(t)} can't set date_format. date_format is allowed for date field type only`, await lineOf(ctx, f));
      }
      if (f.def.external !== undefined && ctx.mode === 'build') {
        ctx.fileError('SPEC_BUILD', f.file, `field ${f.name} has external: ${String(f.def.external)} reference, not allowed in built packages`);
      } else if (f.def.external !== undefined && ctx.mode !== 'build') {
        const ext = String(f.def.external);
        if (!isObj(deps[ext])) ctx.fileError('SPEC_FIELDS', f.file, `field ${f.name} with external key defined ("${ext}") but no definition found for it (_dev/build/build.yml)`, await lineOf(ctx, f));
      }
      if (ctx.mode === 'source' && f.name.split('.').includes('_embedded_ecs')) {
        ctx.fileError('SPEC_FIELDS', f.file, `field "${f.name}" uses the reserved _embedded_ecs name`);
      }
    }
    // required fields
    if (u.kind !== 'transform') {
      const req: [string, string][] = [['data_stream.type', 'constant_keyword'], ['data_stream.dataset', 'constant_keyword'], ['data_stream.namespace', 'constant_keyword'], ['@timestamp', 'date']];
      for (const [name, type] of req) {
        const found = fields.filter((f) => f.name === name);
        if (!found.length) {
          if (u.kind === 'data stream') ctx.error('SPEC_FIELDS', `expected field "${name}" with type "${type}" not found in datastream "${u.name}"`, `${u.dir}/fields`);
          else ctx.error('SPEC_FIELDS', `expected field "${name}" with type "${type}" not found`, 'fields');
          continue;
        }
        for (const f of found) {
          if (f.def.external !== undefined && f.def.type === undefined) continue;
          if (f.def.type !== type) ctx.fileError('SPEC_FIELDS', f.file, `expected type "${type}" for required field "${name}", found "${String(f.def.type)}" in "${ctx.filePath(f.file)}"`, await lineOf(ctx, f));
        }
      }
    }
  }
}

async function dataStreamRules(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration') return;
  const pv = semver.parse(String(ctx.manifest.version ?? ''));
  const isGA = !!pv && pv.major >= 1 && !pv.prerelease.length;
  for (const c of ctx.children('data_stream')) {
    if (c.type !== 'dir') continue;
    const mf = `${c.path}/manifest.yml`;
    const m = await ctx.value(mf);
    if (!isObj(m)) continue;
    const fields = await unitFields(ctx, { kind: 'data stream', name: c.name, dir: c.path, files: ctx.filesUnder(`${c.path}/fields`).filter((f) => f.endsWith('.yml')) });
    const es = isObj(m.elasticsearch) ? m.elasticsearch : {};
    const indexMode = es.index_mode ?? (isObj(es.index_template) && isObj(es.index_template.settings) && isObj(es.index_template.settings.index) ? es.index_template.settings.index.mode : undefined) ?? es['index_template.settings.index.mode'];
    if (ctx.version.gte('3.0.1') && indexMode === 'time_series' && !fields.some((f) => f.def.dimension === true)) {
      ctx.fileError('SPEC_FIELDS', mf, `time series index mode enabled but no dimension fields found in data stream "${c.name}"`);
    }
    if (ctx.version.gte('2.0.0') && typeof m.ilm_policy === 'string') {
      const prefixes = [`${String(m.type)}-${String(ctx.manifest.name)}.${c.name}-`];
      if (typeof m.dataset === 'string') prefixes.push(`${String(m.type)}-${m.dataset}-`);
      const p = m.ilm_policy;
      const pre = prefixes.find((x) => p.startsWith(x));
      const rest = pre !== undefined ? p.slice(pre.length) : undefined;
      if (rest === undefined || !(ctx.hasFile(`${c.path}/elasticsearch/ilm/${rest}.json`) || ctx.hasFile(`${c.path}/elasticsearch/ilm/${rest}.yml`))) {
        ctx.fileError('SPEC_DATA_STREAM', mf, `field ilm_policy: ILM policy "${p}" not found in package, expected definition in "${ctx.filePath(`${c.path}/elasticsearch/ilm/${rest ?? '?'}.json`)}"`);
      }
    }
    if (m.type === 'profiles' && isGA) ctx.fileError('SPEC_DATA_STREAM', mf, 'profiles data type cannot be used in GA packages');
    if (ctx.version.gte('2.9.0') && ctx.hasFile(`${c.path}/routing_rules.yml`) && (m.dataset === undefined || m.dataset === '')) {
      ctx.fileError('SPEC_DATA_STREAM', mf, `routing rules defined in data stream "${c.name}" but dataset field is missing: dataset field is required in manifest for data stream "${c.name}"`);
    }
    // stream template paths
    for (const s of asObjs(m.streams)) {
      if (typeof s.input !== 'string' && typeof s.package === 'string') continue;
      const paths: string[] = [];
      if (typeof s.template_path === 'string') paths.push(s.template_path);
      else if (Array.isArray(s.template_paths)) paths.push(...s.template_paths.map(String));
      else paths.push('stream.yml.hbs');
      for (const p of paths) {
        const t = `${c.path}/agent/stream/${p}`;
        if (!ctx.hasFile(t) && !ctx.hasFile(`${t}.link`)) ctx.fileError('SPEC_DATA_STREAM', mf, `data stream "data_stream/${c.name}" stream input "${String(s.input ?? s.package)}": template file not found`);
      }
    }
    if (ctx.mode === 'source') {
      const mappings = isObj(es.index_template) && isObj(es.index_template.mappings) ? es.index_template.mappings : {};
      for (const dt of asObjs(mappings.dynamic_templates)) {
        for (const k of Object.keys(dt)) {
          if (k.startsWith('_embedded_ecs')) ctx.fileError('SPEC_FIELDS', mf, `dynamic template "${k}" uses the reserved _embedded_ecs prefix, which is only allowed in built packages`);
        }
      }
    }
    if (ctx.mode === 'build') {
      asObjs(m.streams).forEach((s, i) => {
        if (s.package !== undefined) ctx.fileError('SPEC_BUILD', mf, `streams.${i} has 'package:' which is source-only`);
      });
    }
  }
}

function hbsMessage(e: Error): string {
  const m = /Expecting (.+?), got/.exec(e.message);
  let msg = e.message.split('\n')[0]!;
  if (m) {
    const tokens = m[1]!.split(',').map((t) => t.trim().replace(/^'|'$/g, '')).map((t) => t.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''));
    const fixed = tokens.map((t) => t.replace('Endblock', 'EndBlock'));
    msg = `Expecting ${fixed.includes('OpenEndBlock') ? 'OpenEndBlock' : fixed[0]}`;
  }
  return msg;
}

async function staticHandlebars(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration' && ctx.type !== 'input') return;
  const files = [...ctx.files.keys()].filter((f) => /^agent\/input\/[^/]+\.hbs$/.test(f) || /^data_stream\/[^/]+\/agent\/stream\/[^/]+\.hbs$/.test(f));
  for (const f of files) {
    const t = await ctx.text(f);
    try {
      Handlebars.parse(t ?? '');
    } catch (e) {
      ctx.fileError('SPEC_TEMPLATE', f, `invalid handlebars template: error validating ${f}: ${hbsMessage(e as Error)}`);
    }
  }
}

function inputTemplateChecks(ctx: Ctx): void {
  const m = ctx.manifest;
  if (ctx.type === 'input') {
    for (const pt of asObjs(m.policy_templates)) {
      const paths = typeof pt.template_path === 'string' ? [pt.template_path] : Array.isArray(pt.template_paths) ? pt.template_paths.map(String) : [];
      if (!paths.length) {
        ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}" references template_path "": template_path is required for input type packages`);
        continue;
      }
      for (const p of paths) if (!ctx.hasFile(`agent/input/${p}`) && !ctx.hasFile(`agent/input/${p}.link`)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}" references template_path "${p}": template file not found`);
    }
  } else if (ctx.type === 'integration') {
    for (const pt of asObjs(m.policy_templates)) {
      for (const inp of asObjs(pt.inputs)) {
        const paths = typeof inp.template_path === 'string' ? [inp.template_path] : Array.isArray(inp.template_paths) ? inp.template_paths.map(String) : [];
        for (const p of paths) {
          if (!ctx.hasFile(`agent/input/${p}`) && !ctx.hasFile(`agent/input/${p}.link`)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}": failed validation for policy input "${String(inp.type ?? inp.package)}": template file not found`);
        }
      }
    }
  }
}

async function kibanaRules(ctx: Ctx): Promise<void> {
  if (ctx.type === 'input') return;
  const objs: { file: string; type: string; v: Obj }[] = [];
  for (const f of ctx.files.keys()) {
    const m = /^kibana\/([^/]+)\/([^/]+)\.json$/.exec(f);
    if (!m) continue;
    const v = await ctx.value(f);
    if (isObj(v)) objs.push({ file: f, type: m[1]!, v });
  }
  for (const o of objs) {
    const base = o.file.split('/').pop()!.replace(/\.json$/, '');
    const id = o.v.id;
    if (o.type === 'security_rule') {
      const attrs = isObj(o.v.attributes) ? o.v.attributes : {};
      const ruleId = attrs.rule_id;
      if (typeof id === 'string' && typeof ruleId === 'string' && !id.startsWith(ruleId)) ctx.fileError('SPEC_KIBANA', o.file, `kibana object ID [${id}] should start with rule ID [${ruleId}]`);
      continue;
    }
    if (typeof id === 'string' && id !== base) ctx.fileError('SPEC_KIBANA', o.file, `kibana object file [${o.file.split('/').pop()}] defines non-matching ID [${id}]`);
  }
  if (ctx.version.gte('3.0.0')) {
    const ids = new Set(objs.map((o) => `${o.type}\u0000${String(o.v.id ?? o.file.split('/').pop()!.replace(/\.json$/, ''))}`));
    const typeDir: Record<string, string> = { 'index-pattern': 'index_pattern', 'csp-rule-template': 'csp_rule_template', 'osquery-pack-asset': 'osquery_pack_asset', 'osquery-saved-query': 'osquery_saved_query', 'security-rule': 'security_rule' };
    for (const o of objs) {
      for (const r of asObjs(o.v.references)) {
        const t = String(r.type ?? '');
        if (t === 'index-pattern' || !t) continue;
        const dir = typeDir[t] ?? t;
        if (!ids.has(`${dir}\u0000${String(r.id)}`)) ctx.fileError('SVR00003', o.file, `dangling reference found: ${String(r.id)} (${t}) (SVR00003)`);
      }
    }
  }
  // legacy visualizations and by-reference
  if (ctx.type === 'integration' || ctx.type === 'content') {
    for (const o of objs.filter((x) => x.type === 'dashboard')) {
      const attrs = isObj(o.v.attributes) ? o.v.attributes : {};
      const title = String(attrs.title ?? '');
      let panels: unknown = attrs.panelsJSON;
      if (typeof panels === 'string') {
        try {
          panels = JSON.parse(panels);
        } catch {
          panels = [];
        }
      }
      const refs = asObjs(o.v.references);
      const byRef = refs.filter((r) => r.type === 'visualization' || r.type === 'lens');
      if (byRef.length) {
        const msg = `references found in dashboard ${o.file.split('/').pop()}: ${byRef.map((r) => `${String(r.id)} (${String(r.type)})`).join(', ')} (SVR00004)`;
        ctx.warnOrError('SVR00004', o.file, msg, ctx.version.lt('3.0.0'));
      }
      if (ctx.version.gte('3.0.0')) {
        for (const p of asObjs(panels)) {
          const leg = legacyVis(p);
          if (leg) ctx.fileError('SPEC_KIBANA', o.file, `"${title}" contains legacy visualization: "${leg.title}" (${leg.visType}, ${leg.editor})`);
        }
      }
    }
    if (ctx.version.gte('3.0.0')) {
      for (const o of objs.filter((x) => x.type === 'visualization')) {
        const leg = legacyVisState(o.v.attributes);
        if (leg) ctx.fileError('SPEC_KIBANA', o.file, `"${leg.title}" is a legacy visualization: (${leg.visType}, ${leg.editor})`);
      }
    }
  }
}

function legacyVisState(attrs: unknown): { title: string; visType: string; editor: string } | undefined {
  if (!isObj(attrs)) return undefined;
  let vs: unknown = attrs.visState;
  if (typeof vs === 'string') {
    try {
      vs = JSON.parse(vs);
    } catch {
      return undefined;
    }
  }
  if (!isObj(vs)) return undefined;
  const type = String(vs.type ?? '');
  const title = String(attrs.title ?? vs.title ?? '');
  if (type === 'metrics') {
    const params = isObj(vs.params) ? vs.params : {};
    const sub = String(params.type ?? 'timeseries');
    if (sub === 'markdown') return undefined; // TSVB markdown has no Lens replacement: not reported
    return { title, visType: sub, editor: 'TSVB' };
  }
  if (type === 'timelion') return { title, visType: 'timelion', editor: 'Timelion' };
  const aggBased = ['area', 'heatmap', 'horizontal_bar', 'line', 'metric', 'pie', 'table', 'tagcloud', 'gauge', 'goal', 'histogram', 'region_map', 'tile_map', 'coordinate_map'];
  if (aggBased.includes(type)) return { title, visType: type, editor: 'Aggs-based' };
  return undefined;
}

function legacyVis(panel: Obj): { title: string; visType: string; editor: string } | undefined {
  if (panel.type !== 'visualization') return undefined;
  const ec = isObj(panel.embeddableConfig) ? panel.embeddableConfig : {};
  const sv = ec.savedVis;
  if (!isObj(sv)) return undefined;
  const vs = { visState: { type: sv.type, params: sv.params, title: sv.title }, title: sv.title ?? panel.title };
  const r = legacyVisState(vs);
  if (r) r.title = String(panel.title ?? sv.title ?? '');
  return r;
}

function parseMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function hasFilters(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

function queryText(q: unknown): string {
  if (typeof q === 'string') return q.trim();
  if (isObj(q)) return typeof q.query === 'string' ? q.query.trim() : isObj(q.query) ? JSON.stringify(q.query) : '';
  return '';
}

/** KibanaFilterPresent (>= 3.0): a dashboard filters its data itself or in every by-value panel. */
async function kibanaFilterPresent(ctx: Ctx): Promise<void> {
  if (ctx.version.lt('3.0.0')) return;
  for (const f of ctx.filesUnder('kibana/dashboard').filter((x) => x.endsWith('.json'))) {
    const d = await ctx.value(f);
    if (!isObj(d)) continue;
    const attrs = isObj(d.attributes) ? d.attributes : {};
    const meta = isObj(attrs.kibanaSavedObjectMeta) ? attrs.kibanaSavedObjectMeta : {};
    const ss = parseMaybe(meta.searchSourceJSON);
    const search = isObj(ss) ? ss : {};
    if (hasFilters(search.filter)) continue;
    const panels = asObjs(parseMaybe(attrs.panelsJSON));
    const byValue = panels.filter((p) => isObj(p.embeddableConfig) && (isObj(p.embeddableConfig.attributes) || isObj(p.embeddableConfig.savedVis)));
    const panelFiltered = (p: Obj): boolean => {
      const ec = p.embeddableConfig as Obj;
      const sv = isObj(ec.savedVis) ? ec.savedVis : undefined;
      if (sv) {
        const data = isObj(sv.data) ? sv.data : {};
        const sso = isObj(data.searchSource) ? data.searchSource : {};
        if (hasFilters(sso.filter)) return true;
        const params = isObj(sv.params) ? sv.params : {};
        if (typeof params.filter === 'string' || isObj(params.filter)) return queryText(params.filter) !== '';
        return sv.type === 'markdown' || sv.type === 'input_control_vis';
      }
      const a = ec.attributes as Obj;
      const st = isObj(a.state) ? a.state : {};
      if (hasFilters(st.filters)) return true;
      const mss = isObj(a.kibanaSavedObjectMeta) ? parseMaybe(a.kibanaSavedObjectMeta.searchSourceJSON) : undefined;
      if (isObj(mss) && hasFilters(mss.filter)) return true;
      return a.mapStateJSON !== undefined || a.layerListJSON !== undefined; // maps carry their own layers
    };
    if (byValue.length > 0 && byValue.every(panelFiltered)) continue;
    const title = String(attrs.title ?? d.id ?? '');
    if (queryText(search.query) !== '') ctx.fileError('SVR00001', f, `dashboard "${title}" has a query but no filter: saved query found, but no filter (SVR00001)`);
    else ctx.fileError('SVR00002', f, `dashboard "${title}" does not have a filter: no filter found (SVR00002)`);
  }
}

function deploymentModesRule(ctx: Ctx): void {
  if (ctx.type !== 'integration') return;
  for (const pt of asObjs(ctx.manifest.policy_templates)) {
    const dm = isObj(pt.deployment_modes) ? pt.deployment_modes : undefined;
    if (!dm) continue;
    const enabled = new Set<string>();
    if (!isObj(dm.default) || dm.default.enabled !== false) enabled.add('default');
    if (isObj(dm.agentless) && dm.agentless.enabled === true) enabled.add('agentless');
    const inputs = asObjs(pt.inputs);
    for (const inp of inputs) {
      for (const mode of asArr(inp.deployment_modes).map(String)) {
        if (!enabled.has(mode)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `input "${String(inp.type ?? inp.package)}" in policy template "${String(pt.name)}" lists deployment mode "${mode}" which is not enabled in the policy template`);
      }
    }
    if (!inputs.length) continue;
    for (const mode of enabled) {
      const supported = inputs.some((i) => !Array.isArray(i.deployment_modes) || i.deployment_modes.map(String).includes(mode));
      if (!supported) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}" enables deployment mode "${mode}" but no input supports it`);
    }
  }
}

async function tagDuplicates(ctx: Ctx): Promise<void> {
  const tags = await ctx.value('kibana/tags.yml');
  const seen = new Set<string>();
  for (const t of asObjs(tags)) {
    const text = String(t.text ?? '');
    if (seen.has(text)) ctx.fileError('SVR00007', 'kibana/tags.yml', `duplicate tag name '${text}' found (SVR00007)`);
    seen.add(text);
  }
  for (const f of ctx.filesUnder('kibana/tag')) {
    const v = await ctx.value(f);
    const name = isObj(v) && isObj(v.attributes) ? String(v.attributes.name ?? '') : '';
    if (name && seen.has(name)) ctx.fileError('SVR00007', f, `tag name '${name}' used in saved object tag file is also defined in kibana/tags.yml (SVR00007)`);
  }
}

async function pipelineRules(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration' || ctx.version.lt('3.6.0')) return;
  const files = [...ctx.files.keys()].filter((f) => /^data_stream\/[^/]+\/elasticsearch\/ingest_pipeline\/[^/]+\.(yml|json)$/.test(f));
  for (const f of files) {
    const doc = await ctx.doc(f);
    const p = doc?.value;
    if (!isObj(p)) continue;
    const tags = new Map<string, number>();
    const walk = (procs: unknown, path: (string | number)[]): void => {
      asArr(procs).forEach((proc, i) => {
        if (!isObj(proc)) return;
        for (const [ptype, body] of Object.entries(proc)) {
          if (!isObj(body)) continue;
          const line = doc!.lineOf([...path, i, ptype]);
          const tag = body.tag;
          if (typeof tag !== 'string' || !tag) ctx.fileError('SVR00006', f, `${ptype} processor at line ${line ?? '?'} missing required tag (SVR00006)`, line);
          else if (tags.has(tag)) ctx.fileError('SVR00006', f, `${ptype} processor at line ${line ?? '?'} has duplicate tag value: "${tag}" (SVR00006)`, line);
          else tags.set(tag, line ?? 0);
          walk(body.on_failure, [...path, i, ptype, 'on_failure']);
        }
      });
    };
    walk(p.processors, ['processors']);
    const onf = Array.isArray(p.on_failure) ? p.on_failure : [];
    {
      let kindOk = false;
      let msgProc: Obj | undefined;
      for (const proc of asObjs(onf)) {
        const set = isObj(proc.set) ? proc.set : undefined;
        if (set && set.field === 'event.kind' && set.value === 'pipeline_error') kindOk = true;
        if (set && set.field === 'error.message') msgProc = set;
        const app = isObj(proc.append) ? proc.append : undefined;
        if (app && app.field === 'error.message') msgProc = app;
      }
      if (!kindOk) ctx.fileError('SVR00008', f, 'pipeline on_failure handler must set event.kind to "pipeline_error" (SVR00008)');
      if (!msgProc) ctx.fileError('SVR00009', f, 'pipeline on_failure handler must set error.message (SVR00009)');
      else {
        const val = JSON.stringify(msgProc.value ?? '');
        for (const need of ['_ingest.on_failure_processor_type', '_ingest.on_failure_processor_tag', '_ingest.on_failure_message', '_ingest.pipeline']) {
          if (!val.includes(need)) ctx.fileError('SVR00009', f, `pipeline on_failure error.message must include "${need}" (SVR00009)`);
        }
      }
    }
  }
}

/** JSE00001 (>= 3.0.0): renaming message to event.original must be guarded and paired with a guarded remove. */
async function pipelineRenameMessage(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration' || ctx.version.lt('3.0.0')) return;
  const files = [...ctx.files.keys()].filter((f) => /^data_stream\/[^/]+\/elasticsearch\/ingest_pipeline\/[^/]+\.(yml|json)$/.test(f));
  const norm = (s: unknown): string => (typeof s === 'string' ? s.replace(/\s+/g, '') : '');
  for (const f of files) {
    const p = await ctx.value(f);
    if (!isObj(p)) continue;
    const procs = asObjs(p.processors);
    procs.forEach((proc, i) => {
      const r = isObj(proc.rename) ? proc.rename : undefined;
      if (!r || r.field !== 'message' || r.target_field !== 'event.original') return;
      if (norm(r.if) !== 'ctx.event?.original==null') {
        ctx.fileError('JSE00001', f, `rename "message" to "event.original" processor requires if: 'ctx.event?.original == null' (JSE00001)`);
      }
      const removeOk = procs.slice(i + 1).some((q) => {
        const rm = isObj(q.remove) ? q.remove : undefined;
        if (!rm) return false;
        const fields = Array.isArray(rm.field) ? rm.field : [rm.field];
        return fields.includes('message') && norm(rm.if) === 'ctx.event?.original!=null';
      });
      if (!removeOk) ctx.fileError('JSE00001', f, `rename "message" to "event.original" processor requires remove "message" processor with if: 'ctx.event?.original != null' (JSE00001)`);
    });
  }
}

function varsOf(x: Obj): Obj[] {
  return asObjs(x.vars);
}

function requiredVarsRule(ctx: Ctx, file: string, holder: Obj, available: Obj[]): void {
  const rv = holder.required_vars;
  if (!isObj(rv)) return;
  const byName = new Map(available.map((v) => [String(v.name), v]));
  for (const [, list] of Object.entries(rv)) {
    for (const r of asObjs(list)) {
      if (typeof r.name !== 'string' || !r.name) continue;
      const v = byName.get(r.name);
      if (!v) ctx.fileError('SPEC_VARS', file, `required var "${r.name}" in optional group is not defined`);
      else if (v.required === true) ctx.fileError('SPEC_VARS', file, `required var "${r.name}" in optional group is defined as always required`);
    }
  }
}

function varGroupsRule(ctx: Ctx, file: string, groups: unknown, vars: Obj[]): void {
  const names = new Set(vars.map((v) => String(v.name)));
  const byName = new Map(vars.map((v) => [String(v.name), v]));
  const seenGroups = new Set<string>();
  for (const g of asObjs(groups)) {
    const gname = String(g.name);
    if (seenGroups.has(gname)) ctx.fileError('SPEC_VARS', file, `duplicate var_group name "${gname}"`);
    seenGroups.add(gname);
    const seenOpts = new Set<string>();
    for (const o of asObjs(g.options)) {
      const oname = String(o.name);
      if (seenOpts.has(oname)) ctx.fileError('SPEC_VARS', file, `duplicate option name "${oname}" in var_group "${gname}"`);
      seenOpts.add(oname);
      for (const vn of asArr(o.vars).map(String)) {
        if (!names.has(vn)) ctx.fileError('SPEC_VARS', file, `var "${vn}" referenced in var_group "${gname}" option "${oname}" is not defined`);
        else if (g.required === true && byName.get(vn)?.required === true) {
          ctx.fileError('SPEC_VARS', file, `var "${vn}" in required var_group "${gname}" should not have required: true (requirement is inferred from var_group)`);
        }
      }
    }
  }
}

function sectionsRule(ctx: Ctx, file: string, sections: unknown, vars: Obj[], where: string): void {
  const names = new Set<string>();
  for (const s of asObjs(sections)) {
    const n = String(s.name);
    if (names.has(n)) ctx.fileError('SPEC_VARS', file, `duplicate section name "${n}" in ${where}`);
    names.add(n);
  }
  for (const v of vars) {
    if (typeof v.section === 'string' && !names.has(v.section)) ctx.fileError('SPEC_VARS', file, `var "${String(v.name)}" references undefined section "${v.section}" in ${where}`);
  }
}

function durationToMs(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const re = /(\d+)(ms|s|m|h)/g;
  let total = 0;
  let m: RegExpExecArray | null;
  let any = false;
  while ((m = re.exec(s))) {
    any = true;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60000 : n * 3600000;
  }
  return any ? total : undefined;
}

function durationRule(ctx: Ctx, file: string, vars: Obj[]): void {
  for (const v of vars) {
    if (v.type !== 'duration') continue;
    const min = durationToMs(v.min_duration);
    const max = durationToMs(v.max_duration);
    const def = durationToMs(v.default);
    const n = String(v.name);
    if (min !== undefined && max !== undefined && min > max) ctx.fileError('SPEC_VARS', file, `variable "${n}": min_duration ${String(v.min_duration)} is greater than max_duration ${String(v.max_duration)}`);
    if (def !== undefined && min !== undefined && def < min) ctx.fileError('SPEC_VARS', file, `variable "${n}": default ${String(v.default)} is less than min_duration ${String(v.min_duration)}`);
    if (def !== undefined && max !== undefined && def > max) ctx.fileError('SPEC_VARS', file, `variable "${n}": default ${String(v.default)} is greater than max_duration ${String(v.max_duration)}`);
  }
}

async function varsRules(ctx: Ctx): Promise<void> {
  const m = ctx.manifest;
  const rootVars = varsOf(m);
  const v36 = ctx.version.gte('3.6.0');
  const dsManifests: { file: string; m: Obj }[] = [];
  for (const c of ctx.children('data_stream')) {
    const f = `${c.path}/manifest.yml`;
    const dm = await ctx.value(f);
    if (isObj(dm)) dsManifests.push({ file: f, m: dm });
  }
  // required_vars
  for (const pt of asObjs(m.policy_templates)) {
    for (const inp of asObjs(pt.inputs)) requiredVarsRule(ctx, 'manifest.yml', inp, [...rootVars, ...varsOf(pt), ...varsOf(inp)]);
    if (ctx.type === 'input') requiredVarsRule(ctx, 'manifest.yml', pt, [...rootVars, ...varsOf(pt)]);
  }
  for (const d of dsManifests) for (const s of asObjs(d.m.streams)) requiredVarsRule(ctx, d.file, s, varsOf(s));
  // var groups
  if (v36) {
    varGroupsRule(ctx, 'manifest.yml', m.var_groups, rootVars);
    for (const pt of asObjs(m.policy_templates)) {
      varGroupsRule(ctx, 'manifest.yml', pt.var_groups, [...rootVars, ...varsOf(pt)]);
      for (const inp of asObjs(pt.inputs)) if (inp.var_groups) varGroupsRule(ctx, 'manifest.yml', inp.var_groups, [...rootVars, ...varsOf(pt), ...varsOf(inp)]);
    }
  }
  // sections (present in the manifest → check)
  if (m.sections !== undefined || rootVars.some((v) => v.section !== undefined)) sectionsRule(ctx, 'manifest.yml', m.sections, rootVars, 'package root');
  asObjs(m.policy_templates).forEach((pt) => {
    if (pt.sections !== undefined || varsOf(pt).some((v) => v.section !== undefined)) sectionsRule(ctx, 'manifest.yml', pt.sections, varsOf(pt), `policy template "${String(pt.name)}"`);
  });
  // durations
  if (ctx.version.gte('3.5.0')) {
    durationRule(ctx, 'manifest.yml', rootVars);
    for (const pt of asObjs(m.policy_templates)) {
      durationRule(ctx, 'manifest.yml', varsOf(pt));
      for (const inp of asObjs(pt.inputs)) durationRule(ctx, 'manifest.yml', varsOf(inp));
    }
    for (const d of dsManifests) for (const s of asObjs(d.m.streams)) durationRule(ctx, d.file, varsOf(s));
  }
  // fleet reserved vars
  if (ctx.version.gte('3.6.1') && (ctx.type === 'integration' || ctx.type === 'input')) {
    const check = (file: string, where: string, vars: Obj[], level: 'root' | 'stream', input: string | undefined, dsType: string | undefined, dyn: boolean): void => {
      for (const v of vars) {
        if (v.name === 'use_apm') {
          if (v.type !== 'bool') ctx.fileError('SPEC_VARS', file, `${where}: variable "use_apm" must be type "bool", got "${String(v.type)}"`);
          if (level === 'root') {
            ctx.fileError('SPEC_VARS', file, `${where}: variable "use_apm" must only be declared at stream level`);
            continue;
          }
          if (input !== undefined && input !== 'otelcol') ctx.fileError('SPEC_VARS', file, `${where}: variable "use_apm" must be "otelcol" input, got "${input}"`);
          if (dsType !== 'traces' && !dyn) ctx.fileError('SPEC_VARS', file, `${where}: variable "use_apm" must be "traces" data stream type or "dynamic_signal_types: true", got "${String(dsType)}" data stream type`);
        }
        if (v.name === 'data_stream.dataset') {
          if (level === 'root') {
            ctx.fileError('SPEC_VARS', file, `${where}: variable "data_stream.dataset" must only be declared at stream level`);
            continue;
          }
          if (v.type !== 'text') ctx.fileError('SPEC_VARS', file, `${where}: variable "data_stream.dataset" must be type "text", got "${String(v.type)}"`);
        }
      }
    };
    check('manifest.yml', 'package root vars', rootVars, 'root', undefined, undefined, false);
    if (ctx.type === 'input') {
      for (const pt of asObjs(m.policy_templates)) check('manifest.yml', `policy template "${String(pt.name)}"`, varsOf(pt), 'stream', typeof pt.input === 'string' ? pt.input : undefined, typeof pt.type === 'string' ? pt.type : undefined, pt.dynamic_signal_types === true);
    } else {
      for (const d of dsManifests) {
        for (const s of asObjs(d.m.streams)) check(d.file, `stream with input type "${String(s.input)}"`, varsOf(s), 'stream', typeof s.input === 'string' ? s.input : undefined, typeof d.m.type === 'string' ? d.m.type : undefined, s.dynamic_signal_types === true);
      }
    }
  }
}

async function policyRules(ctx: Ctx): Promise<void> {
  const m = ctx.manifest;
  const v36 = ctx.version.gte('3.6.0');
  if (v36) {
    for (const pt of asObjs(m.policy_templates)) {
      if (ctx.type === 'input') {
        if (pt.dynamic_signal_types === true && pt.input !== 'otelcol') ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}": dynamic_signal_types is only allowed when input is 'otelcol'`);
      }
      for (const inp of asObjs(pt.inputs)) {
        if (inp.dynamic_signal_types === true && inp.type !== 'otelcol') ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}": input type "${String(inp.type)}": dynamic_signal_types is only allowed when input is 'otelcol'`);
      }
    }
  }
  // deployment modes
  if (ctx.type === 'integration') {
    for (const pt of asObjs(m.policy_templates)) {
      const dm = isObj(pt.deployment_modes) ? pt.deployment_modes : undefined;
      if (!dm) continue;
      const agentless = isObj(dm.agentless) ? dm.agentless : undefined;
      const def = isObj(dm.default) ? dm.default : undefined;
      const agentlessOn = agentless?.enabled === true;
      const defaultOn = def ? def.enabled !== false : true;
      if (agentlessOn && !defaultOn && agentless?.release !== undefined) {
        ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy template "${String(pt.name)}" sets agentless.release but agentless is the only deployment mode; use the package version to indicate maturity instead`);
      }
    }
  }
  // inputs deprecation
  if (ctx.type === 'integration' && v36 && !isObj(m.deprecated)) {
    const inputs = asObjs(m.policy_templates).flatMap((pt) => asObjs(pt.inputs));
    if (inputs.length && inputs.every((i) => isObj(i.deprecated))) ctx.fileError('SPEC_POLICY', 'manifest.yml', 'all inputs are deprecated but the integration package is not marked as deprecated');
  }
  // input qualifier
  if (ctx.type === 'integration' && v36 && ctx.mode !== 'source') {
    for (const pt of asObjs(m.policy_templates)) {
      const counts = new Map<string, number>();
      for (const i of asObjs(pt.inputs)) if (typeof i.type === 'string') counts.set(i.type, (counts.get(i.type) ?? 0) + 1);
      for (const i of asObjs(pt.inputs)) {
        if (typeof i.type === 'string' && (counts.get(i.type) ?? 0) > 1 && typeof i.name !== 'string') {
          ctx.fileError('SVR00010', 'manifest.yml', `policy template "${String(pt.name)}": input type "${i.type}" is used more than once, each occurrence needs a name (SVR00010)`);
        }
      }
    }
  }
  // package references
  if (ctx.type === 'integration' && v36) {
    const req = isObj(m.requires) ? m.requires : {};
    const inputReqs = asObjs(req.input);
    const contentReqs = asObjs(req.content);
    asObjs(m.policy_templates).forEach((pt, i) => {
      asObjs(pt.inputs).forEach((inp, j) => {
        if (typeof inp.package !== 'string') return;
        if (ctx.mode === 'build') {
          ctx.fileError('SPEC_BUILD', 'manifest.yml', `policy_templates[${i}].input[${j}] has 'package:' which is source-only`);
          return;
        }
        if (contentReqs.some((r) => r.package === inp.package)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy_templates[${i}].inputs[${j}] references package "${inp.package}" which is a content package`);
        else if (!inputReqs.some((r) => r.package === inp.package)) ctx.fileError('SPEC_POLICY', 'manifest.yml', `policy_templates[${i}].inputs[${j}] references package "${inp.package}" which is not listed in requires section`);
      });
    });
  }
  // test package requirements
  if (ctx.type === 'integration' && v36 && ctx.mode !== 'build') {
    const req = isObj(m.requires) ? m.requires : {};
    const all = [...asObjs(req.input), ...asObjs(req.content)];
    const cfgs = [...ctx.files.keys()].filter((f) => f === '_dev/test/config.yml' || /^data_stream\/[^/]+\/_dev\/test\/config\.yml$/.test(f));
    for (const f of cfgs) {
      const c = await ctx.value(f);
      if (!isObj(c)) continue;
      for (const [kind, sec] of Object.entries(c)) {
        if (!isObj(sec)) continue;
        asObjs(sec.requires).forEach((r, i) => {
          if (typeof r.package !== 'string') return; // `source:` requirements point at local folders
          const dep = all.find((x) => x.package === r.package);
          if (!dep) {
            ctx.fileError('SPEC_TEST_CONFIG', f, `${kind}.requires[${i}] references package "${String(r.package)}" which is not listed in manifest requires section`);
            return;
          }
          if (typeof r.version === 'string' && typeof dep.version === 'string') {
            let ok = false;
            try {
              ok = semver.satisfies(r.version, dep.version);
            } catch {
              ok = false;
            }
            if (!ok) ctx.fileError('SPEC_TEST_CONFIG', f, `${kind}.requires[${i}] package "${String(r.package)}" version "${r.version}" does not satisfy constraint "${dep.version}"`);
          }
        });
      }
    }
  }
}

/** DeprecatedReplacedBy (>= 3.6): a `replaced_by` names the replacement at its own level. */
async function deprecatedReplacedBy(ctx: Ctx): Promise<void> {
  if (ctx.version.lt('3.6.0')) return;
  const check = (file: string, holder: Obj, key: string, where: string): void => {
    const dep = holder.deprecated;
    if (!isObj(dep) || !isObj(dep.replaced_by)) return;
    if (typeof dep.replaced_by[key] !== 'string' || !dep.replaced_by[key]) {
      ctx.fileError('SPEC_POLICY', file, `${where}: deprecated.replaced_by must define "${key}"`);
    }
  };
  const m = ctx.manifest;
  check('manifest.yml', m, 'package', 'package');
  for (const v of varsOf(m)) check('manifest.yml', v, 'variable', `variable "${String(v.name)}"`);
  for (const pt of asObjs(m.policy_templates)) {
    check('manifest.yml', pt, 'policy_template', `policy template "${String(pt.name)}"`);
    for (const v of varsOf(pt)) check('manifest.yml', v, 'variable', `variable "${String(v.name)}"`);
    for (const inp of asObjs(pt.inputs)) {
      check('manifest.yml', inp, 'input', `input "${String(inp.type ?? inp.package)}"`);
      for (const v of varsOf(inp)) check('manifest.yml', v, 'variable', `variable "${String(v.name)}"`);
    }
  }
  for (const c of ctx.children('data_stream')) {
    const f = `${c.path}/manifest.yml`;
    const dm = await ctx.value(f);
    if (!isObj(dm)) continue;
    check(f, dm, 'data_stream', `data stream "${c.name}"`);
    for (const st of asObjs(dm.streams)) for (const v of varsOf(st)) check(f, v, 'variable', `variable "${String(v.name)}"`);
  }
}

/**
 * Sections enforced by DocsStructure (version 1). Elastic's `docs_schema/enforced_sections_v1.yml` is not
 * available here: this is the subset of its headings we are confident about.
 */
const ENFORCED_SECTIONS_V1 = [
  'Overview',
  'What data does this integration collect?',
  'What do I need to use this integration?',
  'How do I deploy this integration?',
  'Troubleshooting',
  'Reference',
];

/** DocsStructure (opt-in through validation.yml `docs_structure_enforced.enabled`). */
async function docsStructure(ctx: Ctx): Promise<void> {
  const vy = await ctx.value('validation.yml');
  const ds = isObj(vy) && isObj(vy.docs_structure_enforced) ? vy.docs_structure_enforced : undefined;
  if (!ds || ds.enabled !== true) return;
  const skip = new Set(asObjs(ds.skip).map((x) => String(x.title ?? '').trim().toLowerCase()));
  const required = ENFORCED_SECTIONS_V1.filter((t) => !skip.has(t.toLowerCase()));
  const problems: string[] = [];
  for (const f of ctx.children('docs').filter((c) => c.type === 'file' && c.name.endsWith('.md'))) {
    const text = (await ctx.text(f.path)) ?? '';
    const headings = new Set(
      text
        .split('\n')
        .map((l) => /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(l)?.[1])
        .filter((h): h is string => !!h)
        .map((h) => h.trim().toLowerCase()),
    );
    const missing = required.filter((t) => !headings.has(t.toLowerCase()));
    if (missing.length) problems.push(`${f.path}: missing required section(s) ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
  if (problems.length) ctx.error('SPEC_DOCS', `documentation structure validation failed: ${problems.join('; ')}`, 'docs');
}

/** Parent of a category per Elastic's categories.yml (`src/package/categories.ts`); top-level ones are their own parent. */
const parentOf = (c: string): string => CATEGORIES[c]?.parent_id ?? c;

async function categoryRules(ctx: Ctx): Promise<void> {
  if (ctx.type !== 'integration') return;
  const m = ctx.manifest;
  const pkgCats = asArr(m.categories).map(String);
  for (const c of ctx.children('data_stream')) {
    const f = `${c.path}/manifest.yml`;
    const dm = await ctx.value(f);
    if (!isObj(dm) || !Array.isArray(dm.categories)) continue;
    const dsCats = dm.categories.map(String);
    for (const pt of asObjs(m.policy_templates)) {
      if (!Array.isArray(pt.categories)) continue;
      const dss = Array.isArray(pt.data_streams) ? pt.data_streams.map(String) : undefined;
      if (dss && !dss.includes(c.name)) continue;
      const ptCats = pt.categories.map(String);
      const missing = ptCats.filter((x) => !dsCats.includes(x));
      if (missing.length) ctx.fileError('SPEC_POLICY', 'manifest.yml', `data stream "${c.name}" manifest categories [${dsCats.join(' ')}] are missing policy template "${String(pt.name)}" categories [${missing.join(' ')}] (defined in "${ctx.filePath(f)}")`);
    }
    const parents = [...new Set(dsCats.map(parentOf))].filter((p) => !pkgCats.includes(p));
    if (parents.length) ctx.fileError('SPEC_POLICY', 'manifest.yml', `package manifest categories [${pkgCats.join(' ')}] are missing parent categories [${parents.join(' ')}] from data stream "${c.name}" (defined in "${ctx.filePath(f)}")`);
  }
}

/** Run every semantic rule. Each rule is isolated: a crash in one becomes an INTERNAL-ish issue, not a thrown error. */
export async function runSemanticRules(ctx: Ctx): Promise<void> {
  const rules: [string, (c: Ctx) => Promise<void> | void][] = [
    ['VersionIntegrity', versionIntegrity],
    ['ChangelogLinks', changelogLinks],
    ['Prerelease', prerelease],
    ['MinimumKibanaVersion', minimumKibanaVersion],
    ['MinimumAgentVersion', minimumAgentVersion],
    ['CapabilitiesRequired', capabilitiesRequired],
    ['FieldGroups', fieldGroups],
    ['Fields', fieldsRules],
    ['DataStreams', dataStreamRules],
    ['Kibana', kibanaRules],
    ['KibanaFilterPresent', kibanaFilterPresent],
    ['KibanaTagDuplicates', tagDuplicates],
    ['DeploymentModes', deploymentModesRule],
    ['Pipelines', pipelineRules],
    ['PipelineRenameMessage', pipelineRenameMessage],
    ['StaticHandlebarsFiles', staticHandlebars],
    ['TemplatePaths', inputTemplateChecks],
    ['Vars', varsRules],
    ['Policy', policyRules],
    ['DeprecatedReplacedBy', deprecatedReplacedBy],
    ['Categories', categoryRules],
    ['DocsStructure', docsStructure],
  ];
  for (const [name, rule] of rules) {
    try {
      await rule(ctx);
    } catch (e) {
      ctx.error('SPEC_INTERNAL', `rule ${name} failed: ${(e as Error).message}`);
    }
  }
}
