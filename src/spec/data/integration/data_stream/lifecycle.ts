import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    additionalProperties: false,
    properties: {
      data_retention: { type: 'string' },
    },
    required: ['data_retention'],
  },
};

export default file;
