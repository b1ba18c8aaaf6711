/** package-spec `spec/content/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    totalContentsLimit: 65535,
    totalSizeLimit: '250MB',
    sizeLimit: '150MB',
    configurationSizeLimit: '5MB',
    relativePathSizeLimit: '3MB',
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
        $ref: '../integration/changelog',
      },
      { type: 'file', contentMediaType: 'text/plain', name: 'LICENSE.txt', required: false },
      { type: 'folder', name: 'docs', required: true, $ref: '../integration/docs/folder' },
      { type: 'folder', name: 'img', required: false, $ref: '../integration/img/folder' },
      { type: 'folder', name: 'kibana', required: false, $ref: './kibana/folder' },
      {
        type: 'file',
        contentMediaType: 'application/x-yaml',
        name: 'validation.yml',
        required: false,
        $ref: '../integration/validation',
      },
      { type: 'folder', name: 'elasticsearch', required: false, $ref: './elasticsearch/folder' },
      {
        type: 'folder',
        name: '_dev',
        required: false,
        visibility: 'private',
        validationMode: 'source',
        $ref: './_dev/folder',
      },
    ],
  },
  versions: [
    {
      before: '3.6.0',
      patch: [
        { op: 'remove', path: '/contents/7' },
      ],
    },
    {
      before: '3.3.1',
      patch: [
        { op: 'add', path: '/release', value: 'beta' },
      ],
    },
    {
      before: '3.3.0',
      patch: [
        { op: 'remove', path: '/contents' },
      ],
    },
  ],
};

export default file;
