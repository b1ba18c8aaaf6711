import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    required: ['num_docs'],
    properties: {
      num_docs: { type: 'integer' },
    },
  },
};

export default file;
