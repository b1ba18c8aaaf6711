/** package-spec `spec/integration/_dev/deploy/agent/custom-agent.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      service: {
        type: 'object',
        not: {
          anyOf: [
            { required: ['hostname'] },
          ],
        },
      },
      volume: { type: 'null' },
    },
    properties: {
      version: { type: 'string', pattern: '^2\\.3$' },
      volumes: {
        type: 'object',
        patternProperties: {
          '^[a-zA-Z0-9._-]+$': { $ref: '#/definitions/volume' },
        },
        additionalProperties: false,
      },
      services: {
        type: 'object',
        additionalProperties: { $ref: '#/definitions/service' },
        properties: {
          'docker-custom-agent': { $ref: '#/definitions/service' },
        },
        required: ['docker-custom-agent'],
      },
    },
    required: ['version', 'services'],
  },
};

export default file;
