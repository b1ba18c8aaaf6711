/** package-spec `spec/integration/_dev/deploy/variants.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      variants: { type: 'object' },
      default: { type: 'string' },
    },
    required: ['variants', 'default'],
  },
};

export default file;
