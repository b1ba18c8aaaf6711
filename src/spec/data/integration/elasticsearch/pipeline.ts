/** package-spec `spec/integration/elasticsearch/pipeline.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      processor: {
        type: 'object',
        additionalProperties: false,
        maxProperties: 1,
        properties: {
          append: { type: 'object' },
          attachment: { type: 'object' },
          bytes: { type: 'object' },
          circle: { type: 'object' },
          community_id: { type: 'object' },
          convert: { type: 'object' },
          csv: { type: 'object' },
          date: { type: 'object' },
          date_index_name: { type: 'object' },
          dissect: { type: 'object' },
          dot_expander: { type: 'object' },
          drop: { type: 'object' },
          fail: { type: 'object' },
          fingerprint: { type: 'object' },
          geoip: { type: 'object' },
          grok: { type: 'object' },
          gsub: { type: 'object' },
          html_strip: { type: 'object' },
          inference: { type: 'object' },
          join: { type: 'object' },
          json: { type: 'object' },
          kv: { type: 'object' },
          lowercase: { type: 'object' },
          network_direction: { type: 'object' },
          pipeline: { type: 'object' },
          redact: { type: 'object' },
          registered_domain: { type: 'object' },
          remove: { type: 'object' },
          rename: { type: 'object' },
          script: { type: 'object' },
          set: { type: 'object' },
          sort: { type: 'object' },
          split: { type: 'object' },
          terminate: { type: ['object', 'null'] },
          trim: { type: 'object' },
          uppercase: { type: 'object' },
          urldecode: { type: 'object' },
          uri_parts: { type: 'object' },
          user_agent: { type: 'object' },
          foreach: {
            type: 'object',
            properties: {
              processor: { $ref: '#/definitions/processor' },
            },
          },
        },
      },
      processors: {
        type: 'array',
        items: { $ref: '#/definitions/processor' },
        if: {
          contains: {
            required: ['rename'],
            properties: {
              rename: {
                properties: {
                  field: { const: 'message' },
                  target_field: { const: 'event.original' },
                },
              },
            },
          },
        },
        then: {
          allOf: [
            {
              contains: {
                required: ['rename'],
                properties: {
                  rename: {
                    required: ['if'],
                    properties: {
                      if: { const: 'ctx.event?.original == null' },
                    },
                  },
                },
              },
            },
            {
              contains: {
                required: ['remove'],
                properties: {
                  remove: {
                    required: ['field', 'ignore_missing', 'if'],
                    properties: {
                      field: {
                        oneOf: [
                          { const: 'message' },
                          {
                            type: 'array',
                            minItems: 1,
                            contains: { const: 'message' },
                          },
                        ],
                      },
                      ignore_missing: { const: true },
                      if: { const: 'ctx.event?.original != null' },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
    properties: {
      description: { type: 'string' },
      processors: { $ref: '#/definitions/processors' },
      on_failure: { $ref: '#/definitions/processors' },
    },
  },
  versions: [
    {
      before: '3.3.2',
      patch: [
        { op: 'remove', path: '/definitions/processor/properties/terminate' },
      ],
    },
    {
      before: '3.1.0',
      patch: [
        { op: 'remove', path: '/definitions/processors/if' },
        { op: 'remove', path: '/definitions/processors/then' },
      ],
    },
  ],
};

export default file;
