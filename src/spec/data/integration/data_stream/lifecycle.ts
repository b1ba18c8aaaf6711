/** package-spec `spec/integration/data_stream/lifecycle.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
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
