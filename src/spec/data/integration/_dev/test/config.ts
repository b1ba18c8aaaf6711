/** package-spec `spec/integration/_dev/test/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      config_tests: {
        type: 'object',
        additionalProperties: false,
        properties: {
          parallel: { type: 'boolean', default: false },
          skip: { $ref: '../../data_stream/_dev/test/config#/definitions/skip' },
          requires: {
            type: 'array',
            items: { $ref: '../../data_stream/_dev/test/config#/definitions/package_requirement' },
          },
        },
      },
      policy_config_tests: {
        type: 'object',
        additionalProperties: false,
        properties: {
          parallel: { $ref: '#/definitions/config_tests/properties/parallel' },
          skip: { $ref: '#/definitions/config_tests/properties/skip' },
          requires: { $ref: '#/definitions/config_tests/properties/requires' },
          ignore_fields: {
            type: 'array',
            items: { type: 'string' },
          },
        },
      },
    },
    properties: {
      system: { $ref: '#/definitions/config_tests' },
      pipeline: { $ref: '#/definitions/config_tests' },
      policy: { $ref: '#/definitions/policy_config_tests' },
      static: { $ref: '#/definitions/config_tests' },
      asset: { $ref: '#/definitions/config_tests' },
    },
  },
};

export default file;
