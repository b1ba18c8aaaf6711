/** package-spec `spec/integration/elasticsearch/view.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: '^[a-zA-Z0-9_\\-]+$' },
      query: { type: 'string' },
    },
    required: ['name', 'query'],
  },
};

export default file;
