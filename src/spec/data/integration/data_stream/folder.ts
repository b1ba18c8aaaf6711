/** package-spec `spec/integration/data_stream/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    totalContentsLimit: 500,
    contents: [
      {
        type: 'folder',
        pattern: '^([a-z0-9]{2}|[a-z0-9][a-z0-9_]+[a-z0-9])$',
        forbiddenPatterns: ['^integration$'],
        required: true,
        additionalContents: false,
        contents: [
          {
            type: 'file',
            contentMediaType: 'application/x-yaml',
            sizeLimit: '5MB',
            name: 'manifest.yml',
            required: true,
            $ref: './manifest',
          },
          { type: 'folder', name: 'fields', required: true, $ref: './fields/folder' },
          { type: 'folder', name: 'agent', required: false, additionalContents: false, $ref: './agent/folder' },
          {
            type: 'folder',
            name: 'elasticsearch',
            additionalContents: false,
            contents: [
              {
                type: 'folder',
                name: 'ilm',
                additionalContents: false,
                contents: [
                  {
                    type: 'file',
                    pattern: '^.+\\.yml$',
                    contentMediaType: 'application/x-yaml; require-document-dashes=true',
                    required: false,
                  },
                  { type: 'file', pattern: '^.+\\.json$', contentMediaType: 'application/json', required: false },
                ],
              },
              {
                type: 'folder',
                name: 'ingest_pipeline',
                additionalContents: false,
                contents: [
                  {
                    type: 'file',
                    pattern: '^.+\\.yml$',
                    contentMediaType: 'application/x-yaml; require-document-dashes=true',
                    required: false,
                    allowLink: true,
                    $ref: '../../integration/elasticsearch/pipeline',
                  },
                  {
                    type: 'file',
                    pattern: '^.+\\.json$',
                    contentMediaType: 'application/json',
                    required: false,
                    allowLink: true,
                    $ref: '../../integration/elasticsearch/pipeline',
                  },
                ],
              },
            ],
          },
          {
            type: 'file',
            pattern: '^sample_event(_[a-z0-9]+)?.json$',
            contentMediaType: 'application/json',
            required: false,
          },
          { type: 'folder', name: 'test', required: false },
          {
            type: 'folder',
            name: '_dev',
            required: false,
            visibility: 'private',
            validationMode: 'source',
            $ref: './_dev/folder',
          },
          {
            type: 'file',
            contentMediaType: 'application/x-yaml',
            name: 'routing_rules.yml',
            required: false,
            $ref: './routing_rules',
          },
          {
            type: 'file',
            contentMediaType: 'application/x-yaml',
            name: 'lifecycle.yml',
            required: false,
            $ref: 'lifecycle',
          },
        ],
      },
    ],
  },
  versions: [
    {
      before: '3.0.0',
      patch: [
        { op: 'remove', path: '/contents/0/contents/3/contents/1/contents/0/$ref' },
        { op: 'remove', path: '/contents/0/contents/3/contents/1/contents/1/$ref' },
      ],
    },
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/contents/0/contents/8' },
      ],
    },
    {
      before: '2.9.0',
      patch: [
        { op: 'remove', path: '/contents/0/contents/7' },
      ],
    },
  ],
};

export default file;
