/** package-spec `spec/input/spec.yml` as our data: folder spec: the items this folder may hold, and its version patches if any. */
import type { FolderSpecFile } from '../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: true,
    totalContentsLimit: 65535,
    totalSizeLimit: '50MB',
    sizeLimit: '30MB',
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
        $ref: '../integration/changelog',
      },
      { type: 'file', contentMediaType: 'text/plain', name: 'LICENSE.txt', required: false },
      { type: 'folder', name: 'agent', required: true, $ref: '../integration/agent/folder' },
      { type: 'folder', name: 'docs', required: true, $ref: '../integration/docs/folder' },
      { type: 'folder', name: 'fields', required: false, $ref: '../integration/data_stream/fields/folder' },
      {
        type: 'file',
        pattern: '^sample_event(_[a-z0-9]+)?.json$',
        contentMediaType: 'application/json',
        required: false,
      },
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
        name: 'lifecycle.yml',
        required: false,
        $ref: '../integration/data_stream/lifecycle',
      },
      {
        type: 'file',
        contentMediaType: 'application/x-yaml',
        name: 'validation.yml',
        required: false,
        $ref: '../integration/validation',
      },
      { type: 'folder', name: 'img', required: false, $ref: '../integration/img/folder' },
    ],
  },
  versions: [
    {
      before: '3.5.0',
      patch: [
        { op: 'replace', path: '/contents/5/required', value: true },
      ],
    },
    {
      before: '3.2.2',
      patch: [
        { op: 'remove', path: '/contents/10' },
      ],
    },
    {
      before: '2.10.0',
      patch: [
        { op: 'remove', path: '/contents/8' },
      ],
    },
  ],
};

export default file;
