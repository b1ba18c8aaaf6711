/** Root `manifest.yml` schemas for integration, input and content packages, per format_version. */
import type { SpecVersion } from '../versions.js';
import {
  type S, obj, arr, str, bool, anyValue, VERSION_PATTERN, NAME_PATTERN, iconSchema, screenshotSchema, varsSchema,
  requiredVarsSchema, varGroupsSchema, sectionsSchema, providerPermissions, deprecated,
} from './common.js';

function conditions(v: SpecVersion): S {
  const elastic: S = { subscription: { type: 'string', enum: ['basic', 'gold', 'platinum', 'enterprise'] } };
  if (v.gte('2.10.0')) elastic.capabilities = arr(str);
  return obj({
    kibana: obj({ version: str }),
    elastic: obj(elastic),
    agent: obj({ version: str }),
  });
}

function owner(v: SpecVersion): S {
  return obj(
    {
      github: { type: 'string', pattern: '^(([a-zA-Z0-9-_]+)|([a-zA-Z0-9-_]+\\/[a-zA-Z0-9-_]+))$' },
      type: { type: 'string', enum: ['elastic', 'partner', 'community'] },
    },
    v.gte('3.0.0') ? ['github', 'type'] : ['github'],
  );
}

function source(): S {
  return obj({ license: { type: 'string', enum: ['Apache-2.0', 'Elastic-2.0'] } });
}

function agentlessMode(v: SpecVersion): S {
  const props: S = {
    enabled: bool,
    is_default: bool,
    organization: str,
    division: str,
    team: str,
    resources: obj({ requests: obj({ memory: str, cpu: str }, [], false) }, [], false),
    release: { type: 'string', enum: ['ga', 'beta'] },
  };
  const req = v.gte('3.2.2') ? ['organization', 'division', 'team'] : [];
  return {
    ...obj(props, [], true),
    if: { properties: { enabled: { const: true } }, required: ['enabled'] },
    then: req.length ? { required: req } : {},
  };
}

function deploymentModes(v: SpecVersion): S {
  const props: S = { agentless: agentlessMode(v) };
  if (v.gte('3.2.0')) props.default = obj({ enabled: bool }, [], true);
  return obj(props);
}

function requires(): S {
  const ref = obj({ package: { type: 'string', pattern: NAME_PATTERN }, version: str }, ['package', 'version'], false);
  return obj({ input: arr(ref), content: arr(ref) });
}

function requiredDiscovery(): S {
  return obj({
    fields: arr(obj({ name: str }, ['name'])),
    datasets: arr(obj({ name: str }, ['name'])),
  });
}

function integrationInput(v: SpecVersion): S {
  const props: S = {
    type: v.lt('3.5.0') ? { type: 'string', not: { const: 'otelcol' } } : str,
    title: str,
    description: str,
    template_path: str,
    input_group: { type: 'string', enum: ['logs', 'metrics'] },
    multi: bool,
    vars: varsSchema(v),
    required_vars: requiredVarsSchema(),
    deployment_modes: arr({ type: 'string', enum: ['default', 'agentless'] }),
    hide_in_var_group_options: anyValue,
    provider_permissions: providerPermissions,
  };
  if (v.gte('3.6.0')) {
    props.package = { type: 'string', pattern: NAME_PATTERN };
    props.name = str;
    props.deprecated = deprecated();
    props.var_groups = varGroupsSchema();
    props.migrate_from = anyValue;
    props.template_paths = arr(str);
    props.dynamic_signal_types = bool;
  }
  const s = obj(props, ['title', 'description']);
  if (v.gte('3.6.0')) s.anyOf = [{ required: ['type'] }, { required: ['package'] }];
  else (s.required as string[]).unshift('type');
  return s;
}

function integrationPolicyTemplate(v: SpecVersion): S {
  const props: S = {
    name: str,
    title: str,
    description: str,
    data_streams: arr({ type: 'string', format: 'data-stream-name' }),
    categories: arr(str),
    inputs: arr(integrationInput(v)),
    multiple: bool,
    icons: arr(iconSchema),
    screenshots: arr(screenshotSchema),
    vars: varsSchema(v),
    configuration_links: arr(obj({ title: str, url: str, type: { type: 'string', enum: ['action', 'next_step'] }, content: str }, ['title', 'url', 'type'])),
    fips_compatible: bool,
    provider_permissions: providerPermissions,
  };
  if (v.gte('3.1.0')) props.deployment_modes = deploymentModes(v);
  if (v.gte('3.6.0')) {
    props.deprecated = deprecated();
    props.var_groups = varGroupsSchema();
  }
  props.sections = sectionsSchema();
  return obj(props, ['name', 'title', 'description']);
}

