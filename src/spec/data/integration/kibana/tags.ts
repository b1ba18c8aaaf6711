/** package-spec `spec/integration/kibana/tags.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        text: { type: 'string' },
        asset_types: {
          type: 'array',
          items: {
            type: 'string',
            enum: [
              'dashboard',
              'visualization',
              'search',
              'map',
              'lens',
              'index_pattern',
              'security_rule',
              'csp_rule_template',
              'alerting_rule_template',
              'slo_template',
              'ml_module',
              'osquery_pack_asset',
              'osquery_saved_query',
            ],
          },
        },
        asset_ids: {
          type: 'array',
          items: { type: 'string' },
        },
      },
      oneOf: [
        { required: ['text', 'asset_types'] },
        { required: ['text', 'asset_ids'] },
      ],
    },
  },
};

export default file;
