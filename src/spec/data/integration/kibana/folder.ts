/** package-spec `spec/integration/kibana/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'folder',
        name: 'dashboard',
        required: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/json',
            pattern: '^{PACKAGE_NAME}-.+\\.json$',
            forbiddenPatterns: ['^.+-(ecs|ECS)\\.json$'],
          },
        ],
      },
      {
        type: 'folder',
        name: 'visualization',
        required: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/json',
            pattern: '^{PACKAGE_NAME}-.+\\.json$',
            forbiddenPatterns: ['^.+-(ecs|ECS)\\.json$'],
          },
        ],
      },
      {
        type: 'folder',
        name: 'search',
        required: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/json',
            pattern: '^{PACKAGE_NAME}-.+\\.json$',
            forbiddenPatterns: ['^.+-(ecs|ECS)\\.json$'],
          },
        ],
      },
      {
        type: 'folder',
        name: 'map',
        required: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/json',
            pattern: '^{PACKAGE_NAME}-.+\\.json$',
            forbiddenPatterns: ['^.+-(ecs|ECS)\\.json$'],
          },
        ],
      },
      {
        type: 'folder',
        name: 'lens',
        required: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/json',
            pattern: '^{PACKAGE_NAME}-.+\\.json$',
            forbiddenPatterns: ['^.+-(ecs|ECS)\\.json$'],
          },
        ],
      },
      {
        type: 'folder',
        name: 'index_pattern',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'security_rule',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'csp_rule_template',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'ml_module',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}-.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'tag',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}-.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'osquery_pack_asset',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}-.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'osquery_saved_query',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}-.+\\.json$' },
        ],
      },
      { type: 'file', contentMediaType: 'application/x-yaml', name: 'tags.yml', required: false, $ref: './tags' },
      {
        type: 'folder',
        name: 'alerting_rule_template',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'slo_template',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^.+\\.json$' },
        ],
      },
    ],
  },
  versions: [
    {
      before: '3.4.0',
      patch: [
        { op: 'remove', path: '/contents/14' },
        { op: 'remove', path: '/contents/13' },
      ],
    },
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/contents/12' },
      ],
    },
  ],
};

export default file;