function inputPolicyTemplate(v: SpecVersion): S {
  const props: S = {
    name: { type: 'string', pattern: '^[a-z0-9_]+$' },
    title: str,
    description: str,
    type: { type: 'string', enum: v.gte('3.5.0') ? ['logs', 'metrics', 'synthetics', 'traces', 'profiles'] : ['logs', 'metrics', 'synthetics', 'traces'] },
    input: v.lt('3.5.0') ? { type: 'string', not: { const: 'otelcol' } } : str,
    template_path: str,
    icons: arr(iconSchema),
    screenshots: arr(screenshotSchema),
    vars: varsSchema(v),
    multiple: bool,
    categories: arr(str),
    configuration_links: arr(obj({ title: str, url: str, type: { type: 'string', enum: ['action', 'next_step'] }, content: str }, ['title', 'url', 'type'])),
    fips_compatible: bool,
    required_vars: requiredVarsSchema(),
    provider_permissions: providerPermissions,
    sections: sectionsSchema(),
  };
  if (v.gte('3.1.0')) props.deployment_modes = deploymentModes(v);
  if (v.gte('3.6.0')) {
    props.template_paths = arr(str);
    props.dynamic_signal_types = bool;
    props.deprecated = deprecated();
    props.var_groups = varGroupsSchema();
  }
  const s = obj(props, ['name', 'title', 'description', 'input']);
  const oneOfTpl = v.gte('3.6.0') ? { oneOf: [{ required: ['template_path'] }, { required: ['template_paths'] }] } : { required: ['template_path'] };
  const typeReq = v.gte('3.6.0') ? { anyOf: [{ required: ['type'] }, { required: ['dynamic_signal_types'], properties: { dynamic_signal_types: { const: true } } }] } : { required: ['type'] };
  s.allOf = [oneOfTpl, typeReq, { if: { properties: { type: { const: 'profiles' } }, required: ['type'] }, then: { properties: { input: { const: 'otelcol' } } } }];
  return s;
}

function base(v: SpecVersion, type: string): S {
  const props: S = {
    format_version: { type: 'string', pattern: VERSION_PATTERN },
    name: { type: 'string', pattern: NAME_PATTERN },
    title: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'string', pattern: VERSION_PATTERN },
    type: { type: 'string', enum: [type] },
    source: source(),
    categories: arr(str),
    conditions: conditions(v),
    icons: arr(iconSchema),
    screenshots: arr(screenshotSchema),
    owner: owner(v),
    agent: obj({ privileges: obj({ root: bool }) }),
  };
  if (v.lt('2.0.0')) props.license = { type: 'string', enum: ['basic', 'gold', 'platinum', 'enterprise'] };
  if (v.lt('2.3.0')) props.release = { type: 'string', enum: ['experimental', 'beta', 'ga'] };
  if (v.gte('3.6.0')) {
    props.deprecated = deprecated();
  }
  return props;
}

export function manifestSchema(type: string, v: SpecVersion): S {
  const props = base(v, type);
  const required = ['format_version', 'name', 'title', 'description', 'version', 'type', 'owner'];
  if (type === 'integration') {
    Object.assign(props, {
      policy_templates: arr(integrationPolicyTemplate(v)),
      vars: varsSchema(v),
      elasticsearch: obj({ privileges: obj({ cluster: arr(str) }, [], false) }, [], false),
      provider_permissions: providerPermissions,
      sections: sectionsSchema(),
      // ungated patch-release fields (3.6.x)
      group: { type: 'string', pattern: NAME_PATTERN },
    });
    if (v.gte('3.3.0')) props.policy_templates_behavior = { type: 'string' };
    if (v.gte('3.6.0')) {
      props.requires = requires();
      props.var_groups = varGroupsSchema();
    }
  } else if (type === 'input') {
    Object.assign(props, {
      policy_templates: arr(inputPolicyTemplate(v)),
      vars: varsSchema(v),
      elasticsearch: obj({ index_template: obj({ mappings: anyValue, settings: anyValue }, [], false) , privileges: obj({ cluster: arr(str), indices: arr(str) }, [], false)}, [], false),
      group: { type: 'string', pattern: NAME_PATTERN },
      provider_permissions: providerPermissions,
      sections: sectionsSchema(),
    });
    if (v.gte('3.6.0')) props.var_groups = varGroupsSchema();
  } else if (type === 'content') {
    Object.assign(props, { discovery: requiredDiscovery() });
  }
  const s = obj(props, required);
  if (type === 'integration' && v.gte('3.3.0')) {
    s.allOf = [
      {
        if: { properties: { policy_templates: { type: 'array', maxItems: 1 } } },
        then: { properties: { policy_templates_behavior: { enum: ['all'] } } },
        else: { properties: { policy_templates_behavior: { enum: ['all', 'combined_policy', 'individual_policies'] } } },
      },
    ];
  }
  return s;
}
