/** package-spec `spec/integration/_dev/deploy/tf/env.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      version: { type: 'string', pattern: '^2\\.3$' },
      services: {
        type: 'object',
        additionalProperties: false,
        properties: {
          terraform: {
            type: 'object',
            additionalProperties: false,
            properties: {
              environment: {
                type: 'array',
                items: { type: 'string', pattern: '^[A-Za-z0-9_]+=.+$' },
              },
            },
            required: ['environment'],
          },
        },
        required: ['terraform'],
      },
    },
    required: ['version', 'services'],
  },
};

export default file;
