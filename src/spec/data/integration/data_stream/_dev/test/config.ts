/** package-spec `spec/integration/data_stream/_dev/test/config.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      deployer: { type: 'string', enum: ['docker', 'tf', 'k8s'] },
      skip: {
        type: 'object',
        additionalProperties: false,
        properties: {
          reason: { type: 'string' },
          link: { type: 'string' },
        },
        required: ['reason', 'link'],
      },
      package_requirement: {
        type: 'object',
        oneOf: [
          {
            additionalProperties: false,
            properties: {
              package: { type: 'string', pattern: '^[a-z0-9_]+$' },
              version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(-[a-zA-Z0-9.]+)?$' },
            },
            required: ['package', 'version'],
          },
          {
            additionalProperties: false,
            properties: {
              source: { type: 'string' },
            },
            required: ['source'],
          },
        ],
      },
      policy_api_format: { type: 'string', enum: ['legacy', 'simplified'] },
      vars: {
        type: ['null', 'object'],
        properties: {
          'data_stream.dataset': { type: 'string', pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9\\._]*$' },
        },
      },
    },
  },
};

export default file;
