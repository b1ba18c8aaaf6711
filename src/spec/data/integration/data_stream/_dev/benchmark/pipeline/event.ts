/** package-spec `spec/integration/data_stream/_dev/benchmark/pipeline/event.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
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
