/** package-spec `spec/integration/data_stream/_dev/test/static/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
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
