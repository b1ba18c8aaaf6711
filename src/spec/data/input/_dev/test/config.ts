/** package-spec `spec/input/_dev/test/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      system: { $ref: '../../../integration/_dev/test/config#/definitions/config_tests' },
      policy: { $ref: '../../../integration/_dev/test/config#/definitions/policy_config_tests' },
    },
  },
};

export default file;
