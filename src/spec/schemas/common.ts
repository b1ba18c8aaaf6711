/**
 * Shared JSON-schema pieces of the package-spec content schemas, hand-encoded from Elastic's
 * `spec/integration/*.spec.yml` and version-gated by `SpecVersion` instead of RFC 6902 patches.
 */
import type { SpecVersion } from '../versions.js';

export type S = Record<string, unknown>;

export const VERSION_PATTERN = '^([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+)?$';
export const NAME_PATTERN = '^[a-z0-9_]+$';
export const DURATION_PATTERN = '^(\\d+[smh]|\\d+ms)+$';
export const SECRET_NAME_RE = /(access_key|api_key|passphrase|password|secret|token)(?!.*_(file|url)$)/;

export const str: S = { type: 'string' };
export const bool: S = { type: 'boolean' };
export const anyValue: S = {};

export function obj(properties: S, required: string[] = [], strict = true): S {
  const o: S = { type: 'object', properties };
  if (required.length) o.required = required;
  if (strict) o.additionalProperties = false;
  return o;
}

export function arr(items: S, minItems?: number): S {
  const a: S = { type: 'array', items };
  if (minItems !== undefined) a.minItems = minItems;
  return a;
}

export function deprecated(): S {
  return obj(
    {
      description: str,
      since: str,
      replaced_by: obj({ package: str, policy_template: str, input: str, variable: str, data_stream: str }, [], false),
    },
    ['description', 'since'],
  );
}

export const iconSchema: S = obj(
  { src: { type: 'string', format: 'relative-path' }, title: str, size: str, type: str, dark_mode: bool },
  ['src'],
);
export const screenshotSchema: S = obj(
  { src: { type: 'string', format: 'relative-path' }, title: str, size: str, type: str },
  ['src', 'title'],
);

export const VAR_TYPES = ['text', 'password', 'bool', 'integer', 'select', 'textarea', 'yaml', 'url', 'duration', 'email', 'float', 'number', 'date', 'time', 'datetime', 'datetime-local', 'keyword', 'string'];

const varSchemaCache = new Map<string, S>();

/** A variable definition (`vars[]`) at any level (one object per version, so `compile` can share it). */
export function varSchema(v: SpecVersion): S {
  let s = varSchemaCache.get(v.v);
  if (!s) {
    s = buildVarSchema(v);
    varSchemaCache.set(v.v, s);
  }
  return s;
}

function buildVarSchema(v: SpecVersion): S {
  const props: S = {
    name: str,
    type: { type: 'string' },
    title: str,
    description: str,
    multi: bool,
    required: bool,
    show_user: bool,
    default: anyValue,
    options: arr(obj({ value: anyValue, text: str }, ['value', 'text'], false)),
    url_allowed_schemes: arr(str),
    hide_in_deployment_modes: arr({ type: 'string', enum: v.gte('3.2.0') ? ['agentless', 'default'] : ['agentless'] }),
    section: str,
    full_width: bool,
    placeholder: str,
  };
  if (v.gte('3.5.0')) {
    props.min_duration = { type: 'string', pattern: DURATION_PATTERN };
    props.max_duration = { type: 'string', pattern: DURATION_PATTERN };
  }
  if (v.gte('2.6.0')) props.secret = bool;
  if (v.gte('3.6.0')) props.deprecated = deprecated();
  if (v.gte('3.7.0')) props.migrate_from = obj({ scope: { type: 'string', enum: ['input', 'stream'] }, stream: str, input: str, name: str }, ['scope'], false);
  const s: S = obj(props, ['name', 'type']);
  const allOf: S[] = [
    { if: { properties: { type: { const: 'select' } }, required: ['type'] }, then: { required: ['options'] }, else: { not: { required: ['options'] } } },
  ];
  if (v.gte('3.5.0')) {
    allOf.push(
      { if: { properties: { type: { not: { const: 'duration' } } } }, then: { not: { anyOf: [{ required: ['min_duration'] }, { required: ['max_duration'] }] } } },
      { if: { properties: { type: { const: 'duration' } }, required: ['type'] }, then: { properties: { default: { type: 'string', pattern: DURATION_PATTERN } } } },
    );
  }
  if (v.gte('3.0.0')) {
    allOf.push({
      if: {
        anyOf: [
          { properties: { name: { type: 'string', pattern: '(access_key|api_key|passphrase|password|secret|token)' } }, required: ['name'] },
          { properties: { type: { const: 'password' } }, required: ['type'] },
        ],
        not: { properties: { name: { pattern: '(_file|_url)$' } }, required: ['name'] },
      },
      then: { required: ['secret'] },
    });
  }
  s.allOf = allOf;
  return s;
}

const varsSchemaCache = new Map<string, S>();
export function varsSchema(v: SpecVersion): S {
  let s = varsSchemaCache.get(v.v);
  if (!s) {
    s = arr(varSchema(v));
    varsSchemaCache.set(v.v, s);
  }
  return s;
}

export function requiredVarsSchema(): S {
  return {
    type: 'object',
    additionalProperties: arr(obj({ name: { type: 'string', minLength: 1 }, value: anyValue }, ['name'])),
  };
}

export function varGroupsSchema(): S {
  return arr(
    obj(
      {
        name: str,
        title: str,
        selector_title: str,
        description: str,
        required: bool,
        options: arr(obj({ name: str, title: str, description: str, vars: arr(str), hide_in_deployment_modes: arr(str) }, ['name', 'title', 'vars'], false)),
      },
      ['name', 'options'],
      false,
    ),
  );
}

export function sectionsSchema(): S {
  return arr(obj({ name: str, title: str, description: str, collapsed: bool, advanced: bool }, ['name', 'title'], false));
}

export const providerPermissions: S = arr(
  obj(
    {
      provider: str,
      description: str,
      permissions: arr(obj({ name: str, description: str }, ['name'])),
      roles: arr(obj({ id: str, name: str, description: str }, [], false)),
    },
    ['provider'],
  ),
);
