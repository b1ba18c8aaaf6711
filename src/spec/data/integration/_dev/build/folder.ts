import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'file', contentMediaType: 'application/x-yaml', name: 'build.yml', $ref: './build' },
      { type: 'folder', name: 'docs', required: false, $ref: './docs/folder' },
    ],
  },
};

export default file;
