/** package-spec `spec/integration/_dev/benchmark/system.scenario.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    definitions: {
      package: { type: 'string' },
      description: { type: 'string' },
      policy_template: { type: 'string' },
      data_stream: {
        type: 'object',
        additionalProperties: false,
        oneOf: [
          { required: ['name'] },
          { required: ['dataset'] },
        ],
        properties: {
          name: { type: 'string' },
          dataset: { type: 'string' },
          vars: { $ref: '../../data_stream/_dev/test/config#/definitions/vars' },
        },
      },
      warmup_time_period: { type: 'string', default: '' },
      benchmark_time_period: { type: 'string', default: '' },
      wait_for_data_timeout: { type: 'string', default: '10m' },
      corpora: {
        type: 'object',
        additionalProperties: false,
        required: ['generator'],
        properties: {
          generator: {
            type: 'object',
            additionalProperties: false,
            required: ['total_events', 'template', 'config', 'fields'],
            properties: {
              total_events: { type: 'integer' },
              template: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  raw: { type: 'string' },
                  path: { type: 'string' },
                  type: { type: 'string', enum: ['placeholder', 'gotext'], default: 'placeholder' },
                },
              },
              config: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  raw: { type: 'object' },
                  path: { type: 'string' },
                },
              },
              fields: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  raw: { type: 'object' },
                  path: { type: 'string' },
                },
              },
            },
          },
          input_service: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string' },
              signal: { type: 'string', default: '' },
            },
          },
        },
      },
    },
    type: 'object',
    additionalProperties: false,
    required: ['data_stream', 'input'],
    properties: {
      package: { $ref: '#/definitions/package' },
      description: { $ref: '#/definitions/description' },
      version: { $ref: '../../manifest#/definitions/version' },
      input: { type: 'string' },
      policy_template: { $ref: '#/definitions/policy_template' },
      vars: { $ref: '../../data_stream/_dev/test/config#/definitions/vars' },
      data_stream: { $ref: '#/definitions/data_stream' },
      warmup_time_period: { $ref: '#/definitions/warmup_time_period' },
      benchmark_time_period: { $ref: '#/definitions/benchmark_time_period' },
      wait_for_data_timeout: { $ref: '#/definitions/wait_for_data_timeout' },
      deployer: { $ref: '../../data_stream/_dev/test/config#/definitions/deployer' },
      corpora: { $ref: '#/definitions/corpora' },
    },
  },
};

export default file;
