/** package-spec `spec/integration/data_stream/_dev/test/skip.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      skip: {
        type: 'object',
        additionalProperties: false,
        properties: {
          reason: { type: 'string' },
          link: { type: 'string' },
        },
        required: ['reason', 'link'],
      },
    },
  },
};

export default file;
