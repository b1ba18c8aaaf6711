/** package-spec `spec/integration/validation.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      errors: {
        type: 'object',
        additionalProperties: false,
        properties: {
          exclude_checks: {
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
      docs_structure_enforced: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', default: false },
          version: { type: 'integer', default: 1 },
          skip: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                title: { type: 'string' },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

export default file;
