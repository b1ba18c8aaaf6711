/** package-spec `spec/integration/elasticsearch/transform/transform.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    definitions: {},
    additionalProperties: false,
    type: 'object',
    oneOf: [
      { required: ['pivot'] },
      { required: ['latest'] },
    ],
    required: ['source', 'dest'],
    properties: {
      source: {
        type: 'object',
        additionalProperties: false,
        required: ['index'],
        properties: {
          index: {
            oneOf: [
              {
                type: 'array',
                items: { type: 'string' },
              },
              { type: 'string' },
            ],
            pattern: '^.*$',
          },
          query: { type: 'object' },
          runtime_mappings: { type: 'object' },
        },
      },
      pivot: {
        type: 'object',
        oneOf: [
          { required: ['aggregations'] },
          { required: ['aggs'] },
        ],
        required: ['group_by'],
        additionalProperties: false,
        properties: {
          group_by: { type: 'object' },
          aggregations: { type: 'object' },
          aggs: { type: 'object' },
        },
      },
      latest: {
        type: 'object',
        required: ['sort', 'unique_key'],
        additionalProperties: false,
        properties: {
          sort: { type: 'string' },
          unique_key: { type: 'array' },
        },
      },
      description: { type: 'string', pattern: '^.*$' },
      dest: {
        type: 'object',
        required: ['index'],
        additionalProperties: false,
        properties: {
          index: { type: 'string', pattern: '^.*$' },
          pipeline: { type: 'string', pattern: '^.*$' },
          aliases: {
            type: 'array',
            items: {
              type: 'object',
              required: ['alias'],
              additionalProperties: false,
              properties: {
                alias: { type: 'string' },
                move_on_creation: { type: 'boolean', default: false },
              },
            },
          },
        },
      },
      frequency: { type: 'string', default: '60s', pattern: '^.*$' },
      id: { type: 'string', pattern: '^.*$' },
      settings: {
        type: 'object',
        additionalProperties: false,
        properties: {
          dates_as_epoch_millis: { type: 'boolean', default: false },
          docs_per_second: { type: 'number' },
          align_checkpoints: { type: 'boolean', default: true },
          max_page_search_size: { type: 'integer', default: 500 },
          use_point_in_time: { type: 'boolean', default: true },
          deduce_mappings: { type: 'boolean', default: true },
          num_failure_retries: { type: 'integer', minimum: -1, maximum: 100 },
          unattended: { type: 'boolean', default: false },
        },
      },
      _meta: { type: 'object' },
      retention_policy: {
        additionalProperties: false,
        oneOf: [
          { required: ['time'] },
        ],
        properties: {
          time: {
            additionalProperties: false,
            type: 'object',
            required: ['field', 'max_age'],
            properties: {
              field: { type: 'string' },
              max_age: { type: 'string', default: '60s' },
            },
          },
        },
      },
      sync: {
        type: 'object',
        additionalProperties: false,
        properties: {
          time: {
            type: 'object',
            required: ['field'],
            additionalProperties: false,
            properties: {
              field: { type: 'string', pattern: '^.*$' },
              delay: { type: 'string', default: '60s', pattern: '^.*$' },
            },
          },
        },
      },
    },
  },
  versions: [
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/properties/dest/properties/aliases' },
      ],
    },
  ],
};

export default file;
