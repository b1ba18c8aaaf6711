/** package-spec `spec/integration/_dev/build/build.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dependencies: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ecs: {
            type: 'object',
            additionalProperties: false,
            properties: {
              reference: { type: 'string', pattern: '^git@.+' },
              import_mappings: { type: 'boolean', default: false, deprecated: true },
            },
            required: ['reference'],
          },
        },
      },
    },
    required: ['dependencies'],
  },
  versions: [
    {
      before: '3.1.3',
      patch: [
        { op: 'remove', path: '/properties/dependencies/properties/ecs/properties/import_mappings/deprecated' },
      ],
    },
    {
      before: '2.3.0',
      patch: [
        { op: 'remove', path: '/properties/dependencies/properties/ecs/properties/import_mappings' },
      ],
    },
  ],
};

export default file;
