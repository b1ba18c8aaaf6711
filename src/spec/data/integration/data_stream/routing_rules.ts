/** package-spec `spec/integration/data_stream/routing_rules.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    definitions: {
      routing_rule: {
        type: 'object',
        properties: {
          target_dataset: {
            anyOf: [
              { type: 'string' },
              {
                type: 'array',
                items: { type: 'string' },
              },
            ],
          },
          if: { type: 'string' },
          namespace: {
            anyOf: [
              { type: 'string' },
              {
                type: 'array',
                items: { type: 'string' },
              },
            ],
            items: { type: 'string' },
          },
        },
        required: ['target_dataset', 'if'],
      },
    },
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        source_dataset: { type: 'string' },
        rules: {
          type: 'array',
          items: { $ref: '#/definitions/routing_rule' },
        },
      },
      required: ['source_dataset', 'rules'],
    },
  },
};

export default file;
