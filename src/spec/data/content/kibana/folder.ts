/** package-spec `spec/content/kibana/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
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
        type: 'file',
        contentMediaType: 'application/x-yaml',
        name: 'tags.yml',
        required: false,
        $ref: '../../integration/kibana/tags',
      },
      {
        type: 'folder',
        name: 'security_ai_prompt',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}-.+\\.json$' },
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
    ],
  },
  versions: [
    {
      before: '3.5.0',
      patch: [
        { op: 'remove', path: '/contents/5' },
        { op: 'remove', path: '/contents/4' },
      ],
    },
    {
      before: '3.4.0',
      patch: [
        { op: 'remove', path: '/contents/2' },
      ],
    },
  ],
};

export default file;
