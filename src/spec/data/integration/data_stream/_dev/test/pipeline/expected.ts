/** package-spec `spec/integration/data_stream/_dev/test/pipeline/expected.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      optionalTestResult: {
        anyOf: [
          { type: 'object' },
          { type: 'null' },
        ],
      },
    },
    properties: {
      expected: {
        type: 'array',
        items: { $ref: '#/definitions/optionalTestResult' },
      },
    },
    required: ['expected'],
  },
};

export default file;
