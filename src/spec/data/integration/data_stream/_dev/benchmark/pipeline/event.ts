import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      events: {
        type: 'array',
        items: { type: 'object' },
      },
    },
    required: ['events'],
  },
};

export default file;
