/** package-spec `spec/integration/data_stream/_dev/benchmark/pipeline/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
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
