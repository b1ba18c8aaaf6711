/** package-spec `spec/integration/data_stream/manifest.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      input_variable_value: {
        anyOf: [
          { type: ['string', 'integer', 'boolean', 'null'] },
          {
            type: 'array',
            items: { $ref: '#/definitions/input_variable_value' },
          },
        ],
      },
      required_vars: {
        type: 'object',
        additionalProperties: false,
        patternProperties: {
          '^[a-zA-Z0-9_]+$': {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                value: { $ref: '#/definitions/input_variable_value' },
              },
            },
          },
        },
      },
      vars: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            type: {
              type: 'string',
              enum: [
                'bool',
                'email',
                'integer',
                'password',
                'select',
                'text',
                'textarea',
                'time_zone',
                'url',
                'yaml',
                'duration',
              ],
            },
            title: { type: 'string' },
            description: { type: 'string' },
            multi: { type: 'boolean', default: false },
            options: true,
            required: { type: 'boolean', default: false },
            secret: { type: 'boolean', default: false },
            show_user: { type: 'boolean', default: true },
            hide_in_deployment_modes: {
              type: 'array',
              items: { type: 'string', enum: ['default', 'agentless'] },
            },
            section: { type: 'string' },
            url_allowed_schemes: {
              type: 'array',
              items: { type: 'string' },
              default: [],
            },
            min_duration: { type: 'string', pattern: '^(\\d+[smh]|\\d+ms)+$' },
            max_duration: { type: 'string', pattern: '^(\\d+[smh]|\\d+ms)+$' },
            default: { $ref: '#/definitions/input_variable_value' },
            deprecated: { $ref: '../../integration/manifest#/definitions/deprecated' },
            migrate_from: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                scope: { type: 'string', enum: ['input', 'stream'] },
                stream: { type: 'string' },
              },
              anyOf: [
                { required: ['name'] },
                { required: ['scope'] },
              ],
            },
          },
          allOf: [
            {
              if: {
                required: ['type'],
                properties: {
                  type: { const: 'select' },
                },
              },
              then: {
                required: ['options'],
                properties: {
                  options: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      properties: {
                        value: { type: 'string' },
                        text: { type: 'string' },
                      },
                      required: ['value', 'text'],
                    },
                    min_items: 1,
                  },
                },
              },
              else: {
                not: { required: ['options'] },
              },
            },
            {
              if: {
                anyOf: [
                  {
                    allOf: [
                      {
                        properties: {
                          name: { pattern: '(access_key|api_key|passphrase|password|secret|token)' },
                        },
                      },
                      {
                        not: {
                          properties: {
                            name: { pattern: '(_file|_url)$' },
                          },
                        },
                      },
                    ],
                  },
                  {
                    allOf: [
                      { required: ['type'] },
                      {
                        properties: {
                          type: { const: 'password' },
                        },
                      },
                    ],
                  },
                ],
              },
              then: { required: ['secret'] },
            },
            {
              if: {
                required: ['type'],
                properties: {
                  type: { const: 'duration' },
                },
              },
              then: {
                properties: {
                  default: { type: 'string', pattern: '^(\\d+[smh]|\\d+ms)+$' },
                },
              },
            },
            {
              if: {
                not: {
                  allOf: [
                    { required: ['type'] },
                    {
                      properties: {
                        type: { const: 'duration' },
                      },
                    },
                  ],
                },
              },
              then: {
                not: {
                  anyOf: [
                    { required: ['min_duration'] },
                    { required: ['max_duration'] },
                  ],
                },
              },
            },
          ],
          required: ['name', 'type'],
        },
      },
      elasticsearch_index_mode: { type: 'string', enum: ['time_series'] },
      elasticsearch_index_template: {
        type: 'object',
        additionalProperties: false,
        properties: {
          settings: {
            type: 'object',
            additionalProperties: false,
            properties: {
              analysis: { $ref: '#/definitions/index_template_setting_analysis' },
              index: { $ref: '#/definitions/index_template_setting_index' },
              number_of_shards: { $ref: '#/definitions/index_template_setting_number_of_shards' },
              auto_expand_replicas: { $ref: '#/definitions/index_template_setting_auto_expand_replicas' },
              max_result_window: { $ref: '#/definitions/index_template_setting_max_result_window' },
              refresh_interval: { $ref: '#/definitions/index_template_setting_refresh_interval' },
            },
          },
          mappings: {
            type: 'object',
            additionalProperties: false,
            properties: {
              date_detection: { type: 'boolean' },
              dynamic: {
                oneOf: [
                  { type: 'boolean' },
                  { type: 'string', enum: ['runtime', 'strict'] },
                ],
              },
              dynamic_date_formats: {
                type: 'array',
                items: { type: 'string' },
              },
              dynamic_templates: {
                type: 'array',
                items: {
                  type: 'object',
                  maxProperties: 1,
                  additionalProperties: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      match_mapping_type: {
                        oneOf: [
                          { type: 'boolean' },
                          {
                            type: 'string',
                            enum: ['null', 'true', 'false', 'double', 'long', 'string', 'object', 'array'],
                          },
                        ],
                      },
                      mapping: {
                        type: 'object',
                        additionalProperties: false,
                        properties: {
                          type: { $ref: './fields/fields#/items/properties/type' },
                          scaling_factor: { $ref: './fields/fields#/items/properties/scaling_factor' },
                          metrics: { $ref: './fields/fields#/items/properties/metrics' },
                          default_metric: { $ref: './fields/fields#/items/properties/default_metric' },
                          ignore_above: { $ref: './fields/fields#/items/properties/ignore_above' },
                          index: { $ref: './fields/fields#/items/properties/index' },
                        },
                      },
                    },
                  },
                  patternProperties: {
                    '^_embedded_ecs': {
                      type: 'object',
                      additionalProperties: false,
                      properties: {
                        path_match: { type: 'string' },
                        path_unmatch: { type: 'string' },
                        match: { type: 'string' },
                        match_mapping_type: {
                          $ref: '#/definitions/elasticsearch_index_template/properties/mappings/properties/dynamic_templates/items/additionalProperties/properties/match_mapping_type',
                        },
                        mapping: {
                          type: 'object',
                          additionalProperties: false,
                          properties: {
                            doc_values: { $ref: './fields/fields#/items/properties/doc_values' },
                            fields: {
                              type: 'object',
                              minProperties: 1,
                              additionalProperties: {
                                $ref: '#/definitions/elasticsearch_index_template/properties/mappings/properties/dynamic_templates/items/patternProperties/^_embedded_ecs/properties/mapping',
                              },
                            },
                            ignore_malformed: { $ref: './fields/fields#/items/properties/ignore_malformed' },
                            index: { $ref: './fields/fields#/items/properties/index' },
                            scaling_factor: { $ref: './fields/fields#/items/properties/scaling_factor' },
                            type: { $ref: './fields/fields#/items/properties/type' },
                          },
                        },
                      },
                    },
                  },
                },
              },
              subobjects: { type: 'boolean', default: true },
            },
          },
          ingest_pipeline: {
            type: 'object',
            additionalProperties: false,
            properties: {
              name: { type: 'string' },
            },
            required: ['name'],
          },
          data_stream: {
            type: 'object',
            additionalProperties: false,
            properties: {
              hidden: { type: 'boolean' },
            },
          },
        },
      },
      index_template_setting_analysis: {
        type: 'object',
        additionalProperties: false,
        properties: {
          analyzer: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              properties: {
                type: { type: 'string', enum: ['pattern'] },
                pattern: { type: 'string' },
              },
            },
          },
        },
      },
      index_template_setting_index: {
        type: 'object',
        additionalProperties: false,
        properties: {
          codec: { type: 'string', enum: ['default', 'best_compression'] },
          mapping: {
            type: 'object',
            additionalProperties: false,
            patternProperties: {
              '^(dimension|nested|total)_fields$': {
                type: 'object',
                additionalProperties: false,
                properties: {
                  limit: { type: 'integer' },
                },
              },
            },
          },
          sort: {
            type: 'object',
            additionalProperties: false,
            properties: {
              field: {
                oneOf: [
                  { type: 'string' },
                  {
                    type: 'array',
                    items: { type: 'string' },
                  },
                ],
              },
              order: {
                oneOf: [
                  { type: 'string', enum: ['asc', 'desc'] },
                  {
                    type: 'array',
                    items: { type: 'string', enum: ['asc', 'desc'] },
                  },
                ],
              },
            },
          },
        },
      },
      index_template_setting_number_of_shards: { type: 'integer', minimum: 1, default: 1 },
      index_template_setting_auto_expand_replicas: { type: 'string' },
      index_template_setting_max_result_window: { type: 'integer', minimum: 1 },
      index_template_setting_refresh_interval: { type: 'string' },
    },
    properties: {
      dataset: { type: 'string' },
      title: { type: 'string' },
      release: { type: 'string', enum: ['experimental', 'beta'] },
      ilm_policy: { type: 'string' },
      dataset_is_prefix: { type: 'boolean', default: false },
      type: { type: 'string', enum: ['metrics', 'logs', 'synthetics', 'traces', 'profiles'] },
      hidden: { type: 'boolean', deprecated: true },
      streams: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            input: { type: 'string' },
            package: { $ref: '../../integration/manifest#/definitions/package_reference' },
            title: { type: 'string' },
            description: { type: 'string' },
            template_path: { $ref: '../../integration/manifest#/definitions/template_path' },
            template_paths: { $ref: '../../integration/manifest#/definitions/template_paths' },
            required_vars: { $ref: '#/definitions/required_vars' },
            vars: {
              type: 'array',
              items: { type: 'object' },
            },
            var_groups: { $ref: '../../integration/manifest#/definitions/var_groups' },
            sections: { $ref: '../../integration/manifest#/definitions/sections' },
            dynamic_signal_types: { $ref: '../../integration/manifest#/definitions/dynamic_signal_types' },
            migrate_from: { $ref: '../../integration/manifest#/definitions/migrate_from' },
            enabled: { type: 'boolean' },
          },
          required: ['title', 'description'],
          oneOf: [
            { required: ['input'] },
            { required: ['package'] },
          ],
          if: { required: ['input'] },
          then: {
            properties: {
              vars: { $ref: '#/definitions/vars' },
            },
          },
        },
      },
      agent: { $ref: '../../integration/manifest#/definitions/agent' },
      elasticsearch: {
        type: 'object',
        additionalProperties: false,
        properties: {
          index_mode: { $ref: '#/definitions/elasticsearch_index_mode' },
          index_template: { $ref: '#/definitions/elasticsearch_index_template' },
          privileges: {
            type: 'object',
            additionalProperties: false,
            properties: {
              indices: {
                type: 'array',
                items: { type: 'string' },
              },
            },
          },
          source_mode: { type: 'string', enum: ['default', 'synthetic'] },
          dynamic_dataset: { type: 'boolean' },
          dynamic_namespace: { type: 'boolean' },
        },
      },
      categories: { $ref: '../../integration/manifest#/definitions/categories' },
      deprecated: { $ref: '../../integration/manifest#/definitions/deprecated' },
      provider_permissions: { $ref: '../../integration/manifest#/definitions/provider_permissions' },
    },
    required: ['title'],
  },
  versions: [
    {
      before: '3.7.0',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/migrate_from' },
      ],
    },
    {
      before: '3.6.0',
      patch: [
        {
          op: 'add',
          path: '/properties/streams/items/properties/input',
          value: {
            not: { const: 'otelcol' },
          },
        },
        { op: 'remove', path: '/properties/streams/items/properties/dynamic_signal_types' },
        { op: 'remove', path: '/properties/streams/items/properties/package' },
        { op: 'remove', path: '/properties/streams/items/oneOf' },
        { op: 'add', path: '/properties/streams/items/required/-', value: 'input' },
        { op: 'remove', path: '/properties/streams/items/properties/template_paths' },
        { op: 'remove', path: '/properties/deprecated' },
        { op: 'remove', path: '/definitions/vars/items/properties/deprecated' },
        { op: 'remove', path: '/properties/streams/items/properties/var_groups' },
        { op: 'remove', path: '/properties/streams/items/properties/migrate_from' },
      ],
    },
    {
      before: '3.5.0',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/type/enum/10' },
        { op: 'remove', path: '/definitions/vars/items/properties/max_duration' },
        { op: 'remove', path: '/definitions/vars/items/properties/min_duration' },
        { op: 'remove', path: '/definitions/vars/items/allOf/2' },
      ],
    },
    {
      before: '3.3.2',
      patch: [
        { op: 'remove', path: '/properties/streams/items/properties/required_vars' },
      ],
    },
    {
      before: '3.2.0',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/hide_in_deployment_modes/items/enum/0' },
        {
          op: 'remove',
          path: '/definitions/elasticsearch_index_template/properties/mappings/properties/subobjects',
        },
      ],
    },
    {
      before: '3.1.4',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/hide_in_deployment_modes' },
      ],
    },
    {
      before: '3.0.2',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/allOf/1' },
      ],
    },
    {
      before: '3.0.0',
      patch: [
        {
          op: 'remove',
          path: '/definitions/elasticsearch_index_template/properties/settings/additionalProperties',
        },
        { op: 'remove', path: '/definitions/elasticsearch_index_template/properties/settings/properties' },
        {
          op: 'remove',
          path: '/definitions/elasticsearch_index_template/properties/mappings/additionalProperties',
        },
        { op: 'remove', path: '/definitions/elasticsearch_index_template/properties/mappings/properties' },
      ],
    },
    {
      before: '2.12.0',
      patch: [
        { op: 'remove', path: '/properties/agent' },
      ],
    },
    {
      before: '2.9.0',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/secret' },
      ],
    },
    {
      before: '2.7.0',
      patch: [
        { op: 'remove', path: '/properties/type/enum/4' },
      ],
    },
    {
      before: '2.6.0',
      patch: [
        { op: 'remove', path: '/definitions/vars/items/properties/type/enum/4' },
      ],
    },
  ],
};

export default file;
