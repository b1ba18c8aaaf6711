/** package-spec `spec/integration/manifest.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      agent: {
        type: 'object',
        additionalProperties: false,
        properties: {
          privileges: {
            type: 'object',
            additionalProperties: false,
            properties: {
              root: { type: 'boolean' },
            },
          },
        },
      },
      categories: {
        type: 'array',
        items: {
          type: 'string',
          enum: [
            'advanced_analytics_ueba',
            'analytics_engine',
            'application_observability',
            'app_search',
            'asset_inventory',
            'auditd',
            'authentication',
            'aws',
            'azure',
            'big_data',
            'cdn_security',
            'cloud',
            'cloudsecurity_cdr',
            'config_management',
            'connector',
            'connector_client',
            'connector_package',
            'containers',
            'content_source',
            'crawler',
            'credential_management',
            'crm',
            'custom',
            'custom_logs',
            'database_security',
            'datastore',
            'dns_security',
            'edr_xdr',
            'elasticsearch_sdk',
            'elastic_stack',
            'email_security',
            'enterprise_search',
            'firewall_security',
            'google_cloud',
            'iam',
            'ids_ips',
            'infrastructure',
            'java_observability',
            'kubernetes',
            'language_client',
            'languages',
            'load_balancer',
            'message_queue',
            'misconfiguration_workflow',
            'monitoring',
            'native_search',
            'network',
            'network_security',
            'notification',
            'observability',
            'opentelemetry',
            'os_system',
            'process_manager',
            'productivity',
            'productivity_security',
            'proxy_security',
            'sdk_search',
            'security',
            'siem',
            'stream_processing',
            'support',
            'threat_intel',
            'ticketing',
            'version_control',
            'virtualization',
            'vpn_security',
            'vulnerability_management',
            'vulnerability_workflow',
            'web',
            'web_application_firewall',
            'websphere',
            'workplace_search',
          ],
        },
      },
      conditions: {
        type: 'object',
        additionalProperties: false,
        properties: {
          elastic: {
            type: 'object',
            additionalProperties: false,
            properties: {
              subscription: { type: 'string', enum: ['basic', 'gold', 'platinum', 'enterprise'], default: 'basic' },
              capabilities: {
                type: 'array',
                uniqueItems: true,
                items: {
                  type: 'string',
                  enum: ['apm', 'enterprise_search', 'observability', 'security', 'serverless_search', 'uptime'],
                },
              },
            },
          },
          kibana: {
            type: 'object',
            additionalProperties: false,
            properties: {
              version: { type: 'string' },
            },
          },
          agent: {
            type: 'object',
            additionalProperties: false,
            properties: {
              version: { type: 'string' },
            },
          },
        },
      },
      description: { type: 'string' },
      deployment_modes: {
        type: 'object',
        additionalProperties: false,
        properties: {
          default: {
            type: 'object',
            properties: {
              enabled: { type: 'boolean', default: true },
            },
          },
          agentless: {
            type: 'object',
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean', default: false },
              is_default: { type: 'boolean', default: false },
              organization: { type: 'string' },
              division: { type: 'string' },
              team: { type: 'string' },
              release: { type: 'string', enum: ['beta', 'ga'] },
              resources: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  requests: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      memory: { type: 'string' },
                      cpu: { type: 'string' },
                    },
                  },
                },
              },
            },
            allOf: [
              {
                if: {
                  properties: {
                    enabled: { const: true },
                  },
                },
                then: { required: ['organization', 'division', 'team'] },
              },
            ],
          },
        },
      },
      configuration_links: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            title: { type: 'string' },
            url: { type: 'string', pattern: '^(http(s)?://|kbn:/)' },
            type: { type: 'string', enum: ['action', 'next_step'] },
            content: { type: 'string' },
          },
          required: ['title', 'url', 'type'],
        },
      },
      fips_compatible: { type: 'boolean', default: true },
      icons: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            src: { type: 'string', format: 'relative-path' },
            title: { type: 'string' },
            size: { type: 'string' },
            type: { type: 'string' },
            dark_mode: { type: 'boolean', default: false },
          },
          required: ['src'],
        },
      },
      screenshots: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            src: { type: 'string', format: 'relative-path' },
            title: { type: 'string' },
            size: { type: 'string' },
            type: { type: 'string' },
          },
          required: ['src', 'title'],
        },
      },
      source: {
        type: 'object',
        additionalProperties: false,
        properties: {
          license: { type: 'string', enum: ['Apache-2.0', 'Elastic-2.0'] },
        },
      },
      title: { type: 'string' },
      template_path: { type: 'string' },
      template_paths: {
        type: 'array',
        items: { type: 'string' },
      },
      version: {
        type: 'string',
        pattern: '^([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+)?$',
      },
      owner: {
        type: 'object',
        additionalProperties: false,
        properties: {
          github: { type: 'string', pattern: '^(([a-zA-Z0-9-_]+)|([a-zA-Z0-9-_]+\\/[a-zA-Z0-9-_]+))$' },
          type: { type: 'string', default: 'community', enum: ['elastic', 'partner', 'community'] },
        },
        required: ['github', 'type'],
      },
      deprecated: {
        type: 'object',
        additionalProperties: false,
        properties: {
          since: { $ref: '#/definitions/version' },
          description: { type: 'string' },
          replaced_by: {
            type: 'object',
            additionalProperties: false,
            properties: {
              package: { type: 'string' },
              input: { type: 'string' },
              policy_template: { type: 'string' },
              variable: { type: 'string' },
              data_stream: { type: 'string' },
            },
          },
        },
        required: ['since', 'description'],
      },
      group: { type: 'string', pattern: '^[a-z0-9_]+$' },
      package_reference: { type: 'string', pattern: '^[a-z0-9_]+$' },
      package_dependency: {
        type: 'object',
        additionalProperties: false,
        properties: {
          package: { type: 'string', pattern: '^[a-z0-9_]+$' },
          version: { type: 'string' },
        },
        required: ['package', 'version'],
      },
      requires: {
        type: 'object',
        additionalProperties: false,
        properties: {
          input: {
            type: 'array',
            items: { $ref: '#/definitions/package_dependency' },
          },
          content: {
            type: 'array',
            items: { $ref: '#/definitions/package_dependency' },
          },
        },
      },
      show_divider: { type: 'boolean', default: true },
      sections: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
            title: { type: 'string' },
            description: { type: 'string' },
          },
          required: ['name', 'title'],
        },
      },
      var_groups: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
            title: { type: 'string' },
            selector_title: { type: 'string' },
            description: { type: 'string' },
            required: { type: 'boolean', default: false },
            show_divider: { $ref: '#/definitions/show_divider' },
            options: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: true,
                properties: {
                  name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
                  title: { type: 'string' },
                  description: { type: 'string' },
                  vars: {
                    type: 'array',
                    items: { type: 'string' },
                  },
                  hide_in_deployment_modes: {
                    type: 'array',
                    items: { type: 'string', enum: ['default', 'agentless'] },
                  },
                },
                required: ['name', 'title', 'vars'],
              },
            },
          },
          required: ['name', 'title', 'selector_title', 'options'],
        },
      },
      dynamic_signal_types: { type: 'boolean', default: false },
      migrate_from: { type: 'string' },
      provider_permissions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['provider'],
          properties: {
            provider: { type: 'string' },
            description: { type: 'string' },
            roles: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  id: { type: 'string' },
                  description: { type: 'string' },
                },
              },
            },
            permissions: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  description: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    properties: {
      format_version: { $ref: '#/definitions/version' },
      name: { type: 'string', pattern: '^[a-z0-9_]+$' },
      group: { $ref: '#/definitions/group' },
      title: { $ref: '#/definitions/title' },
      description: { $ref: '#/definitions/description' },
      version: { $ref: '#/definitions/version' },
      source: { $ref: '#/definitions/source' },
      type: { type: 'string', enum: ['integration'] },
      categories: { $ref: '#/definitions/categories' },
      conditions: { $ref: '#/definitions/conditions' },
      provider_permissions: { $ref: '#/definitions/provider_permissions' },
      policy_templates_behavior: { type: 'string' },
      policy_templates: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            title: { type: 'string' },
            categories: { $ref: '#/definitions/categories' },
            description: { type: 'string' },
            data_streams: {
              type: 'array',
              items: { type: 'string', format: 'data-stream-name' },
            },
            deployment_modes: { $ref: '#/definitions/deployment_modes' },
            configuration_links: { $ref: '#/definitions/configuration_links' },
            fips_compatible: { $ref: '#/definitions/fips_compatible' },
            inputs: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  name: { type: 'string' },
                  type: { type: 'string' },
                  package: { $ref: '#/definitions/package_reference' },
                  title: { type: 'string' },
                  description: { type: 'string' },
                  template_path: { $ref: '#/definitions/template_path' },
                  template_paths: { $ref: '#/definitions/template_paths' },
                  input_group: { type: 'string', enum: ['logs', 'metrics'] },
                  multi: { type: 'boolean', default: false },
                  deployment_modes: {
                    type: 'array',
                    minItems: 1,
                    uniqueItems: true,
                    items: { type: 'string', enum: ['default', 'agentless'] },
                  },
                  migrate_from: { $ref: '#/definitions/migrate_from' },
                  required_vars: { $ref: './data_stream/manifest#/definitions/required_vars' },
                  vars: {
                    type: 'array',
                    items: { type: 'object' },
                  },
                  var_groups: { $ref: '#/definitions/var_groups' },
                  sections: { $ref: '#/definitions/sections' },
                  show_divider: { $ref: '#/definitions/show_divider' },
                  dynamic_signal_types: { $ref: '#/definitions/dynamic_signal_types' },
                  deprecated: { $ref: '#/definitions/deprecated' },
                  hide_in_var_group_options: {
                    type: 'object',
                    additionalProperties: {
                      type: 'array',
                      items: { type: 'string' },
                    },
                  },
                  provider_permissions: { $ref: '#/definitions/provider_permissions' },
                },
                required: ['title', 'description'],
                oneOf: [
                  { required: ['type'] },
                  { required: ['package'] },
                ],
                if: { required: ['type'] },
                then: {
                  properties: {
                    vars: { $ref: './data_stream/manifest#/definitions/vars' },
                  },
                },
              },
            },
            multiple: { type: 'boolean' },
            icons: { $ref: '#/definitions/icons' },
            screenshots: { $ref: '#/definitions/screenshots' },
            vars: { $ref: './data_stream/manifest#/definitions/vars' },
            var_groups: { $ref: '#/definitions/var_groups' },
            sections: { $ref: '#/definitions/sections' },
            deprecated: { $ref: '#/definitions/deprecated' },
            provider_permissions: { $ref: '#/definitions/provider_permissions' },
          },
          required: ['name', 'title', 'description'],
        },
      },
      icons: { $ref: '#/definitions/icons' },
      screenshots: { $ref: '#/definitions/screenshots' },
      vars: { $ref: './data_stream/manifest#/definitions/vars' },
      var_groups: { $ref: '#/definitions/var_groups' },
      sections: { $ref: '#/definitions/sections' },
      owner: { $ref: '#/definitions/owner' },
      agent: { $ref: '#/definitions/agent' },
      elasticsearch: {
        type: 'object',
        additionalProperties: false,
        properties: {
          privileges: {
            type: 'object',
            additionalProperties: false,
            properties: {
              cluster: {
                type: 'array',
                items: { type: 'string' },
              },
            },
          },
        },
      },
      requires: { $ref: '#/definitions/requires' },
      deprecated: { $ref: '#/definitions/deprecated' },
    },
    required: ['format_version', 'name', 'title', 'description', 'version', 'type', 'owner'],
    allOf: [
      {
        if: {
          properties: {
            policy_templates: { maxItems: 1 },
          },
        },
        then: {
          properties: {
            policy_templates_behavior: { enum: ['all'], default: 'all' },
          },
        },
        else: {
          properties: {
            policy_templates_behavior: { enum: ['combined_policy', 'individual_policies', 'all'], default: 'all' },
          },
        },
      },
    ],
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/properties/policy_templates/items/properties/inputs/items/properties/name' },
        {
          op: 'add',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/type',
          value: {
            not: { const: 'otelcol' },
          },
        },
        {
          op: 'remove',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/dynamic_signal_types',
        },
        { op: 'remove', path: '/definitions/dynamic_signal_types' },
        { op: 'remove', path: '/properties/requires' },
        { op: 'remove', path: '/definitions/requires' },
        { op: 'remove', path: '/definitions/package_dependency' },
        { op: 'remove', path: '/definitions/package_reference' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/inputs/items/properties/package' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/inputs/items/oneOf' },
        { op: 'add', path: '/properties/policy_templates/items/properties/inputs/items/required/-', value: 'type' },
        {
          op: 'remove',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/template_paths',
        },
        { op: 'remove', path: '/definitions/template_paths' },
        { op: 'remove', path: '/properties/deprecated' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/inputs/items/properties/deprecated' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/deprecated' },
        { op: 'remove', path: '/definitions/deprecated' },
        { op: 'remove', path: '/properties/var_groups' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/var_groups' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/inputs/items/properties/var_groups' },
        {
          op: 'remove',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/hide_in_var_group_options',
        },
        { op: 'remove', path: '/definitions/var_groups' },
        {
          op: 'remove',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/migrate_from',
        },
        { op: 'remove', path: '/definitions/migrate_from' },
      ],
    },
    {
      before: '3.3.2',
      patch: [
        {
          op: 'remove',
          path: '/properties/policy_templates/items/properties/inputs/items/properties/required_vars',
        },
        { op: 'remove', path: '/definitions/deployment_modes/properties/agentless/properties/is_default' },
        { op: 'remove', path: '/definitions/deployment_modes/properties/agentless/properties/resources' },
      ],
    },
    {
      before: '3.3.1',
      patch: [
        { op: 'remove', path: '/properties/policy_templates/items/properties/configuration_links' },
      ],
    },
    {
      before: '3.2.0',
      patch: [
        { op: 'remove', path: '/definitions/deployment_modes/properties/default' },
      ],
    },
    {
      before: '3.1.4',
      patch: [
        { op: 'remove', path: '/properties/policy_templates/items/properties/deployment_modes' },
      ],
    },
    {
      before: '3.0.0',
      patch: [
        { op: 'replace', path: '/definitions/owner/required', value: ['github'] },
      ],
    },
    {
      before: '2.12.0',
      patch: [
        { op: 'remove', path: '/properties/agent' },
      ],
    },
    {
      before: '2.11.0',
      patch: [
        { op: 'replace', path: '/definitions/owner/properties/type/default', value: 'elastic' },
      ],
    },
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/definitions/conditions/properties/elastic/properties/capabilities' },
      ],
    },
    {
      before: '2.3.0',
      patch: [
        {
          op: 'add',
          path: '/properties/release',
          value: { deprecated: true, type: 'string', enum: ['experimental', 'beta', 'ga'], default: 'ga' },
        },
      ],
    },
    {
      before: '2.0.0',
      patch: [
        {
          op: 'add',
          path: '/properties/license',
          value: { deprecated: true, type: 'string', enum: ['basic'], default: 'basic' },
        },
      ],
    },
  ],
};

export default file;
