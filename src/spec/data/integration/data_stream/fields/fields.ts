/** package-spec `spec/integration/data_stream/fields/fields.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    definitions: {
      metric_aggregation: { type: 'string', enum: ['min', 'max', 'sum', 'value_count', 'avg'] },
      runtime: {
        anyOf: [
          { type: 'string' },
          { type: 'boolean' },
        ],
        default: false,
      },
    },
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      patternProperties: {
        '^(level|group)$': {
          anyOf: [
            { type: 'string' },
            { type: 'integer' },
          ],
        },
        '^(footnote|format|title)$': { type: 'string' },
        '^(default_field|norms)$': { type: 'boolean' },
      },
      properties: {
        name: { type: 'string', pattern: '^[\\-*_\\/@A-Za-z0-9]+(\\.[\\-*_\\/@A-Za-z0-9]+)*$' },
        type: {
          type: 'string',
          enum: [
            'aggregate_metric_double',
            'alias',
            'histogram',
            'constant_keyword',
            'text',
            'match_only_text',
            'keyword',
            'long',
            'integer',
            'short',
            'byte',
            'double',
            'float',
            'half_float',
            'scaled_float',
            'date',
            'date_nanos',
            'boolean',
            'binary',
            'integer_range',
            'float_range',
            'long_range',
            'double_range',
            'date_range',
            'ip_range',
            'group',
            'geo_point',
            'object',
            'ip',
            'nested',
            'flattened',
            'wildcard',
            'version',
            'unsigned_long',
            'counted_keyword',
            'semantic_text',
            'geo_shape',
          ],
        },
        description: { type: 'string' },
        expected_values: {
          type: 'array',
          items: { type: 'string' },
        },
        value: { type: 'string' },
        example: {
          anyOf: [
            { type: 'string' },
            { type: 'number' },
            { type: 'boolean' },
            { type: 'null' },
            {
              type: 'array',
              items: {
                anyOf: [
                  { type: 'string' },
                  { type: 'number' },
                  { type: 'boolean' },
                ],
              },
            },
            { type: 'object' },
          ],
        },
        metric_type: { type: 'string', enum: ['counter', 'gauge'] },
        unit: { type: 'string', enum: ['byte', 'percent', 'd', 'h', 'm', 's', 'ms', 'micros', 'nanos'] },
        date_format: { type: 'string' },
        dimension: { type: 'boolean', default: false },
        pattern: { type: 'string' },
        external: { type: 'string', enum: ['ecs'] },
        fields: { $ref: '#' },
        doc_values: { type: 'boolean' },
        index: { type: 'boolean', default: true },
        store: { type: 'boolean', default: false },
        copy_to: { type: 'string' },
        enabled: { type: 'boolean' },
        dynamic: { default: true, enum: [true, false, 'strict', 'runtime'] },
        scaling_factor: { type: 'integer', default: 1000 },
        analyzer: { type: 'string' },
        search_analyzer: { type: 'string' },
        multi_fields: { $ref: '#' },
        null_value: {},
        ignore_malformed: { type: 'boolean', default: false },
        ignore_above: { type: 'integer', default: 1024 },
        object_type: {
          type: 'string',
          enum: [
            'boolean',
            'byte',
            'double',
            'float',
            'histogram',
            'keyword',
            'long',
            'object',
            'short',
            'text',
            'integer',
            'half_float',
            'scaled_float',
            'unsigned_long',
          ],
        },
        object_type_mapping_type: { type: 'string', enum: ['*', 'array', 'double', 'false', 'long', 'null', 'object', 'string', 'true'] },
        path: { type: 'string' },
        normalize: {
          type: 'array',
          items: { type: 'string', enum: ['array'] },
        },
        normalizer: { type: 'string' },
        include_in_parent: { type: 'boolean', default: false },
        include_in_root: { type: 'boolean', default: false },
        subobjects: { type: 'boolean', default: true },
        inference_id: { type: 'string' },
        default_metric: true,
        metrics: true,
        runtime: true,
      },
      allOf: [
        {
          if: {
            properties: {
              type: { const: 'aggregate_metric_double' },
            },
            required: ['type'],
          },
          then: {
            required: ['default_metric'],
            properties: {
              default_metric: { $ref: '#/definitions/metric_aggregation' },
            },
          },
          else: {
            not: { required: ['default_metric'] },
          },
        },
        {
          if: {
            properties: {
              type: { const: 'aggregate_metric_double' },
            },
            required: ['type'],
          },
          then: {
            required: ['metrics'],
            properties: {
              metrics: {
                type: 'array',
                items: { $ref: '#/definitions/metric_aggregation' },
              },
            },
          },
          else: {
            not: { required: ['metrics'] },
          },
        },
        {
          if: {
            properties: {
              type: { enum: ['boolean', 'date', 'double', 'geo_point', 'ip', 'keyword', 'long'] },
            },
            required: ['type'],
          },
          then: {
            properties: {
              runtime: { $ref: '#/definitions/runtime' },
            },
          },
          else: {
            not: { required: ['runtime'] },
          },
        },
        {
          if: {
            required: ['metric_type'],
            not: { required: ['object_type'] },
          },
          then: {
            oneOf: [
              {
                properties: {
                  type: {
                    enum: [
                      'histogram',
                      'aggregate_metric_double',
                      'long',
                      'integer',
                      'short',
                      'byte',
                      'double',
                      'float',
                      'half_float',
                      'scaled_float',
                      'unsigned_long',
                    ],
                  },
                },
                required: ['type'],
              },
              { required: ['external'] },
            ],
          },
        },
        {
          if: { required: ['object_type'] },
          then: {
            properties: {
              type: { enum: ['object'] },
            },
            required: ['type'],
          },
        },
        {
          if: {
            properties: {
              type: { const: 'object' },
            },
            required: ['metric_type', 'object_type'],
          },
          then: {
            properties: {
              type: { enum: ['object'] },
              object_type: {
                enum: [
                  'histogram',
                  'long',
                  'integer',
                  'short',
                  'byte',
                  'double',
                  'float',
                  'half_float',
                  'scaled_float',
                  'unsigned_long',
                ],
              },
            },
            required: ['type', 'object_type'],
          },
        },
        {
          if: {
            properties: {
              type: { const: 'object' },
            },
            required: ['type'],
          },
          then: {
            oneOf: [
              {
                required: ['object_type'],
                properties: {
                  enabled: { const: true },
                },
              },
              {
                properties: {
                  enabled: { const: false },
                },
                required: ['enabled'],
                not: { required: ['object_type'] },
              },
            ],
          },
        },
        {
          if: {
            properties: {
              fields: { minContent: 1 },
            },
            required: ['fields'],
          },
          then: {
            properties: {
              type: { enum: ['group', 'nested'] },
            },
          },
        },
        {
          if: { required: ['subobjects'] },
          then: {
            properties: {
              type: { enum: ['object'] },
            },
            required: ['type'],
          },
        },
        {
          if: { required: ['inference_id'] },
          then: {
            properties: {
              type: { enum: ['semantic_text'] },
            },
            required: ['type'],
          },
        },
      ],
      required: ['name'],
    },
  },
  versions: [
    {
      before: '3.7.0',
      patch: [
        { op: 'remove', path: '/items/properties/type/enum/35' },
        { op: 'remove', path: '/items/allOf/9' },
        { op: 'remove', path: '/items/properties/inference_id' },
      ],
    },
    {
      before: '3.2.0',
      patch: [
        { op: 'remove', path: '/items/properties/store' },
      ],
    },
    {
      before: '3.1.0',
      patch: [
        { op: 'remove', path: '/items/properties/type/enum/34' },
        { op: 'remove', path: '/items/allOf/8' },
        { op: 'remove', path: '/items/properties/subobjects' },
      ],
    },
    {
      before: '3.0.3',
      patch: [
        { op: 'remove', path: '/items/allOf/6/then/oneOf' },
        { op: 'add', path: '/items/allOf/6/then/required', value: ['object_type'] },
      ],
    },
    {
      before: '3.0.0',
      patch: [
        { op: 'remove', path: '/items/allOf/7' },
        { op: 'remove', path: '/items/allOf/6' },
      ],
    },
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/items/allOf/5' },
      ],
    },
    {
      before: '2.8.0',
      patch: [
        { op: 'remove', path: '/items/properties/runtime' },
        { op: 'remove', path: '/items/allOf/2' },
      ],
    },
    {
      before: '2.7.0',
      patch: [
        { op: 'remove', path: '/items/properties/type/enum/0' },
      ],
    },
    {
      before: '2.0.0',
      patch: [
        { op: 'add', path: '/items/properties/type/enum/29', value: 'array' },
        { op: 'replace', path: '/items/additionalProperties', value: true },
        { op: 'remove', path: '/items/patternProperties', value: true },
        { op: 'remove', path: '/items/properties/example' },
        { op: 'remove', path: '/items/allOf/3' },
      ],
    },
  ],
};

export default file;
