/** package-spec `spec/integration/data_stream/_dev/test/pipeline/common_config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      skip: { $ref: '../config#/definitions/skip' },
      fields: { type: 'object' },
      dynamic_fields: { type: 'object' },
      multiline: { type: 'object' },
      numeric_keyword_fields: { type: 'array' },
      string_number_fields: { type: 'array' },
    },
  },
};

export default file;
