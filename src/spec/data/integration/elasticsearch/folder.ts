/** package-spec `spec/integration/elasticsearch/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'folder',
        name: 'ml_model',
        required: false,
        contents: [
          { type: 'file', contentMediaType: 'application/json', pattern: '^{PACKAGE_NAME}_.+\\.json$' },
        ],
      },
      {
        type: 'folder',
        name: 'ingest_pipeline',
        additionalContents: true,
        contents: [
          {
            type: 'file',
            sizeLimit: '3MB',
            pattern: '^.+\\.yml$',
            contentMediaType: 'application/x-yaml; require-document-dashes=true',
            required: false,
            allowLink: true,
            $ref: './pipeline',
          },
          {
            type: 'file',
            sizeLimit: '3MB',
            pattern: '^.+\\.json$',
            contentMediaType: 'application/json',
            required: false,
            allowLink: true,
            $ref: './pipeline',
          },
        ],
      },
      { type: 'folder', name: 'transform', required: false, $ref: './transform/folder' },
      {
        type: 'folder',
        name: 'esql_view',
        required: false,
        contents: [
          {
            type: 'file',
            pattern: '^.+\\.yml$',
            contentMediaType: 'application/x-yaml',
            required: false,
            $ref: './view',
          },
        ],
      },
    ],
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/contents/3' },
      ],
    },
    {
      before: '3.0.0',
      patch: [
        { op: 'remove', path: '/contents/1/contents/0/$ref' },
        { op: 'remove', path: '/contents/1/contents/1/$ref' },
      ],
    },
  ],
};

export default file;
