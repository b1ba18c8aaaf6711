import type { FolderSpecFile } from '../../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      { type: 'folder', name: 'pipeline', required: false, $ref: './pipeline/folder' },
    ],
  },
};

export default file;
