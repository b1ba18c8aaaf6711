/** package-spec `spec/input/manifest.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      format_version: { $ref: '../integration/manifest#/definitions/version' },
      name: { type: 'string', pattern: '^[a-z0-9_]+$' },
      group: { $ref: '../integration/manifest#/definitions/group' },
      title: { $ref: '../integration/manifest#/definitions/title' },
      description: { $ref: '../integration/manifest#/definitions/description' },
      version: { $ref: '../integration/manifest#/definitions/version' },
      source: { $ref: '../integration/manifest#/definitions/source' },
      type: { type: 'string', enum: ['input'] },
      categories: { $ref: '../integration/manifest#/definitions/categories' },
      conditions: { $ref: '../integration/manifest#/definitions/conditions' },
      policy_templates: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            type: { type: 'string', enum: ['metrics', 'logs', 'synthetics', 'traces', 'profiles'] },
            title: { type: 'string' },
            description: { type: 'string' },
            deployment_modes: { $ref: '../integration/manifest#/definitions/deployment_modes' },
            configuration_links: { $ref: '../integration/manifest#/definitions/configuration_links' },
            fips_compatible: { $ref: '../integration/manifest#/definitions/fips_compatible' },
            icons: { $ref: '../integration/manifest#/definitions/icons' },
            screenshots: { $ref: '../integration/manifest#/definitions/screenshots' },
            vars: { $ref: '../integration/data_stream/manifest#/definitions/vars' },
            var_groups: { $ref: '../integration/manifest#/definitions/var_groups' },
            sections: { $ref: '../integration/manifest#/definitions/sections' },
            provider_permissions: { $ref: '../integration/manifest#/definitions/provider_permissions' },
            input: { type: 'string' },
            template_path: { $ref: '../integration/manifest#/definitions/template_path' },
            template_paths: { $ref: '../integration/manifest#/definitions/template_paths' },
            dynamic_signal_types: { $ref: '../integration/manifest#/definitions/dynamic_signal_types' },
            deprecated: { $ref: '../integration/manifest#/definitions/deprecated' },
          },
          allOf: [
            {
              oneOf: [
                {
                  required: ['template_path'],
                  not: { required: ['template_paths'] },
                },
                {
                  required: ['template_paths'],
                  not: { required: ['template_path'] },
                },
              ],
            },
            {
              oneOf: [
                {
                  allOf: [
                    { required: ['type'] },
                    {
                      if: {
                        properties: {
                          type: { const: 'profiles' },
                        },
                      },
                      then: {
                        properties: {
                          input: { enum: ['otelcol'] },
                        },
                      },
                    },
                  ],
                },
                {
                  required: ['dynamic_signal_types'],
                  properties: {
                    dynamic_signal_types: { const: true },
                  },
                },
              ],
            },
          ],
          required: ['name', 'title', 'description', 'input'],
        },
      },
      icons: { $ref: '../integration/manifest#/definitions/icons' },
      screenshots: { $ref: '../integration/manifest#/definitions/screenshots' },
      vars: { $ref: '../integration/data_stream/manifest#/definitions/vars' },
      var_groups: { $ref: '../integration/manifest#/definitions/var_groups' },
      sections: { $ref: '../integration/manifest#/definitions/sections' },
      provider_permissions: { $ref: '../integration/manifest#/definitions/provider_permissions' },
      owner: { $ref: '../integration/manifest#/definitions/owner' },
      agent: { $ref: '../integration/manifest#/definitions/agent' },
      elasticsearch: {
        type: 'object',
        additionalProperties: false,
        properties: {
          index_mode: { $ref: '../integration/data_stream/manifest#/definitions/elasticsearch_index_mode' },
          index_template: { $ref: '../integration/data_stream/manifest#/definitions/elasticsearch_index_template' },
        },
      },
      deprecated: { $ref: '../integration/manifest#/definitions/deprecated' },
    },
    required: ['format_version', 'name', 'title', 'description', 'version', 'type', 'owner'],
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/properties/var_groups' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/var_groups' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/template_paths' },
        { op: 'remove', path: '/properties/policy_templates/items/allOf' },
        {
          op: 'add',
          path: '/properties/policy_templates/items/required',
          value: ['name', 'title', 'description', 'type', 'input', 'template_path'],
        },
        { op: 'remove', path: '/properties/policy_templates/items/properties/dynamic_signal_types' },
        { op: 'remove', path: '/properties/elasticsearch/properties/index_mode' },
        { op: 'remove', path: '/properties/deprecated' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/deprecated' },
        { op: 'remove', path: '/properties/policy_templates/items/properties/type/enum/4' },
      ],
    },
    {
      before: '3.5.0',
      patch: [
        {
          op: 'add',
          path: '/properties/policy_templates/items/properties/input',
          value: {
            not: { const: 'otelcol' },
          },
        },
      ],
    },
    {
      before: '2.12.0',
      patch: [
        { op: 'remove', path: '/properties/agent' },
      ],
    },
    {
      before: '2.3.0',
      patch: [
        { op: 'remove', path: '/properties/elasticsearch' },
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
