/** package-spec `spec/integration/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: true,
    totalContentsLimit: 65535,
    totalSizeLimit: '250MB',
    sizeLimit: '150MB',
    configurationSizeLimit: '5MB',
    relativePathSizeLimit: '3MB',
    fieldsPerDataStreamLimit: 2048,
    contents: [
      {
        type: 'file',
        contentMediaType: 'application/x-yaml',
        sizeLimit: '5MB',
        name: 'manifest.yml',
        required: true,
        $ref: './manifest',
      },
      {
        type: 'file',
        contentMediaType: 'application/x-yaml',
        name: 'changelog.yml',
        required: true,
        $ref: './changelog',
      },
      { type: 'file', contentMediaType: 'text/plain', name: 'NOTICE.txt', required: false },
      { type: 'file', contentMediaType: 'text/plain', name: 'LICENSE.txt', required: false },
      { type: 'folder', name: 'data_stream', required: false, $ref: './data_stream/folder' },
      { type: 'folder', name: 'docs', required: true, $ref: './docs/folder' },
      { type: 'folder', name: 'agent', required: false, $ref: './agent/folder' },
      { type: 'folder', name: 'kibana', required: false, $ref: './kibana/folder' },
      {
        type: 'folder',
        name: '_dev',
        required: false,
        visibility: 'private',
        validationMode: 'source',
        $ref: './_dev/folder',
      },
      { type: 'folder', name: 'elasticsearch', required: false, $ref: './elasticsearch/folder' },
      {
        type: 'file',
        contentMediaType: 'application/x-yaml',
        name: 'validation.yml',
        required: false,
        $ref: './validation',
      },
      { type: 'folder', name: 'img', required: false, $ref: './img/folder' },
    ],
  },
  versions: [
    {
      before: '3.2.2',
      patch: [
        { op: 'remove', path: '/contents/11' },
      ],
    },
  ],
};

export default file;
