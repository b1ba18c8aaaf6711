/** package-spec `spec/content/manifest.spec.yml` as our data: file schema (JSON schema), and its version patches if any. */
import type { SchemaFile } from '../../engine/types.js';

const file: SchemaFile = {
  spec: {
    type: 'object',
    additionalProperties: false,
    definitions: {
      discovery: {
        type: 'object',
        additionalProperties: false,
        properties: {
          datasets: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
              },
              required: ['name'],
            },
          },
          fields: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
              },
              required: ['name'],
            },
          },
        },
      },
    },
    properties: {
      format_version: { $ref: '../integration/manifest#/definitions/version' },
      name: { type: 'string', pattern: '^[a-z0-9_]+$' },
      group: { $ref: '../integration/manifest#/definitions/group' },
      title: { $ref: '../integration/manifest#/definitions/title' },
      description: { $ref: '../integration/manifest#/definitions/description' },
      version: { $ref: '../integration/manifest#/definitions/version' },
      source: { $ref: '../integration/manifest#/definitions/source' },
      type: { type: 'string', enum: ['content'] },
      categories: { $ref: '../integration/manifest#/definitions/categories' },
      conditions: {
        type: 'object',
        additionalProperties: false,
        properties: {
          elastic: { $ref: '../integration/manifest#/definitions/conditions/properties/elastic' },
          kibana: { $ref: '../integration/manifest#/definitions/conditions/properties/kibana' },
        },
      },
      discovery: { $ref: '#/definitions/discovery' },
      icons: { $ref: '../integration/manifest#/definitions/icons' },
      screenshots: { $ref: '../integration/manifest#/definitions/screenshots' },
      owner: { $ref: '../integration/manifest#/definitions/owner' },
      deprecated: { $ref: '../integration/manifest#/definitions/deprecated' },
    },
    required: ['format_version', 'name', 'title', 'description', 'version', 'type', 'owner'],
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/properties/deprecated' },
      ],
    },
  ],
};

export default file;
