/** Schemas of the other package files: changelog, data stream manifest, fields, tags, lifecycle, routing rules, _dev configs. */
import type { SpecVersion } from '../versions.js';
import { type S, obj, arr, str, bool, anyValue, VERSION_PATTERN, varsSchema, requiredVarsSchema, providerPermissions, deprecated } from './common.js';

export function changelogSchema(): S {
  return arr(
    obj(
      {
        version: { type: 'string', pattern: VERSION_PATTERN },
        changes: arr(
          obj(
            { description: str, type: { type: 'string', enum: ['breaking-change', 'bugfix', 'enhancement', 'deprecation'] }, link: { type: 'string' } },
            ['description', 'type', 'link'],
          ),
          1,
        ),
      },
      ['version', 'changes'],
    ),
    1,
  );
}

export function dataStreamManifestSchema(v: SpecVersion, mode: string): S {
  const stream: S = obj(
    {
      input: str,
      package: str,
      title: str,
      description: str,
      template_path: str,
      template_paths: arr(str),
      enabled: bool,
      vars: { type: 'array' },
      required_vars: requiredVarsSchema(),
      migrate_from: anyValue,
      provider_permissions: providerPermissions,
      deprecated: deprecated(),
    },
    ['title', 'description'],
    false,
  );
  // vars of a stream that references a package are overrides (no type needed)
  stream.allOf = [{ if: { not: { required: ['package'] } }, then: { properties: { vars: varsSchema(v) } } }];
  if (mode === 'build') (stream.required as string[]).unshift('input');
  else stream.anyOf = [{ required: ['input'] }, { required: ['package'] }];
  const types = ['logs', 'metrics', 'synthetics', 'traces'];
  if (v.gte('2.7.0')) types.push('profiles');
  const props: S = {
    title: str,
    type: { type: 'string', enum: types },
    dataset: { type: 'string', pattern: '^[a-z0-9_.]+$' },
    dataset_is_prefix: bool,
    ilm_policy: str,
    hidden: bool,
    streams: arr(stream),
    elasticsearch: { type: 'object' },
    categories: arr(str),
    provider_permissions: providerPermissions,
  };
  if (v.lt('2.3.0')) props.release = { type: 'string', enum: ['experimental', 'beta', 'ga'] };
  if (v.gte('3.6.0')) props.deprecated = deprecated();
  return obj(props, ['title'], v.gte('3.0.0'));
}

export const FIELD_TYPES = [
  'aggregate_metric_double', 'alias', 'histogram', 'constant_keyword', 'text', 'match_only_text', 'keyword', 'long', 'integer', 'short', 'byte',
  'double', 'float', 'half_float', 'scaled_float', 'date', 'date_nanos', 'boolean', 'binary', 'integer_range', 'float_range', 'long_range',
  'double_range', 'date_range', 'ip_range', 'group', 'geo_point', 'object', 'ip', 'nested', 'flattened', 'wildcard', 'version', 'unsigned_long',
  'counted_keyword', 'array', 'semantic_text', 'dense_vector', 'sparse_vector', 'rank_feature', 'rank_features', 'geo_shape', 'point', 'shape',
  'passthrough', 'search_as_you_type', 'completion', 'token_count', 'annotated_text', 'murmur3', 'percolator', 'join', 'exponential_histogram',
];

function fieldSchema(v: SpecVersion): S {
  void v;
  return {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      type: { type: 'string' },
      description: str,
      fields: { $ref: '#/definitions/fields' },
      external: { type: 'string', enum: ['ecs'] },
      dimension: bool,
      metric_type: str,
      unit: str,
    },
    required: ['name'],
  };
}

export function fieldsSchema(v: SpecVersion): S {
  return { definitions: { fields: { type: 'array', items: fieldSchema(v) } }, $ref: '#/definitions/fields' };
}

export function tagsSchema(): S {
  const assetTypes = ['dashboard', 'visualization', 'search', 'map', 'lens', 'index_pattern', 'security_rule', 'csp_rule_template', 'alerting_rule_template', 'slo_template', 'ml_module', 'osquery_pack_asset', 'osquery_saved_query'];
  return arr(obj({ text: str, asset_types: arr({ type: 'string', enum: assetTypes }), asset_ids: arr(str) }, ['text'], true));
}

export function tagsSchemaFull(): S {
  const s = tagsSchema();
  (s.items as S).anyOf = [{ required: ['asset_types'] }, { required: ['asset_ids'] }];
  return s;
}

export function lifecycleSchema(): S {
  return obj({ data_retention: str }, [], true);
}

export function routingRulesSchema(): S {
  return arr(
    obj(
      {
        source_dataset: str,
        rules: arr(obj({ target_dataset: anyValue, if: str, namespace: anyValue }, ['target_dataset', 'if'], false)),
      },
      ['source_dataset', 'rules'],
    ),
  );
}

export function validationYmlSchema(): S {
  return obj(
    {
      errors: obj({ exclude_checks: arr(str) }, [], false),
      docs_structure_enforced: obj({ enabled: bool, version: anyValue, skip: arr(anyValue) }, [], false),
    },
    [],
    false,
  );
}

const DATASET_VAR = { type: 'string', pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9\\._]*$' };

function testVars(): S {
  return { type: ['object', 'null'], properties: { 'data_stream.dataset': DATASET_VAR } };
}

export function systemTestConfigSchema(): S {
  return {
    type: 'object',
    properties: {
      vars: testVars(),
      data_stream: { type: ['object', 'null'], properties: { vars: testVars() } },
      skip_ignored_fields: arr(str),
      wait_for_data_timeout: str,
    },
  };
}

export function policyTestConfigSchema(): S {
  return { type: 'object', properties: { vars: testVars(), data_stream: { type: ['object', 'null'], properties: { vars: testVars() } } } };
}

export function devTestConfigSchema(): S {
  const req = arr(obj({ package: str, version: str, source: str }, [], false));
  const section = (extra: S = {}): S => obj({ parallel: bool, requires: req, skip: anyValue, ...extra }, [], true);
  return obj({ asset: section(), pipeline: section(), policy: section({ ignore_fields: arr(str) }), static: section(), system: section(), script: section() }, [], false);
}

export function customAgentSchema(): S {
  return {
    type: 'object',
    properties: {
      version: anyValue,
      services: { type: 'object', properties: { 'docker-custom-agent': { type: 'object', not: { anyOf: [{ required: ['hostname'] }, { required: ['container_name'] }] } } } },
    },
  };
}

export function esqlViewSchema(): S {
  return obj({ name: str, query: str, description: str }, ['name', 'query'], false);
}

export function buildYmlSchema(): S {
  return obj({ dependencies: obj({ ecs: obj({ reference: str, import_mappings: bool }, ['reference'], false) }, [], false) }, [], false);
}

export function benchmarkSystemSchema(): S {
  return { type: 'object', properties: { deployer: { type: 'string', enum: ['docker', 'tf', 'k8s'] } } };
}

/** Ingest pipelines are schema-checked from 3.0.0: processors are single-key objects. */
export function ingestPipelineSchema(): S {
  const processor: S = { type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: { type: 'object' } };
  return {
    type: 'object',
    properties: {
      description: str,
      version: { type: 'integer' },
      processors: arr(processor),
      on_failure: arr(processor),
      _meta: { type: 'object' },
      deprecated: bool,
    },
  };
}
