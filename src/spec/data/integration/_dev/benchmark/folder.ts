/** package-spec `spec/integration/_dev/benchmark/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    developmentFolder: true,
    contents: [
      {
        type: 'folder',
        name: 'system',
        required: false,
        additionalContents: false,
        contents: [
          { type: 'folder', name: 'deploy', $ref: './deploy/folder' },
          {
            type: 'folder',
            pattern: '^[a-z0-9]+([a-z0-9_]*[a-z0-9])?-benchmark$',
            additionalContents: true,
            required: false,
          },
          {
            type: 'file',
            pattern: '^.+\\.yml$',
            contentMediaType: 'application/x-yaml; require-document-dashes=true',
            required: false,
            $ref: './system.scenario',
          },
        ],
      },
      {
        type: 'folder',
        name: 'rally',
        required: false,
        additionalContents: false,
        contents: [
          { type: 'folder', name: 'deploy', $ref: './deploy/folder' },
          {
            type: 'folder',
            pattern: '^[a-z0-9]+([a-z0-9_]*[a-z0-9])?-benchmark$',
            additionalContents: false,
            required: false,
            contents: [
              { type: 'file', name: 'config.yml', contentMediaType: 'application/x-yaml', required: false },
              { type: 'file', name: 'fields.yml', contentMediaType: 'application/x-yaml', required: false },
              { type: 'file', name: 'template.ndjson', contentMediaType: 'application/json', required: false },
            ],
          },
          {
            type: 'file',
            pattern: '^.+\\.yml$',
            contentMediaType: 'application/x-yaml; require-document-dashes=true',
            required: false,
            $ref: './rally.scenario',
          },
        ],
      },
    ],
  },
};

export default file;
