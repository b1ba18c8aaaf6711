/** package-spec `spec/integration/elasticsearch/transform/manifest.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    properties: {
      destination_index_template: {
        type: 'object',
        additionalProperties: false,
        properties: {
          settings: {
            type: 'object',
            additionalProperties: false,
            properties: {
              analysis: { $ref: '../../data_stream/manifest#/definitions/index_template_setting_analysis' },
              index: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  codec: { $ref: '../../data_stream/manifest#/definitions/index_template_setting_index/properties/codec' },
                  mapping: {
                    $ref: '../../data_stream/manifest#/definitions/index_template_setting_index/properties/mapping',
                  },
                  mode: { type: 'string', enum: ['lookup'] },
                  refresh_interval: { type: 'string' },
                  sort: { $ref: '../../data_stream/manifest#/definitions/index_template_setting_index/properties/sort' },
                  number_of_shards: { $ref: '../../data_stream/manifest#/definitions/index_template_setting_number_of_shards' },
                  number_of_routing_shards: { $ref: '../../data_stream/manifest#/definitions/index_template_setting_number_of_shards' },
                  hidden: { type: 'boolean', default: false },
                },
              },
            },
          },
          mappings: { $ref: '../../data_stream/manifest#/definitions/elasticsearch_index_template/properties/mappings' },
          ingest_pipeline: {
            $ref: '../../data_stream/manifest#/definitions/elasticsearch_index_template/properties/ingest_pipeline',
          },
          data_stream: { $ref: '../../data_stream/manifest#/definitions/elasticsearch_index_template/properties/data_stream' },
        },
      },
      start: { type: 'boolean', default: true },
    },
  },
  versions: [
    {
      before: '3.4.0',
      patch: [
        {
          op: 'remove',
          path: '/properties/destination_index_template/properties/settings/properties/index/properties/mode',
        },
      ],
    },
  ],
};

export default file;
