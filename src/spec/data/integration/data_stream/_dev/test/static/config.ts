import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    properties: {
      skip: { $ref: './../config#/definitions/skip' },
      requires: {
        type: 'array',
        items: { $ref: './../config#/definitions/package_requirement' },
      },
    },
  },
};

export default file;
