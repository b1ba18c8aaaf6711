/** package-spec `spec/integration/_dev/benchmark/rally.scenario.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    required: ['data_stream', 'corpora'],
    properties: {
      package: { $ref: './system.scenario#/definitions/package' },
      description: { $ref: './system.scenario#/definitions/description' },
      version: { $ref: '../../manifest#/definitions/version' },
      data_stream: { $ref: './system.scenario#/definitions/data_stream' },
      corpora: { $ref: './system.scenario#/definitions/corpora' },
    },
  },
};

export default file;
