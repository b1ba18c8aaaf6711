import type { FolderSpecFile } from '../../../../engine/types.js';

const file: FolderSpecFile = {
  spec: {
    additionalContents: false,
    contents: [
      {
        type: 'file',
        name: 'config.yml',
        contentMediaType: 'application/x-yaml',
        required: false,
        $ref: './config',
      },
    ],
  },
};

export default file;
