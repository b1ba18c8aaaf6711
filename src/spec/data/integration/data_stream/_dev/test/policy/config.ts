/** package-spec `spec/integration/data_stream/_dev/test/policy/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      skip: { $ref: './../config#/definitions/skip' },
      data_stream: {
        type: ['null', 'object'],
        additionalProperties: false,
        properties: {
          vars: { $ref: './../config#/definitions/vars' },
        },
      },
      input: { type: 'string' },
      vars: { $ref: './../config#/definitions/vars' },
      requires: {
        type: 'array',
        items: { $ref: './../config#/definitions/package_requirement' },
      },
      policy_api_format: { $ref: './../config#/definitions/policy_api_format' },
    },
  },
};

export default file;
