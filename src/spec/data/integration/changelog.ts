/** package-spec `spec/integration/changelog.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        version: { $ref: './manifest#/definitions/version' },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              description: { type: 'string' },
              type: { type: 'string', enum: ['breaking-change', 'bugfix', 'enhancement', 'deprecation'] },
              link: { type: 'string' },
            },
            required: ['description', 'type', 'link'],
          },
        },
      },
      required: ['version', 'changes'],
    },
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/items/properties/changes/items/properties/type/enum/3' },
      ],
    },
  ],
};

export default file;
